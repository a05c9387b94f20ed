package app.clivy.aiworker.delivery;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The number's health (docs/delivery.md): which gateway answers say something about the business
 * number or the chat rather than about one request, classed apart from a plain delivery failure.
 * <ul>
 * <li>Meta's Cloud API error codes ({@code {"error": {"code": 131048, ...}}}, an HTTP 400):
 *   131048 spam rate limit, 131031 account locked and 368 temporarily blocked for policy violations
 *   pause the instance's delivery; 131047 (more than 24 h since the customer's last message: only
 *   templates may be sent) fails that reply at once with reason {@code outside_window}, the instance
 *   not paused (it is about one chat's window); 131056 (pair rate limit: too many messages to this one
 *   customer) and 130429 (throughput) are retried later, the instance not paused.</li>
 * <li>Baileys-based gateways (Evolution API, WAHA NOWEB) pass WhatsApp's own rate limit as the error
 *   text {@code rate-overlimit} (Baileys' name for WhatsApp's 429): the instance's delivery is paused.</li>
 * </ul>
 * Nothing else is classed here: whatsmeow-based gateways (Evolution GO, wuzapi) and WAHA's other
 * engines have no restriction answer we could cite; theirs stay plain delivery failures.
 */
public final class NumberHealth {

    /** What an answer means for delivery. */
    public enum Kind { NONE, PAUSE, OUTSIDE_WINDOW, RETRY }

    /** {@code reason}: the machine name (alert, metric, pause row); {@code code}: Meta's code, or 0. */
    public record Verdict(Kind kind, String reason, int code) {
        static final Verdict NONE = new Verdict(Kind.NONE, null, 0);
    }

    private static final ObjectMapper JSON = JsonMappers.create();

    private NumberHealth() {
    }

    /** The verdict on a non-2xx answer of a gateway (its status and body). */
    public static Verdict classify(int status, String body) {
        if (body == null || body.isBlank()) {
            return Verdict.NONE;
        }
        int code = metaCode(body);
        switch (code) {
            case 131048:
                return new Verdict(Kind.PAUSE, "spam_rate_limit", code);
            case 131031:
                return new Verdict(Kind.PAUSE, "account_locked", code);
            case 368:
                return new Verdict(Kind.PAUSE, "policy_block", code);
            case 131047:
                return new Verdict(Kind.OUTSIDE_WINDOW, "outside_window", code);
            case 131056:
                return new Verdict(Kind.RETRY, "pair_rate_limit", code);
            case 130429:
                return new Verdict(Kind.RETRY, "throughput_limit", code);
            default:
                break;
        }
        if (body.contains("rate-overlimit")) {
            return new Verdict(Kind.PAUSE, "rate_overlimit", 0);
        }
        return Verdict.NONE;
    }

    /** Meta's Graph API error code ({@code error.code}), or 0 when the body is not such an error. */
    static int metaCode(String body) {
        if (!body.strip().startsWith("{") || !body.contains("\"error\"")) {
            return 0;
        }
        try {
            JsonNode code = JSON.readTree(body).path("error").path("code");
            return code.canConvertToInt() ? code.asInt() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
