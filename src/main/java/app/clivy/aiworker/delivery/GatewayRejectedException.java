package app.clivy.aiworker.delivery;

/** The gateway refused the reply with a 4xx: sending it again would not help (not the gateway failing). */
public class GatewayRejectedException extends RuntimeException {

    public GatewayRejectedException(String message) {
        super(message, null, false, false);
    }
}
