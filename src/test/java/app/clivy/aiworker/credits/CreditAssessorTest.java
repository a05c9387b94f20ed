package app.clivy.aiworker.credits;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The level, the figures and the seed's lines, without Camel or a database. */
class CreditAssessorTest {

    static final Instant NOW = Instant.parse("2026-03-10T14:00:00Z");
    static final CreditThresholds DEFAULTS = new CreditThresholds(BigDecimal.ONE, BigDecimal.valueOf(5), BigDecimal.ONE);

    final CreditAssessor assessor = new CreditAssessor(DEFAULTS, Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));

    static CreditReading key(String limit, String remaining, String usage, String daily) {
        return new CreditReading(CreditReading.KEY, dec(limit), dec(remaining), dec(usage), dec(daily));
    }

    static CreditReading credits(String total, String usage) {
        return new CreditReading(CreditReading.CREDITS, dec(total), dec(total).subtract(dec(usage)), dec(usage), null);
    }

    static BigDecimal dec(String s) {
        return s == null ? null : new BigDecimal(s);
    }

    static Map<String, Object> row(Instant at, String source, String usage, String level) {
        return Map.of("taken_at", Timestamp.from(at), "source", source, "total_usage", dec(usage), "level", level);
    }

    @Test
    void theReferenceCardsExampleGivesTheReferenceCardsLines() {
        CreditAssessment a = assessor.assess(key("50.00", "23.45", "26.55", "0.23"), List.of());

        assertThat(a.creditsLine()).isEqualTo("💰 OpenRouter Credits: $23.45 / $50.00 (46.9%)");
        assertThat(a.usageLine()).isEqualTo("   Usage today: $0.23 | Rate: $0.23/day");
        assertThat(a.level()).isEqualTo(CreditLevel.OK);
        assertThat(a.balanceAlertLine()).isNull();
        assertThat(a.usageAlertLine()).isNull();
    }

    @ParameterizedTest(name = "balance {0} -> {1}")
    @CsvSource({
            "0.45, CRITICAL", "0.99, CRITICAL", "1.00, WARNING", "3.45, WARNING", "4.99, WARNING", "5.00, OK", "-0.10, CRITICAL"})
    void balanceThresholds(String balance, CreditLevel level) {
        assertThat(assessor.assess(key("50", balance, "1", "0.10"), List.of()).level()).isEqualTo(level);
    }

    @ParameterizedTest(name = "spend {0}/day -> {1}")
    @CsvSource({"0.99, OK", "1.00, OK", "1.01, HIGH_USAGE", "7.50, HIGH_USAGE"})
    void usageThreshold(String daily, CreditLevel level) {
        assertThat(assessor.assess(key("100", "80", "20", daily), List.of()).level()).isEqualTo(level);
    }

    @Test
    void criticalAndWarningLinesAreTheReferenceCardsLines() {
        assertThat(assessor.assess(key("50", "0.45", "49.55", "0.10"), List.of()).balanceAlertLine())
                .isEqualTo("🔴 CRITICAL: OpenRouter balance is $0.45 (below $1 threshold)");
        assertThat(assessor.assess(key("50", "3.45", "46.55", "0.10"), List.of()).balanceAlertLine())
                .isEqualTo("🟡 WARNING: OpenRouter balance is $3.45 (below $5 threshold)");
    }

    @Test
    void highUsageIsLoggedBesideABalanceLevelButTheBalanceLevelWins() {
        CreditAssessment a = assessor.assess(key("50", "3.45", "46.55", "1.25"), List.of());
        assertThat(a.level()).isEqualTo(CreditLevel.WARNING);
        assertThat(a.usageAlertLine()).isEqualTo("🟡 HIGH USAGE: OpenRouter spend is $1.25/day (above $1/day threshold)");
        assertThat(a.alertLine()).startsWith("🟡 WARNING:");
    }

    @Test
    void thresholdsAreConfigurableAndPrintedAsConfigured() {
        CreditAssessor strict = new CreditAssessor(new CreditThresholds(new BigDecimal("2.5"), new BigDecimal("10"), new BigDecimal("0.5")),
                Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(strict.assess(key("50", "2.40", "1", "0.1"), List.of()).balanceAlertLine())
                .isEqualTo("🔴 CRITICAL: OpenRouter balance is $2.40 (below $2.50 threshold)");
        assertThat(strict.assess(key("50", "9", "1", "0.1"), List.of()).level()).isEqualTo(CreditLevel.WARNING);
        assertThat(strict.assess(key("50", "20", "1", "0.6"), List.of()).usageAlertLine())
                .isEqualTo("🟡 HIGH USAGE: OpenRouter spend is $0.60/day (above $0.50/day threshold)");
    }

    @Test
    void aKeyWithoutALimitIsUnlimitedNotAnError() {
        CreditAssessment a = assessor.assess(key(null, null, "25.5", "0.5"), List.of());
        assertThat(a.unlimited()).isTrue();
        assertThat(a.level()).isEqualTo(CreditLevel.OK);
        assertThat(a.percentage()).isNull();
        assertThat(a.creditsLine()).isEqualTo("💰 OpenRouter Credits: unlimited (key without a limit, $25.50 used)");
        assertThat(a.usageLine()).isEqualTo("   Usage today: $0.50 | Rate: $0.50/day");
        // an unlimited key can still spend too fast
        assertThat(assessor.assess(key(null, null, null, "3"), List.of()).level()).isEqualTo(CreditLevel.HIGH_USAGE);
        assertThat(assessor.assess(key(null, null, null, null), List.of()).creditsLine())
                .isEqualTo("💰 OpenRouter Credits: unlimited (key without a limit)");
    }

    @Test
    void withoutHistoryCreditsHaveNoDailyFigure() {
        CreditAssessment a = assessor.assess(credits("100.5", "25.75"), List.of());
        assertThat(a.creditsLine()).isEqualTo("💰 OpenRouter Credits: $74.75 / $100.50 (74.4%)");
        assertThat(a.usageLine()).isEqualTo("   Usage today: n/a | Rate: n/a");
        assertThat(a.level()).isEqualTo(CreditLevel.OK);
    }

    @Test
    void creditsTakeTodayAndTheRateFromTheHistory() {
        List<Map<String, Object>> history = new ArrayList<>();
        history.add(row(NOW.minus(Duration.ofHours(30)), "credits", "10.00", "OK")); // outside the 24 h window
        history.add(row(NOW.minus(Duration.ofHours(24)), "credits", "12.00", "OK")); // oldest in the window
        history.add(row(Instant.parse("2026-03-09T23:00:00Z"), "credits", "14.00", "OK")); // last before midnight
        history.add(row(Instant.parse("2026-03-10T01:00:00Z"), "credits", "14.50", "OK"));
        history.add(row(NOW.minus(Duration.ofHours(2)), "key", "99.00", "OK")); // another endpoint's figure

        CreditAssessment a = assessor.assess(credits("50", "15.00"), history);

        assertThat(a.usageToday()).isEqualByComparingTo("1.00");
        assertThat(a.ratePerDay()).isEqualByComparingTo("3.00");
        assertThat(a.usageLine()).isEqualTo("   Usage today: $1.00 | Rate: $3.00/day");
        assertThat(a.level()).isEqualTo(CreditLevel.HIGH_USAGE);
    }

    @Test
    void aRateNeedsAnHourOfHistoryAndFallingUsageGivesNone() {
        List<Map<String, Object>> recent = List.of(row(NOW.minus(Duration.ofMinutes(10)), "credits", "14.00", "OK"));
        CreditAssessment a = assessor.assess(credits("50", "14.50"), recent);
        assertThat(a.ratePerDay()).isNull();
        assertThat(a.usageToday()).isEqualByComparingTo("0.50"); // since the first reading today
        assertThat(a.level()).isEqualTo(CreditLevel.OK);

        List<Map<String, Object>> reset = List.of(row(NOW.minus(Duration.ofHours(3)), "credits", "20.00", "OK"));
        assertThat(assessor.assess(credits("50", "14.50"), reset).ratePerDay()).isNull();
    }

    @Test
    void worsenedComparesWithThePreviousReadingsLevel() {
        CreditReading warning = key("50", "3", "47", "0.1");
        assertThat(assessor.assess(warning, List.of()).worsened()).isTrue();
        assertThat(assessor.assess(warning, List.of(row(NOW.minusSeconds(3600), "key", "46", "OK"))).worsened()).isTrue();
        assertThat(assessor.assess(warning, List.of(row(NOW.minusSeconds(3600), "key", "46", "WARNING"))).worsened()).isFalse();
        CreditAssessment better = assessor.assess(warning, List.of(row(NOW.minusSeconds(3600), "key", "46", "CRITICAL")));
        assertThat(better.worsened()).isFalse();
        assertThat(better.previousLevel()).isEqualTo(CreditLevel.CRITICAL);
    }

    @Test
    void snapshotRowHoldsTheSqlParameters() {
        Map<String, Object> row = assessor.assess(key("50", "3.45", "46.55", "0.23"), List.of()).snapshotRow();
        assertThat(row).containsEntry("source", "key").containsEntry("level", "WARNING")
                .containsEntry("balance", new BigDecimal("3.45")).containsEntry("usageToday", new BigDecimal("0.23"))
                .containsKeys("takenAt", "total", "totalUsage", "ratePerDay");
    }
}
