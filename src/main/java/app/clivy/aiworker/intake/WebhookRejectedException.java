package app.clivy.aiworker.intake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A webhook request we refuse to store: answered with {@link #getStatus()} and a JSON error. */
public class WebhookRejectedException extends RuntimeException {

    private final int status;
    private final String error;

    public WebhookRejectedException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public static WebhookRejectedException badRequest(String message) {
        return new WebhookRejectedException(400, "invalid_request", message);
    }

    public int getStatus() {
        return status;
    }

    /** The response body, e.g. {@code {"error":"invalid_request","message":"data.Info.ID must be a string"}}. */
    public String getJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("error", error);
        node.put("message", getMessage());
        return node.toString();
    }
}
