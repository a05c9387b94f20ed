package app.clivy.aiworker.knowledge;

import java.io.IOException;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.http.HttpRefusal;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Reads and answers the knowledge admin API (routes/16-knowledge-api.camel.yaml). */
@Component("knowledgeApi")
public class KnowledgeApi {

    private static final ObjectMapper JSON = JsonMappers.create();
    private static final int MAX_QUESTION_CHARS = 4000;
    private static final int MAX_DOCUMENT_CHARS = 100_000;

    private final KnowledgeSearch search;
    private final KnowledgeSettings settings;

    public KnowledgeApi(KnowledgeSearch search, KnowledgeSettings settings) {
        this.search = search;
        this.settings = settings;
    }

    /**
     * Bulk import: a JSON array of {@code {title, content}} (1 to import-max-documents items, distinct
     * titles, each content at most {@link #MAX_DOCUMENT_CHARS} characters; the whole body within
     * ai-worker.admin.max-body-bytes) as the JSON of sql/knowledge-import.sql, or 400 naming the item.
     */
    public String importDocuments(byte[] body) {
        com.fasterxml.jackson.databind.JsonNode array;
        try {
            array = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw HttpRefusal.badRequest("malformed JSON: " + e.getMessage().split("\n")[0]);
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw HttpRefusal.badRequest("the body must be a JSON array of {\"title\", \"content\"}");
        }
        if (array.size() > settings.importMaxDocuments()) {
            throw HttpRefusal.badRequest("an import takes at most " + settings.importMaxDocuments()
                    + " documents; this one has " + array.size());
        }
        com.fasterxml.jackson.databind.node.ArrayNode checked = JSON.createArrayNode();
        java.util.Set<String> titles = new java.util.HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            var item = array.get(i);
            var title = item.path("title");
            var content = item.path("content");
            if (!item.isObject() || !title.isTextual() || title.asText().isBlank()
                    || !content.isTextual() || content.asText().isBlank()) {
                throw HttpRefusal.badRequest("document " + i + " must have a non-empty title and content");
            }
            if (content.asText().strip().length() > MAX_DOCUMENT_CHARS) {
                throw HttpRefusal.badRequest("document " + i + ": content must be at most "
                        + MAX_DOCUMENT_CHARS + " characters");
            }
            if (!titles.add(title.asText().strip())) {
                throw HttpRefusal.badRequest("document " + i + ": the title " + JSON.valueToTree(title.asText().strip())
                        + " is given twice");
            }
            checked.addObject().put("title", title.asText().strip()).put("content", content.asText().strip());
        }
        return checked.toString();
    }

    /**
     * PDF documents: a PDF uploaded as the request body (at most ai-worker.knowledge.max-pdf-bytes,
     * checked by ApiBodyLimitFilter), its text extracted by PDFBox and kept like a text upload's
     * (at most {@link #MAX_DOCUMENT_CHARS} characters); a broken or encrypted file, or one without
     * extractable text (a scan), is answered 400. The body comes as ISO-8859-1 text, one char per
     * byte (ApiBodyLimitFilter: Camel's platform-http reads every body as characters).
     */
    public Map<String, Object> pdfDocument(Exchange exchange, String latin1) {
        byte[] body = latin1 == null ? null : latin1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (body == null || body.length == 0) {
            throw HttpRefusal.badRequest("the body must be the PDF file");
        }
        String text;
        try (org.apache.pdfbox.pdmodel.PDDocument pdf = org.apache.pdfbox.Loader.loadPDF(body)) {
            text = new org.apache.pdfbox.text.PDFTextStripper().getText(pdf);
        } catch (org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException e) {
            throw HttpRefusal.badRequest("the PDF is protected by a password; upload it without one");
        } catch (IOException | RuntimeException e) {
            throw HttpRefusal.badRequest("the body is not a readable PDF file");
        }
        if (text.isBlank()) {
            throw HttpRefusal.badRequest("the PDF has no extractable text (a scan?); upload its text instead");
        }
        return textDocument(exchange, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@code {instance}}, {@code ?q=} and optional {@code ?budget=} of the preview into variables, or 400. */
    public void searchRequest(Exchange exchange) {
        var message = exchange.getMessage();
        String instance = message.getHeader("instance", String.class);
        String q = message.getHeader("q", String.class);
        if (q == null || q.isBlank()) {
            throw HttpRefusal.badRequest("q must be the question to search for");
        }
        if (q.length() > MAX_QUESTION_CHARS) {
            throw HttpRefusal.badRequest("q must be at most " + MAX_QUESTION_CHARS + " characters");
        }
        int budget = search.budget(instance);
        String raw = message.getHeader("budget", String.class);
        if (raw != null && !raw.isBlank()) {
            try {
                budget = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                budget = -1;
            }
            if (budget < 0 || budget > 100_000) {
                throw HttpRefusal.badRequest("budget must be a whole number of characters from 0 to 100000");
            }
        }
        exchange.setVariable("instance", instance);
        exchange.setVariable("knowledgeInstance", instance);
        exchange.setVariable("question", q);
        exchange.setVariable("knowledgeBudget", budget);
    }

    /**
     * A document uploaded as the request body (plain text or Markdown, UTF-8, at most
     * {@link #MAX_DOCUMENT_CHARS} characters), its title from {@code ?title=}: the named parameters of
     * sql/api-create-document.sql, or 400.
     */
    public Map<String, Object> textDocument(Exchange exchange, byte[] body) {
        var message = exchange.getMessage();
        String instance = message.getHeader("instance", String.class);
        String title = message.getHeader("title", String.class);
        String content = body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        if (title == null || title.isBlank()) {
            throw HttpRefusal.badRequest("title must be given as ?title=");
        }
        if (content.isEmpty()) {
            throw HttpRefusal.badRequest("the body must be the document's text (plain text or Markdown)");
        }
        if (content.length() > MAX_DOCUMENT_CHARS) {
            throw HttpRefusal.badRequest("a document must be at most " + MAX_DOCUMENT_CHARS + " characters");
        }
        return Map.of("instance", instance, "title", title.strip(), "content", content);
    }

    /**
     * {@code ?instance=} (null: all instances) and {@code ?vectors=true} as the parameters of
     * sql/knowledge-status.sql and sql/knowledge-reindex.sql. A map, not variables: a variable cannot hold null.
     */
    public Map<String, Object> instanceFilter(String instance, String vectors) {
        Map<String, Object> filter = new java.util.HashMap<>();
        filter.put("instance", instance == null || instance.isBlank() ? null : instance);
        filter.put("vectors", "true".equalsIgnoreCase(vectors));
        return filter;
    }

    /** The preview's answer: the question's search terms, how meaning search went, the passages with their scores and text. */
    public String preview(String question, Map<String, Object> context, Retrieval retrieval) throws IOException {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("question", question);
        answer.set("terms", JSON.readTree(String.valueOf(context.get("question_terms"))));
        answer.put("candidates", retrieval.candidates());
        answer.setAll(search.describe(retrieval, true));
        return answer.toPrettyString();
    }
}
