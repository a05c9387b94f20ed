package app.clivy.aiworker.openrouter;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * Turns an OpenRouter answer (status, body, {@code Retry-After}) into either the completion JSON or
 * the typed {@link ProviderException} that the outcome table of DESIGN.md prescribes, including
 * errors reported inside an HTTP 200 body.
 */
@Component("openRouterErrorClassifier")
public class OpenRouterErrorClassifier {

    private static final Pattern CONTEXT_LENGTH = Pattern.compile(
            "maximum context length is \\d+ tokens|context[ _]length[ _]exceeded|context length|too many tokens",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_MESSAGE = 300;

    private final ObjectMapper json = JsonMappers.create();

    /**
     * @return the parsed completion, known to hold a non-empty {@code choices[0].message.content}
     * @throws ProviderException for every failure
     */
    public JsonNode classify(int status, String body, String retryAfter) {
        long retryAfterSeconds = parseRetryAfter(retryAfter);
        JsonNode root = parse(body);
        if (status < 200 || status >= 300) {
            throw byCode(status, errorMessage(root, "HTTP " + status), errorMetadata(root), retryAfterSeconds);
        }
        if (root == null || !root.isObject()) {
            throw new PermanentProviderException("invalid_response", status,
                    "LLM call failed (" + status + "): unparseable response body", true);
        }
        JsonNode choices = root.path("choices");
        if (root.hasNonNull("error") && (!choices.isArray() || choices.isEmpty())) {
            JsonNode error = root.get("error");
            throw byCode(error.path("code").asInt(500), errorMessage(root, "error in response"), error.path("metadata"),
                    retryAfterSeconds);
        }
        if (!choices.isArray() || choices.isEmpty()) {
            throw new RetryableProviderException("empty_response", status,
                    "LLM call failed (" + status + "): no choices in response", retryAfterSeconds);
        }
        JsonNode first = choices.get(0);
        if ("error".equals(first.path("finish_reason").asText()) || first.hasNonNull("error")) {
            JsonNode error = first.path("error");
            throw byCode(error.path("code").asInt(502), shorten(error.path("message").asText("generation failed")),
                    error.path("metadata"), retryAfterSeconds);
        }
        JsonNode content = first.path("message").path("content");
        if (!content.isTextual() || content.asText().isBlank()) {
            throw new RetryableProviderException("empty_response", status,
                    "LLM call failed (" + status + "): no content generated", retryAfterSeconds);
        }
        return root;
    }

    /** The table's rows by status (or inner error code). */
    ProviderException byCode(int code, String message, JsonNode metadata, long retryAfterSeconds) {
        String line = "LLM call failed (" + code + "): " + message;
        String errorType = metadata == null ? "" : metadata.path("error_type").asText("");
        if (code == 400 && ("context_length_exceeded".equals(errorType) || CONTEXT_LENGTH.matcher(message).find())) {
            return new ContextTooLongException(code, line);
        }
        return switch (code) {
            case 408 -> new RetryableProviderException("timeout", code, line, retryAfterSeconds);
            case 429 -> new RetryableProviderException("rate_limited", code, line, retryAfterSeconds);
            case 502 -> new RetryableProviderException("bad_gateway", code, line, retryAfterSeconds);
            case 503 -> new RetryableProviderException("provider_unavailable", code, line, retryAfterSeconds);
            case 401 -> new PermanentProviderException("auth", code, line, true);
            case 402 -> new PermanentProviderException("payment", code, line, true);
            case 403 -> new PermanentProviderException("moderation", code, line + reasons(metadata), false);
            case 404 -> new PermanentProviderException("not_found", code, line, false);
            default -> code >= 500
                    ? new PermanentProviderException("server_error", code, line, true)
                    : new PermanentProviderException("bad_request", code, line, false);
        };
    }

    private static String reasons(JsonNode metadata) {
        if (metadata == null || !metadata.path("reasons").isArray() || metadata.path("reasons").isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(" (reasons: ");
        metadata.path("reasons").forEach(r -> s.append(r.asText()).append(", "));
        s.setLength(s.length() - 2);
        return s.append(')').toString();
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static String errorMessage(JsonNode root, String fallback) {
        if (root != null && root.path("error").path("message").isTextual()) {
            return shorten(root.path("error").path("message").asText());
        }
        return fallback;
    }

    private static JsonNode errorMetadata(JsonNode root) {
        return root == null ? null : root.path("error").path("metadata");
    }

    private static String shorten(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "…";
    }

    /** {@code Retry-After} as seconds or as an HTTP date; 0 when absent or unreadable. */
    static long parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim();
        try {
            return Math.max(0, (long) Math.ceil(Double.parseDouble(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toSeconds());
            } catch (Exception unreadable) {
                return 0;
            }
        }
    }
}
