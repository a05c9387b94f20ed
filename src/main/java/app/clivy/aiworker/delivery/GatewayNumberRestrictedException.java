package app.clivy.aiworker.delivery;

/**
 * The gateway answered that the business number is restricted or rate-limited by WhatsApp
 * ({@link NumberHealth}): the reply is kept and the instance's delivery paused. It is not the gateway
 * failing, so it does not count against the gateway breaker.
 */
public class GatewayNumberRestrictedException extends RuntimeException {

    private final String reason;

    public GatewayNumberRestrictedException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** spam_rate_limit, account_locked, policy_block or rate_overlimit. */
    public String getReason() {
        return reason;
    }
}
