package app.clivy.aiworker.openrouter;

/** 408, 429, 502, 503, timeouts, empty answers: try again later, up to the job's max attempts. */
public class RetryableProviderException extends ProviderException {
    public RetryableProviderException(String errorClass, int status, String message, long retryAfterSeconds) {
        super(errorClass, status, message, retryAfterSeconds, true);
    }
}
