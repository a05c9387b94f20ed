package app.clivy.aiworker.credits;

import java.math.BigDecimal;

/**
 * When the balance or the spend needs an operator, in USD ({@code ai-worker.credits.*}).
 *
 * @param criticalBelow  balance below this is CRITICAL
 * @param warningBelow   balance below this is WARNING
 * @param highUsageAbove spend per day above this is HIGH_USAGE
 */
public record CreditThresholds(BigDecimal criticalBelow, BigDecimal warningBelow, BigDecimal highUsageAbove) {
}
