package app.clivy.aiworker.knowledge;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.demo.DemoSettings;
import app.clivy.aiworker.openrouter.OpenRouterSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The two ends of one {@code POST /api/v1/embeddings} call (route openrouter-embeddings): the
 * request for a batch of texts, and the vectors read from OpenAI's answer shape ({@code data[].index},
 * {@code data[].embedding}, {@code usage.cost}). Meaning search is on with an API key and a model
 * ({@code ai-worker.knowledge.embedding-model}); the offline demo has no embeddings.
 */
@Component("knowledgeEmbeddings")
public class KnowledgeEmbeddings {

    private static final ObjectMapper JSON = JsonMappers.create();

    private final String apiKey;
    private final String referer;
    private final String title;
    private final String model;
    private final int dimensions;
    private final boolean enabled;

    public KnowledgeEmbeddings(OpenRouterSettings openRouter, KnowledgeSettings settings, DemoSettings demo) {
        this.apiKey = openRouter.apiKey().strip();
        this.referer = openRouter.httpReferer();
        this.title = openRouter.xTitle();
        this.model = settings.embeddingModel().strip();
        this.dimensions = settings.embeddingDimensions();
        this.enabled = !apiKey.isEmpty() && !model.isEmpty() && !demo.enabled();
    }

    public boolean enabled() {
        return enabled;
    }

    public String model() {
        return model;
    }

    /** The batch's vectors, in input order, and what the batch cost. */
    public record Vectors(List<float[]> vectors, BigDecimal cost) {
    }

    /** Sets the request's headers and returns its body for one text (a question). */
    public String questionRequest(Exchange exchange, String text) {
        return request(exchange, List.of(text));
    }

    /** The request for a claimed batch of passages (rows of sql/knowledge-embed-claim.sql: title and text). */
    public String batchRequest(Exchange exchange, List<Map<String, Object>> batch) {
        List<String> texts = new ArrayList<>(batch.size());
        batch.forEach(row -> texts.add(String.valueOf(row.get("text"))));
        return request(exchange, texts);
    }

    /** Sets the request's headers and returns its body for {@code texts}. */
    String request(Exchange exchange, List<String> texts) {
        app.clivy.aiworker.openrouter.OpenRouterCall.setHeaders(exchange.getMessage(), apiKey, referer, title);
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        if (dimensions > 0) {
            body.put("dimensions", dimensions);
        }
        return body.toString();
    }

    /** The answer's vectors, or {@link EmbeddingsUnavailableException} for an error status or an unusable body. */
    public Vectors read(Exchange exchange, int expected) {
        var message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = message.getBody(String.class);
        message.removeHeaders("*");
        if (status < 200 || status > 299) {
            throw new EmbeddingsUnavailableException("embeddings endpoint answered " + status);
        }
        try {
            JsonNode answer = JSON.readTree(body == null ? "" : body);
            JsonNode data = answer.path("data");
            if (!data.isArray() || data.size() != expected) {
                throw new EmbeddingsUnavailableException("embeddings answer has " + data.size() + " vectors for " + expected + " texts"
                        + (answer.has("error") ? " (error " + answer.path("error").path("code").asText() + ")" : ""));
            }
            float[][] out = new float[expected][];
            for (JsonNode item : data) {
                int index = item.path("index").asInt(-1);
                JsonNode values = item.path("embedding");
                if (index < 0 || index >= expected || !values.isArray() || values.isEmpty()) {
                    throw new EmbeddingsUnavailableException("embeddings answer has an unusable item at index " + index);
                }
                float[] v = new float[values.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) values.get(i).asDouble();
                }
                out[index] = v;
            }
            JsonNode cost = answer.path("usage").path("cost");
            return new Vectors(List.of(out), cost.isNumber() ? cost.decimalValue() : BigDecimal.ZERO);
        } catch (java.io.IOException e) {
            throw new EmbeddingsUnavailableException("embeddings answer is not JSON");
        } catch (NullPointerException e) {
            throw new EmbeddingsUnavailableException("embeddings answer misses an index");
        }
    }

    /** Why an embeddings call failed, short and without the request: for logs and output_json. */
    public String reason(Throwable failure) {
        Throwable t = failure;
        while (t != null) {
            if (t instanceof EmbeddingsUnavailableException) {
                return t.getMessage();
            }
            if (t instanceof java.io.IOException) {
                return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            }
            t = t.getCause();
        }
        return failure == null ? "unknown" : failure.getClass().getSimpleName();
    }

    /** The single vector of a question's request. */
    public float[] first(Vectors vectors) {
        return vectors.vectors().get(0);
    }
}
