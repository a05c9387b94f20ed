package app.clivy.aiworker.openrouter;

/** 400 "maximum context length": re-run at once with fewer history messages. Not the provider's fault. */
public class ContextTooLongException extends ProviderException {
    public ContextTooLongException(int status, String message) {
        super("context_length", status, message, 0, false);
    }
}
