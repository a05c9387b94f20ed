package app.clivy.aiworker.openrouter;

/** 401, 402, 403, other 4xx, 500, unreadable answers: retrying will not help; the job fails. */
public class PermanentProviderException extends ProviderException {
    public PermanentProviderException(String errorClass, int status, String message, boolean countsAgainstBreaker) {
        super(errorClass, status, message, 0, countsAgainstBreaker);
    }
}
