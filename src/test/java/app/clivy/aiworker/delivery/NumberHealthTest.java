package app.clivy.aiworker.delivery;

import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.delivery.NumberHealth.Kind.NONE;
import static app.clivy.aiworker.delivery.NumberHealth.Kind.OUTSIDE_WINDOW;
import static app.clivy.aiworker.delivery.NumberHealth.Kind.PAUSE;
import static app.clivy.aiworker.delivery.NumberHealth.Kind.RETRY;
import static org.assertj.core.api.Assertions.assertThat;

/** Which gateway answers speak of the number's health, in the shapes the gateways answer with. */
class NumberHealthTest {

    private static String meta(int code, String message) {
        return "{\"error\":{\"message\":\"(#" + code + ") " + message + "\",\"type\":\"OAuthException\",\"code\":" + code
                + ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"...\"},\"fbtrace_id\":\"Az1\"}}";
    }

    @Test
    void metaRestrictionsOfTheNumberPauseTheInstance() {
        assertThat(NumberHealth.classify(400, meta(131048, "Spam rate limit hit")))
                .isEqualTo(new NumberHealth.Verdict(PAUSE, "spam_rate_limit", 131048));
        assertThat(NumberHealth.classify(400, meta(131031, "Account has been locked")).reason()).isEqualTo("account_locked");
        assertThat(NumberHealth.classify(400, meta(368, "Temporarily blocked for policies violations")).reason()).isEqualTo("policy_block");
    }

    @Test
    void theReEngagementWindowIsAboutOneChatAndFailsThatReplyOnly() {
        assertThat(NumberHealth.classify(400, meta(131047, "Re-engagement message")).kind()).isEqualTo(OUTSIDE_WINDOW);
    }

    @Test
    void aPairOrThroughputRateLimitRetriesThatReplyLater() {
        assertThat(NumberHealth.classify(400, meta(131056, "(Business Account, Consumer Account) pair rate limit hit")))
                .isEqualTo(new NumberHealth.Verdict(RETRY, "pair_rate_limit", 131056));
        assertThat(NumberHealth.classify(400, meta(130429, "Rate limit hit")).kind()).isEqualTo(RETRY);
    }

    @Test
    void baileysRateOverlimitThroughWahaOrEvolutionApiPausesTheInstance() {
        // WAHA (NOWEB engine) answers 500 with the Boom error of Baileys
        assertThat(NumberHealth.classify(500, "{\"statusCode\":500,\"timestamp\":\"2026-11-30T02:20:39.428Z\",\"exception\":"
                + "{\"message\":\"rate-overlimit\",\"data\":429,\"isBoom\":true,\"isServer\":true,\"output\":{},\"name\":\"Error\"}}").kind())
                .isEqualTo(PAUSE);
        assertThat(NumberHealth.classify(400, "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":[\"Error: rate-overlimit\"]}}")
                .reason()).isEqualTo("rate_overlimit");
    }

    @Test
    void otherAnswersAreNotAboutTheNumber() {
        assertThat(NumberHealth.classify(400, meta(131026, "Message undeliverable")).kind()).isEqualTo(NONE);
        assertThat(NumberHealth.classify(400, "{\"error\":\"invalid phone\"}").kind()).isEqualTo(NONE);
        assertThat(NumberHealth.classify(503, "").kind()).isEqualTo(NONE);
        assertThat(NumberHealth.classify(400, "not json at all").kind()).isEqualTo(NONE);
    }
}
