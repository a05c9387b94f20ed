package app.clivy.aiworker.credits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counts the credit checks that gave no reading ({@code openrouter_credits_check_failures_total})
 * and says in one line what went wrong. A failed check changes no level and writes no snapshot;
 * the next period tries again.
 */
@Component("creditCheckFailures")
public class CreditCheckFailures {

    private final Counter failures;

    public CreditCheckFailures(MeterRegistry registry) {
        failures = Counter.builder("openrouter.credits.check.failures")
                .description("OpenRouter credit checks that gave no reading").register(registry);
    }

    /** Counts the failure and returns the text of its log line. */
    public String record(Throwable failure) {
        failures.increment();
        return describe(failure);
    }

    static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        String text = failure instanceof CreditCheckException || failure.getMessage() == null
                ? (failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage())
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return text.replaceAll("\\s+", " ").strip();
    }
}
