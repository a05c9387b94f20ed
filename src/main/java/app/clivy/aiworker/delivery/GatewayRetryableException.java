package app.clivy.aiworker.delivery;

/** The gateway answered 408, 429 or 5xx: try again later (counts against the gateway breaker). */
public class GatewayRetryableException extends RuntimeException {

    private final long retryAfterSeconds;

    public GatewayRetryableException(String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long getRetryAfterSeconds() {
        return retryAfterSeconds;
    }
}
