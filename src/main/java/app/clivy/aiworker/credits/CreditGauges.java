package app.clivy.aiworker.credits;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The last assessment as Micrometer meters (Prometheus: {@code openrouter_credits_*}). Values are
 * NaN until the first reading, and the balance stays NaN for a key without a limit.
 */
@Component("creditGauges")
public class CreditGauges {

    private final AtomicReference<CreditAssessment> last = new AtomicReference<>();

    public CreditGauges(MeterRegistry registry) {
        gauge(registry, "openrouter.credits.balance", "usd", "OpenRouter balance left", CreditAssessment::balance);
        gauge(registry, "openrouter.credits.usage.today", "usd", "OpenRouter spend today (UTC)", CreditAssessment::usageToday);
        gauge(registry, "openrouter.credits.rate.per.day", "usd", "OpenRouter spend per day", CreditAssessment::ratePerDay);
        Gauge.builder("openrouter.credits.level", last, ref -> ref.get() == null ? Double.NaN : ref.get().level().ordinal())
                .description("0 OK, 1 HIGH_USAGE, 2 WARNING, 3 CRITICAL").register(registry);
    }

    public void record(CreditAssessment assessment) {
        last.set(assessment);
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
                       Function<CreditAssessment, BigDecimal> figure) {
        Gauge.builder(name, last, ref -> {
            CreditAssessment a = ref.get();
            BigDecimal value = a == null ? null : figure.apply(a);
            return value == null ? Double.NaN : value.doubleValue();
        }).baseUnit(unit).description(description).register(registry);
    }
}
