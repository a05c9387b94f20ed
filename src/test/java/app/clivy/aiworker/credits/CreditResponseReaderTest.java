package app.clivy.aiworker.credits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two endpoints' shapes (openrouter-api.md) and what is not one of them. */
class CreditResponseReaderTest {

    final CreditResponseReader reader = new CreditResponseReader();

    @Test
    void creditsGiveBalanceAsTotalMinusUsage() {
        CreditReading r = reader.credits(200, "{\"data\":{\"total_credits\":100.5,\"total_usage\":25.75}}");
        assertThat(r.source()).isEqualTo("credits");
        assertThat(r.total()).isEqualByComparingTo("100.5");
        assertThat(r.balance()).isEqualByComparingTo("74.75");
        assertThat(r.totalUsage()).isEqualByComparingTo("25.75");
        assertThat(r.usageDaily()).isNull();
    }

    @Test
    void keyGivesLimitRemainingAndDailyUsage() {
        CreditReading r = reader.key(200, """
                {"data":{"label":"sk-or-v1-au7...890","limit":100,"limit_remaining":74.5,"limit_reset":"monthly",
                 "usage":25.5,"usage_daily":1.25,"usage_weekly":9.5,"usage_monthly":25.5,
                 "is_free_tier":false,"is_management_key":false,"rate_limit":{"requests":1000,"interval":"1h"}}}""");
        assertThat(r.source()).isEqualTo("key");
        assertThat(r.total()).isEqualByComparingTo("100");
        assertThat(r.balance()).isEqualByComparingTo("74.5");
        assertThat(r.usageDaily()).isEqualByComparingTo("1.25");
        assertThat(r.unlimited()).isFalse();
    }

    @Test
    void aKeyWithoutALimitIsUnlimited() {
        CreditReading r = reader.key(200, "{\"data\":{\"limit\":null,\"limit_remaining\":null,\"usage\":3.5,\"usage_daily\":0.5}}");
        assertThat(r.unlimited()).isTrue();
        assertThat(r.total()).isNull();
        assertThat(r.totalUsage()).isEqualByComparingTo("3.5");
    }

    @Test
    void aLimitWithoutRemainingIsLimitMinusUsage() {
        assertThat(reader.key(200, "{\"data\":{\"limit\":10,\"usage\":4}}").balance()).isEqualByComparingTo("6");
    }

    @Test
    void failuresSayWhatWasWrongInOneLine() {
        assertThatThrownBy(() -> reader.credits(401, "{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}"))
                .isInstanceOf(CreditCheckException.class)
                .hasMessage("GET /api/v1/credits answered HTTP 401: No auth credentials found");
        assertThatThrownBy(() -> reader.key(502, "<html>\nBad gateway</html>"))
                .hasMessage("GET /api/v1/key answered HTTP 502");
        assertThatThrownBy(() -> reader.credits(200, "not json\nat all"))
                .hasMessage("GET /api/v1/credits answered 200 with a body that is not JSON: not json at all");
        assertThatThrownBy(() -> reader.credits(200, "{\"total_credits\":1}"))
                .hasMessageStartingWith("GET /api/v1/credits answered 200 without a data object");
        assertThatThrownBy(() -> reader.credits(200, "{\"data\":{\"total_credits\":1}}"))
                .hasMessage("GET /api/v1/credits answered without data.total_usage");
        assertThatThrownBy(() -> reader.key(200, "{\"data\":{\"limit\":\"lots\"}}"))
                .hasMessage("GET /api/v1/key answered data.limit that is not a number: \"lots\"");
        assertThatThrownBy(() -> reader.credits(200, "x".repeat(5000))).message().hasSizeLessThan(300);
    }
}
