package app.clivy.aiworker.credits;

import java.math.BigDecimal;

/**
 * The figures one OpenRouter endpoint gave, in USD.
 *
 * @param source     {@code credits} (GET /api/v1/credits) or {@code key} (GET /api/v1/key)
 * @param total      credits bought, or the key's limit; null for a key without a limit
 * @param balance    what is left; null for a key without a limit
 * @param totalUsage spent so far (the account's, or the key's); null when not given
 * @param usageDaily spent today (UTC) as the API reports it; null when the API has no daily figure
 */
public record CreditReading(String source, BigDecimal total, BigDecimal balance, BigDecimal totalUsage,
                            BigDecimal usageDaily) {

    public static final String CREDITS = "credits";
    public static final String KEY = "key";

    /** A key without a limit: there is no balance to run out of. */
    public boolean unlimited() {
        return balance == null;
    }
}
