package app.clivy.aiworker.operations;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.http.HttpRefusal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Reads and checks what the admin API (routes/11-admin-api.camel.yaml) is asked: ids, filters, document bodies. */
@Component("adminApi")
public class AdminApi {

    private static final Set<String> STATUSES = Set.of("pending", "processing", "done", "failed");
    private static final int MAX_DOCUMENT_CHARS = 100_000;
    /** strict, as the webhook's: a key twice or anything after the object is 400 */
    private static final ObjectMapper JSON = new ObjectMapper(JsonMappers.factoryBuilder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * An error answer's JSON ({@code {"error":..., "message":...}}), built by Jackson: a path value in
     * the message (an instance's name) stays a string and cannot add fields to the answer.
     */
    public String error(String error, String message) {
        com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
        node.put("error", error);
        node.put("message", message);
        return node.toString();
    }

    /** The {@code {id}} path parameter into variable {@code id}, or 400. */
    public void pathId(Exchange exchange) {
        exchange.setVariable("id", id(exchange.getMessage().getHeader("id", String.class)));
    }

    static long id(String raw) {
        try {
            long id = Long.parseLong(raw == null ? "" : raw.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw HttpRefusal.badRequest("id must be a positive whole number, not '" + raw + "'");
    }

    /**
     * {@code ?status=&limit=} of GET /api/jobs as the parameters of sql/api-list-jobs.sql: {@code status}
     * (null: every status) and {@code limit}, or 400. A map, not variables: a variable cannot hold null.
     */
    public Map<String, Object> jobFilter(String status, String limit) {
        if (status != null && !status.isBlank() && !STATUSES.contains(status)) {
            throw HttpRefusal.badRequest("status must be one of pending, processing, done, failed");
        }
        Map<String, Object> filter = new HashMap<>();
        filter.put("status", status == null || status.isBlank() ? null : status);
        filter.put("limit", limit(limit));
        return filter;
    }

    /**
     * {@code ?instance=&limit=} of GET /api/documents as the parameters of sql/api-list-documents.sql:
     * {@code instance} (null: every instance) and {@code limit}.
     */
    public Map<String, Object> documentFilter(String instance, String limit) {
        Map<String, Object> filter = new HashMap<>();
        filter.put("instance", instance == null || instance.isBlank() ? null : instance);
        filter.put("limit", limit(limit));
        return filter;
    }

    /** A document body {@code {"instance","title","content"}} as the named parameters of its SQL. */
    public Map<String, Object> document(byte[] body) {
        JsonNode node = jsonObject(body, "instance, title and content");
        Map<String, Object> doc = new HashMap<>();
        for (String field : new String[] {"instance", "title", "content"}) {
            JsonNode value = node.get(field);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                throw HttpRefusal.badRequest(field + " must be a non-empty string");
            }
            doc.put(field, value.asText());
        }
        if (doc.get("content").toString().length() > MAX_DOCUMENT_CHARS) {
            throw HttpRefusal.badRequest("content must be at most " + MAX_DOCUMENT_CHARS + " characters");
        }
        return doc;
    }

    /** A request body that must be a JSON object (with {@code fields}, for the message), or 400. */
    public static JsonNode jsonObject(byte[] body, String fields) {
        JsonNode node;
        try {
            node = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw HttpRefusal.badRequest("malformed JSON: " + e.getMessage().split("\n")[0]);
        }
        if (node == null || !node.isObject()) {
            throw HttpRefusal.badRequest("body must be a JSON object with " + fields);
        }
        return node;
    }

    private static int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= 500) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw HttpRefusal.badRequest("limit must be a whole number from 1 to 500");
    }
}
