package app.clivy.aiworker.credits;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * One reading of the OpenRouter balance, judged: the figures, the level, and the seed's log lines
 * (the operators' alerts grep them: keep them as they are).
 *
 * @param usageToday    USD spent today (UTC); null when not known yet
 * @param ratePerDay    USD per day; null when not known yet
 * @param previousLevel the level of the reading before this one (OK when there was none)
 */
public record CreditAssessment(Instant takenAt, CreditReading reading, BigDecimal usageToday, BigDecimal ratePerDay,
                               CreditLevel level, CreditLevel previousLevel, CreditThresholds thresholds) {

    public BigDecimal balance() {
        return reading.balance();
    }

    public BigDecimal total() {
        return reading.total();
    }

    public boolean unlimited() {
        return reading.unlimited();
    }

    /** Balance as a share of the total, 0-100; null for a key without a limit or a zero total. */
    public BigDecimal percentage() {
        if (unlimited() || total() == null || total().signum() <= 0) {
            return null;
        }
        return balance().multiply(BigDecimal.valueOf(100)).divide(total(), 1, RoundingMode.HALF_UP);
    }

    /** The level got worse since the previous reading: time for the alert hook. */
    public boolean worsened() {
        return level.worseThan(previousLevel);
    }

    /** {@code 💰 OpenRouter Credits: $23.45 / $50.00 (46.9%)} */
    public String creditsLine() {
        if (unlimited()) {
            return "💰 OpenRouter Credits: unlimited (key without a limit"
                    + (reading.totalUsage() == null ? ")" : ", " + usd(reading.totalUsage()) + " used)");
        }
        BigDecimal percentage = percentage();
        return "💰 OpenRouter Credits: " + usd(balance()) + " / " + usd(total())
                + " (" + (percentage == null ? "n/a" : percentage.toPlainString() + "%") + ")";
    }

    /** {@code    Usage today: $0.23 | Rate: $0.23/day} (n/a while the history is too short to tell). */
    public String usageLine() {
        return "   Usage today: " + (usageToday == null ? "n/a" : usd(usageToday))
                + " | Rate: " + (ratePerDay == null ? "n/a" : usd(ratePerDay) + "/day");
    }

    /** The CRITICAL or WARNING line, or null when the balance is above both thresholds. */
    public String balanceAlertLine() {
        if (level == CreditLevel.CRITICAL) {
            return "🔴 CRITICAL: OpenRouter balance is " + usd(balance()) + " (below " + threshold(thresholds.criticalBelow()) + " threshold)";
        }
        if (level == CreditLevel.WARNING) {
            return "🟡 WARNING: OpenRouter balance is " + usd(balance()) + " (below " + threshold(thresholds.warningBelow()) + " threshold)";
        }
        return null;
    }

    /** The HIGH USAGE line, or null when the spend per day is within the threshold (or not known). */
    public String usageAlertLine() {
        if (!highUsage()) {
            return null;
        }
        return "🟡 HIGH USAGE: OpenRouter spend is " + usd(ratePerDay) + "/day (above " + threshold(thresholds.highUsageAbove()) + "/day threshold)";
    }

    /** The worst line of this reading, for the alert hook. */
    public String alertLine() {
        String balanceLine = balanceAlertLine();
        return balanceLine != null ? balanceLine : usageAlertLine();
    }

    boolean highUsage() {
        return ratePerDay != null && ratePerDay.compareTo(thresholds.highUsageAbove()) > 0;
    }

    /** The named parameters of sql/credit-snapshot.sql. */
    public Map<String, Object> snapshotRow() {
        Map<String, Object> row = new HashMap<>();
        row.put("takenAt", OffsetDateTime.ofInstant(takenAt, ZoneOffset.UTC));
        row.put("source", reading.source());
        row.put("total", total());
        row.put("balance", balance());
        row.put("totalUsage", reading.totalUsage());
        row.put("usageToday", usageToday);
        row.put("ratePerDay", ratePerDay);
        row.put("level", level.name());
        return row;
    }

    static String usd(BigDecimal amount) {
        return "$" + amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /** Whole dollars as {@code $1}, anything else as {@code $2.50}. */
    static String threshold(BigDecimal amount) {
        BigDecimal plain = amount.stripTrailingZeros();
        return plain.scale() <= 0 ? "$" + plain.toBigInteger() : usd(amount);
    }
}
