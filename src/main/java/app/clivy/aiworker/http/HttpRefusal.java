package app.clivy.aiworker.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the worker refuses, on any of its HTTP surfaces (the webhook, the admin API, the knowledge
 * API): answered with {@link #getStatus()} and a JSON error, by the routes' {@code onException} for this
 * type or, in front of the routes, by the webhook's edge.
 */
public class HttpRefusal extends RuntimeException {

    private final int status;
    private final String error;
    private final Long retryAfterSeconds;

    public HttpRefusal(int status, String error, String message) {
        this(status, error, message, null);
    }

    /** A refusal the client should try again later: the answer carries {@code Retry-After}. */
    public HttpRefusal(int status, String error, String message, Long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static HttpRefusal badRequest(String message) {
        return new HttpRefusal(400, "invalid_request", message);
    }

    public int getStatus() {
        return status;
    }

    /** Seconds for the {@code Retry-After} header, or null for none. */
    public Long getRetryAfter() {
        return retryAfterSeconds;
    }

    /** The response body, e.g. {@code {"error":"invalid_request","message":"data.Info.ID must be a string"}}. */
    public String getJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("error", error);
        node.put("message", getMessage());
        return node.toString();
    }
}
