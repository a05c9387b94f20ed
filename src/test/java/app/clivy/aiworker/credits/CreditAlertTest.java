package app.clivy.aiworker.credits;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CreditAlertTest {

    @Test
    void theAlertCarriesLevelsMessageAndFigures() throws Exception {
        CreditAssessment a = new CreditAssessment(Instant.parse("2026-03-10T14:00:00Z"),
                new CreditReading("key", new BigDecimal("50"), new BigDecimal("0.45"), new BigDecimal("49.55"), new BigDecimal("0.23")),
                new BigDecimal("0.23"), new BigDecimal("0.23"), CreditLevel.CRITICAL, CreditLevel.WARNING, CreditAssessorTest.DEFAULTS);

        JsonNode json = new ObjectMapper().readTree(new CreditAlert("").json(a));

        assertThat(json.get("event").asText()).isEqualTo("openrouter_credits");
        assertThat(json.get("level").asText()).isEqualTo("CRITICAL");
        assertThat(json.get("previous_level").asText()).isEqualTo("WARNING");
        assertThat(json.get("message").asText()).isEqualTo("🔴 CRITICAL: OpenRouter balance is $0.45 (below $1 threshold)");
        assertThat(json.get("balance").decimalValue()).isEqualByComparingTo("0.45");
        assertThat(json.get("total").decimalValue()).isEqualByComparingTo("50");
        assertThat(json.get("percentage").decimalValue()).isEqualByComparingTo("0.9");
        assertThat(json.get("usage_today").decimalValue()).isEqualByComparingTo("0.23");
        assertThat(json.get("rate_per_day").decimalValue()).isEqualByComparingTo("0.23");
        assertThat(json.get("unlimited").asBoolean()).isFalse();
        assertThat(json.get("source").asText()).isEqualTo("key");
        assertThat(json.get("checked_at").asText()).isEqualTo("2026-03-10T14:00:00Z");
    }

    @Test
    void failureLinesAreOneLineAndNameTheCause() {
        assertThat(CreditCheckFailures.describe(new CreditCheckException("GET /api/v1/key answered HTTP 500")))
                .isEqualTo("GET /api/v1/key answered HTTP 500");
        assertThat(CreditCheckFailures.describe(new java.net.SocketTimeoutException("Read timed out")))
                .isEqualTo("SocketTimeoutException: Read timed out");
        assertThat(CreditCheckFailures.describe(new IllegalStateException("a\nb"))).isEqualTo("IllegalStateException: a b");
        assertThat(CreditCheckFailures.describe(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Test
    void theUrlIsKeptWithItsOwnQuery() {
        assertThat(new CreditAlert("").enabled()).isFalse();
        assertThat(new CreditAlert(" https://hooks.example/x?token=t ").url()).isEqualTo("https://hooks.example/x?token=t");
    }
}
