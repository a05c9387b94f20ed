package app.clivy.aiworker.credits;

import java.io.IOException;
import java.math.BigDecimal;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * Reads the answers of {@code GET /api/v1/credits} and {@code GET /api/v1/key} (shapes in
 * openrouter-api.md) into a {@link CreditReading}, or fails with one line that says what was wrong.
 */
@Component("creditResponseReader")
public class CreditResponseReader {

    static final String CREDITS_PATH = "/api/v1/credits";
    static final String KEY_PATH = "/api/v1/key";
    private static final int MAX_MESSAGE_CHARS = 200;
    private static final ObjectMapper JSON = JsonMappers.create();

    /** {@code {"data":{"total_credits":100.5,"total_usage":25.75}}}: balance = total - usage. */
    public CreditReading credits(Integer status, String body) {
        JsonNode data = data(CREDITS_PATH, status, body);
        BigDecimal total = number(CREDITS_PATH, data, "total_credits", true);
        BigDecimal usage = number(CREDITS_PATH, data, "total_usage", true);
        return new CreditReading(CreditReading.CREDITS, total, total.subtract(usage), usage, null);
    }

    /** {@code {"data":{"limit":100,"limit_remaining":74.5,"usage":25.5,"usage_daily":1.25,...}}}; a null limit is a key without one. */
    public CreditReading key(Integer status, String body) {
        JsonNode data = data(KEY_PATH, status, body);
        BigDecimal limit = number(KEY_PATH, data, "limit", false);
        BigDecimal usage = number(KEY_PATH, data, "usage", false);
        BigDecimal daily = number(KEY_PATH, data, "usage_daily", false);
        if (limit == null) {
            return new CreditReading(CreditReading.KEY, null, null, usage, daily);
        }
        BigDecimal remaining = number(KEY_PATH, data, "limit_remaining", false);
        if (remaining == null) {
            if (usage == null) {
                throw new CreditCheckException("GET " + KEY_PATH + " gave a limit but neither limit_remaining nor usage");
            }
            remaining = limit.subtract(usage);
        }
        return new CreditReading(CreditReading.KEY, limit, remaining, usage, daily);
    }

    private static JsonNode data(String path, Integer status, String body) {
        JsonNode root = parse(body);
        if (status == null || status != 200) {
            String message = root == null ? null : root.path("error").path("message").asText(null);
            throw new CreditCheckException("GET " + path + " answered HTTP " + status
                    + (message == null ? "" : ": " + oneLine(message)));
        }
        if (root == null) {
            throw new CreditCheckException("GET " + path + " answered 200 with a body that is not JSON: " + oneLine(body));
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new CreditCheckException("GET " + path + " answered 200 without a data object: " + oneLine(body));
        }
        return data;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(body);
            return root != null && root.isObject() ? root : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static BigDecimal number(String path, JsonNode data, String field, boolean required) {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new CreditCheckException("GET " + path + " answered without data." + field);
            }
            return null;
        }
        if (!node.isNumber()) {
            throw new CreditCheckException("GET " + path + " answered data." + field + " that is not a number: " + oneLine(node.toString()));
        }
        return node.decimalValue();
    }

    /** Control characters out, long text cut: an error line stays one readable line. */
    private static String oneLine(String text) {
        String flat = text == null ? "" : text.replaceAll("\\p{Cntrl}+", " ").strip();
        return flat.length() <= MAX_MESSAGE_CHARS ? flat : flat.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
