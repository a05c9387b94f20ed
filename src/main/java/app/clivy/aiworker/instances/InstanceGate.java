package app.clivy.aiworker.instances;

import java.math.BigDecimal;
import java.util.Map;

import org.apache.camel.Exchange;
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

    /**
     * Sets variable {@code settings}, {@code capUsd} when the instance has a daily cap and
     * {@code globalCapUsd} when all instances together have one; throws
     * {@link InstanceDisabledException} for a disabled instance.
     */
    public void check(Exchange exchange) {
        Map<?, ?> job = exchange.getVariable("job", Map.class);
        String instance = String.valueOf(job.get("instance"));
        EffectiveSettings s = settings.of(instance);
        exchange.setVariable("settings", s);
        if (!s.enabled()) {
            throw new InstanceDisabledException("instance " + instance + " is disabled in its settings; no call made");
        }
        exchange.setVariable("capUsd", s.dailySpendCapUsd());
        exchange.setVariable("globalCapUsd", defaults.globalCapOrNull());
    }

    /** Whether {@code spent} is at or over {@code cap}. */
    public boolean capReached(BigDecimal spent, BigDecimal cap) {
        return spent != null && cap != null && spent.compareTo(cap) >= 0;
    }

    /** Ends the job of an instance over its cap: failed, class budget, no call. */
    public void refuse(Exchange exchange) {
        Map<?, ?> job = exchange.getVariable("job", Map.class);
        throw new SpendCapReachedException("Daily spend cap reached (budget): instance " + job.get("instance")
                + " spent " + usd(exchange.getVariable("spentUsd", BigDecimal.class)) + " USD today (UTC), its cap is "
                + usd(exchange.getVariable("capUsd", BigDecimal.class)) + " USD; no call made until the day ends");
    }

    /** Ends the job when all instances together are over the global cap: failed, class budget, no call. */
    public void refuseGlobal(Exchange exchange) {
        throw new SpendCapReachedException("Global daily spend cap reached (budget): all instances together spent "
                + usd(exchange.getVariable("globalSpentUsd", BigDecimal.class)) + " USD today (UTC), the global cap is "
                + usd(exchange.getVariable("globalCapUsd", BigDecimal.class)) + " USD; no call made until the day ends");
    }

    static String usd(BigDecimal amount) {
        return amount == null ? "0" : amount.stripTrailingZeros().toPlainString();
    }
}
