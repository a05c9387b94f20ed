package app.clivy.aiworker.instances;

import app.clivy.aiworker.openrouter.PermanentProviderException;

/**
 * The instance spent its daily cap: the job fails with class {@code budget} before any call, through
 * the permanent-failure outcome; it does not count against the breaker (OpenRouter is fine).
 */
public class SpendCapReachedException extends PermanentProviderException {

    public SpendCapReachedException(String message) {
        super("budget", 0, message, false);
    }
}
