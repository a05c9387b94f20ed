package app.clivy.aiworker.database;

import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The redelivery of a step whose database read or write failed because PostgreSQL is unreachable
 * ({@code ai-worker.database-retry.*}): after 1 s, 2 s, 4 s ... at most {@code max-delay-ms} apart.
 * The {@code onException} clauses {@code job-database-unavailable} and
 * {@code delivery-database-unavailable} refer to it ({@code redeliveryPolicyRef}), because the
 * Camel YAML DSL schema wants a number for {@code maximumRedeliveries}, not a placeholder.
 */
// the configuration has a name of its own: the policy bean is "databaseRetryPolicy"
@Configuration(value = "databaseRetryConfiguration", proxyBeanMethods = false)
public class DatabaseRetryPolicy {

    @Bean
    RedeliveryPolicy databaseRetryPolicy(@Value("${ai-worker.database-retry.attempts}") int attempts,
                                         @Value("${ai-worker.database-retry.first-delay-ms}") long firstDelayMs,
                                         @Value("${ai-worker.database-retry.max-delay-ms}") long maxDelayMs) {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(attempts);
        policy.setRedeliveryDelay(firstDelayMs);
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setMaximumRedeliveryDelay(maxDelayMs);
        return policy;
    }
}
