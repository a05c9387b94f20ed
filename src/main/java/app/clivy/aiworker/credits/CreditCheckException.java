package app.clivy.aiworker.credits;

/** A credit check that gave no usable reading; the message is the operator's one line (never the key). */
public class CreditCheckException extends RuntimeException {

    public CreditCheckException(String message) {
        super(message);
    }
}
