package app.clivy.aiworker.instances;

import java.math.BigDecimal;
import org.springframework.stereotype.Component;

/**
 * What a claimed job's instance allows before anything is spent on it (routes/12-instance-gate): a
 * disabled instance's job ends without a call; one over its daily spend cap fails with class
 * {@code budget}. The cap check (sql/instance-spend-today.sql) reads one row, the running total of
 * table {@code instance_spend}, and only for instances that have a cap. Jobs already in flight when the cap is reached still
 * finish: the total may pass the cap by what they cost.
 */
@Component("instanceGate")
public class InstanceGate {

    private final InstanceSettingsCache settings;
    private final InstanceDefaults defaults;

    public InstanceGate(InstanceSettingsCache settings, InstanceDefaults defaults) {
        this.settings = settings;
        this.defaults = defaults;
    }

    /** The instance's settings (its daily cap: {@code dailySpendCapUsd}, null = none). */
    public EffectiveSettings settings(Object instance) {
        return settings.of(String.valueOf(instance));
    }

    /** Throws {@link InstanceDisabledException} when the instance is disabled in its settings. */
    public void check(Object instance, EffectiveSettings s) {
        if (!s.enabled()) {
            throw new InstanceDisabledException("instance " + instance + " is disabled in its settings; no call made");
        }
    }

    /** The daily cap of all instances together, null when there is none. */
    public BigDecimal globalCap() {
        return defaults.globalCapOrNull();
    }

    /** Whether {@code spent} is at or over {@code cap}. */
    public boolean capReached(BigDecimal spent, BigDecimal cap) {
        return spent != null && cap != null && spent.compareTo(cap) >= 0;
    }

    /** Ends the job of an instance over its cap: failed, class budget, no call. */
    public void refuse(Object instance, BigDecimal spentUsd, BigDecimal capUsd) {
        throw new SpendCapReachedException("Daily spend cap reached (budget): instance " + instance
                + " spent " + usd(spentUsd) + " USD today (UTC), its cap is "
                + usd(capUsd) + " USD; no call made until the day ends");
    }

    /** Ends the job when all instances together are over the global cap: failed, class budget, no call. */
    public void refuseGlobal(BigDecimal globalSpentUsd, BigDecimal globalCapUsd) {
        throw new SpendCapReachedException("Global daily spend cap reached (budget): all instances together spent "
                + usd(globalSpentUsd) + " USD today (UTC), the global cap is "
                + usd(globalCapUsd) + " USD; no call made until the day ends");
    }

    static String usd(BigDecimal amount) {
        return amount == null ? "0" : amount.stripTrailingZeros().toPlainString();
    }
}
