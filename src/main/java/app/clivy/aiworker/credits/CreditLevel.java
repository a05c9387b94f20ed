package app.clivy.aiworker.credits;

/** How worried an operator should be about the OpenRouter balance, from fine to worst. */
public enum CreditLevel {
    /** Balance above the thresholds (or a key without a limit) and spend within bounds. */
    OK,
    /** Spend per day above {@code ai-worker.credits.high-usage-above}. */
    HIGH_USAGE,
    /** Balance below {@code ai-worker.credits.warning-below}. */
    WARNING,
    /** Balance below {@code ai-worker.credits.critical-below}. */
    CRITICAL;

    public boolean worseThan(CreditLevel other) {
        return compareTo(other) > 0;
    }
}
