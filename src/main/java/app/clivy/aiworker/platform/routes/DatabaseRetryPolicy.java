package app.clivy.aiworker.platform.routes;

import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The redelivery of a step whose database read or write failed because PostgreSQL is unreachable
 * ({@code ai-worker.database-retry.*}): after 1 s, 2 s, 4 s ... at most {@code max-delay-ms} apart.
 * The route configuration {@code database-unavailable-lease} (routes/00-errors.camel.yaml) refers
 * to it ({@code redeliveryPolicyRef}), because the
 * Camel YAML DSL schema wants a number for {@code maximumRedeliveries}, not a placeholder.
 */
// the configuration has a name of its own: the policy bean is "databaseRetryPolicy"
@Configuration(value = "databaseRetryConfiguration", proxyBeanMethods = false)
public class DatabaseRetryPolicy {

    @Bean
    RedeliveryPolicy databaseRetryPolicy(DatabaseRetrySettings settings) {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(settings.attempts());
        policy.setRedeliveryDelay(settings.firstDelayMs());
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setMaximumRedeliveryDelay(settings.maxDelayMs());
        return policy;
    }
}
