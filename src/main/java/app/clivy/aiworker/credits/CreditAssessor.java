package app.clivy.aiworker.credits;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns a reading and the recent readings (sql/credit-history.sql) into a {@link CreditAssessment}:
 * today's spend and the rate per day (the API's {@code usage_daily} when it gives one, else the
 * difference from earlier readings of the same endpoint), and the level against the thresholds.
 */
@Component("creditAssessor")
public class CreditAssessor {

    /** A rate taken over less than this says more about noise than about spend. */
    static final Duration MIN_RATE_SPAN = Duration.ofHours(1);
    private static final BigDecimal SECONDS_PER_DAY = BigDecimal.valueOf(Duration.ofDays(1).toSeconds());

    private final CreditThresholds thresholds;
    private final Duration rateWindow;
    private final Clock clock;

    @Autowired
    public CreditAssessor(CreditSettings settings) {
        this(new CreditThresholds(settings.criticalBelow(), settings.warningBelow(), settings.highUsageAbove()),
                Duration.ofHours(settings.rateWindowHours()), Clock.systemUTC());
    }

    CreditAssessor(CreditThresholds thresholds, Duration rateWindow, Clock clock) {
        this.thresholds = thresholds;
        this.rateWindow = rateWindow;
        this.clock = clock;
    }

    /**
     * @param history rows of sql/credit-history.sql ({@code taken_at, source, total_usage, level}), oldest first
     */
    public CreditAssessment assess(CreditReading reading, List<Map<String, Object>> history) {
        Instant now = clock.instant();
        List<Snapshot> snapshots = history == null ? List.of() : history.stream().map(Snapshot::of).toList();
        BigDecimal usageToday = reading.usageDaily() != null ? reading.usageDaily() : usageToday(reading, snapshots, now);
        BigDecimal ratePerDay = reading.usageDaily() != null ? reading.usageDaily() : ratePerDay(reading, snapshots, now);
        CreditLevel previous = snapshots.isEmpty() ? CreditLevel.OK : snapshots.get(snapshots.size() - 1).level();
        return new CreditAssessment(now, reading, usageToday, ratePerDay, level(reading, ratePerDay), previous, thresholds);
    }

    private CreditLevel level(CreditReading reading, BigDecimal ratePerDay) {
        if (!reading.unlimited() && reading.balance().compareTo(thresholds.criticalBelow()) < 0) {
            return CreditLevel.CRITICAL;
        }
        if (!reading.unlimited() && reading.balance().compareTo(thresholds.warningBelow()) < 0) {
            return CreditLevel.WARNING;
        }
        if (ratePerDay != null && ratePerDay.compareTo(thresholds.highUsageAbove()) > 0) {
            return CreditLevel.HIGH_USAGE;
        }
        return CreditLevel.OK;
    }

    /** Spend since the last reading before midnight UTC (or the first one today, when there is none). */
    private static BigDecimal usageToday(CreditReading reading, List<Snapshot> snapshots, Instant now) {
        if (reading.totalUsage() == null) {
            return null;
        }
        Instant midnight = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        Snapshot baseline = null;
        for (Snapshot s : comparable(reading, snapshots)) {
            if (s.takenAt().isBefore(midnight) || baseline == null) {
                baseline = s;
            }
        }
        return baseline == null ? null : spentSince(reading, baseline);
    }

    /** Spend since the oldest reading within the rate window, per day; null below an hour of history. */
    private BigDecimal ratePerDay(CreditReading reading, List<Snapshot> snapshots, Instant now) {
        if (reading.totalUsage() == null) {
            return null;
        }
        Instant windowStart = now.minus(rateWindow);
        Snapshot oldest = comparable(reading, snapshots).stream()
                .filter(s -> !s.takenAt().isBefore(windowStart)).findFirst().orElse(null);
        if (oldest == null) {
            return null;
        }
        Duration span = Duration.between(oldest.takenAt(), now);
        BigDecimal spent = spentSince(reading, oldest);
        if (span.compareTo(MIN_RATE_SPAN) < 0 || spent == null) {
            return null;
        }
        return spent.multiply(SECONDS_PER_DAY).divide(BigDecimal.valueOf(span.toSeconds()), 6, RoundingMode.HALF_UP);
    }

    /** Earlier readings of the same endpoint (account and key usage are different figures). */
    private static List<Snapshot> comparable(CreditReading reading, List<Snapshot> snapshots) {
        return snapshots.stream().filter(s -> s.source().equals(reading.source()) && s.totalUsage() != null).toList();
    }

    /** Null when usage went down (a key's usage was reset): no honest figure then. */
    private static BigDecimal spentSince(CreditReading reading, Snapshot earlier) {
        BigDecimal spent = reading.totalUsage().subtract(earlier.totalUsage());
        return spent.signum() < 0 ? null : spent;
    }

    private record Snapshot(Instant takenAt, String source, BigDecimal totalUsage, CreditLevel level) {

        static Snapshot of(Map<String, Object> row) {
            Object takenAt = row.get("taken_at");
            Instant at = takenAt instanceof Timestamp ts ? ts.toInstant()
                    : takenAt instanceof OffsetDateTime odt ? odt.toInstant() : (Instant) takenAt;
            Object usage = row.get("total_usage");
            return new Snapshot(at, (String) row.get("source"),
                    usage == null ? null : new BigDecimal(usage.toString()),
                    CreditLevel.valueOf((String) row.get("level")));
        }
    }
}
