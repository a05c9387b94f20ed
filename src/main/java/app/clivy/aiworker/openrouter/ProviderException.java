package app.clivy.aiworker.openrouter;

/**
 * A failed OpenRouter call, classified. The subclass picks the outcome route (retry, shrink the
 * context, fail); {@link #countsAgainstBreaker()} decides whether the {@code openrouter} circuit
 * breaker records it. Messages never include the API key.
 */
public abstract class ProviderException extends RuntimeException {

    private final String errorClass;
    private final int status;
    private final long retryAfterSeconds;
    private final boolean countsAgainstBreaker;

    protected ProviderException(String errorClass, int status, String message, long retryAfterSeconds,
                                boolean countsAgainstBreaker) {
        super(message, null, false, false);
        this.errorClass = errorClass;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.countsAgainstBreaker = countsAgainstBreaker;
    }

    /** Machine-readable class stored in {@code ai_jobs.error_class}, e.g. {@code rate_limited}. */
    public String getErrorClass() {
        return errorClass;
    }

    /** The HTTP status or inner error code; 0 for a network failure. */
    public int getStatus() {
        return status;
    }

    /** Seconds the provider asked us to wait ({@code Retry-After}), 0 if it did not say. */
    public long getRetryAfterSeconds() {
        return retryAfterSeconds;
    }

    public boolean countsAgainstBreaker() {
        return countsAgainstBreaker;
    }

    /** The human line stored in {@code ai_jobs.error_msg}, e.g. {@code LLM call failed (429): Rate limit exceeded}. */
    public String getErrorMsg() {
        return getMessage();
    }
}
