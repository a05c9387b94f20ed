package app.clivy.aiworker.knowledge;

import java.util.List;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

/** The Java side of routes/15-knowledge-index.camel.yaml: a document cut into passages, a batch's texts and vectors as JSON for their SQL. */
@Component("knowledgeIndexer")
public class KnowledgeIndexer {

    private static final ObjectMapper JSON = JsonMappers.create();

    private final PassageSplitter splitter;

    public KnowledgeIndexer(KnowledgeSettings settings) {
        this.splitter = new PassageSplitter(settings.passageTargetChars(), settings.passageMaxChars());
    }

    /** @return the document's passages, {@code [{"ordinal", "text"}]}, for sql/knowledge-index-store.sql */
    public String passages(Map<String, Object> document) {
        ArrayNode out = JSON.createArrayNode();
        List<String> passages = splitter.split(String.valueOf(document.get("content")));
        for (int i = 0; i < passages.size(); i++) {
            out.addObject().put("ordinal", i).put("text", passages.get(i));
        }
        return out.toString();
    }

    /** The batch's fencing token. */
    public Object token(List<Map<String, Object>> batch) {
        return batch.get(0).get("embed_lease_token");
    }

    /** The vectors of a batch, {@code [{"id", "vector"}]} in the batch's order, for sql/knowledge-embedded.sql. */
    public String vectors(List<Map<String, Object>> batch, KnowledgeEmbeddings.Vectors vectors) {
        ArrayNode out = JSON.createArrayNode();
        for (int i = 0; i < batch.size(); i++) {
            ObjectNode item = out.addObject();
            item.put("id", ((Number) batch.get(i).get("id")).longValue());
            ArrayNode v = item.putArray("vector");
            for (float x : vectors.vectors().get(i)) {
                v.add(x);
            }
        }
        return out.toString();
    }
}
