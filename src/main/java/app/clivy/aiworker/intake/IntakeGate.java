package app.clivy.aiworker.intake;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Open while the node takes webhooks. Graceful shutdown closes it first: from then on, while the
 * worker drains its jobs and the web server still accepts connections, a webhook gets
 * {@code 503 {"error":"shutting_down"}} with {@code Retry-After} (the gateway sends it again, to
 * another node or after the restart) instead of a connection reset.
 */
@Component("intakeGate")
public class IntakeGate {

    private final long retryAfterSeconds;
    private volatile boolean closed;

    public IntakeGate(@Value("${ai-worker.intake.retry-after-seconds:5}") long retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Passes while open; throws a 503 {@link WebhookRejectedException} once closed. */
    public void check() {
        if (closed) {
            throw new WebhookRejectedException(503, "shutting_down",
                    "this worker is shutting down; send the message again later", retryAfterSeconds);
        }
    }

    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }
}
