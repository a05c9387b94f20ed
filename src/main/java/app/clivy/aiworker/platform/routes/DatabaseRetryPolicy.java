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
 * <p>
 * It does not log its retries. Camel's error handler writes a retry line at DEBUG through a logger
 * it shares with every exchange of the route, and {@code CamelLogger.log(message, level)} sets that
 * logger's level for the call and puts it back: two retries at the same moment can leave one line
 * printed at the handler's ERROR level, with no error at all (seen in an outage under load, and in
 * {@code DatabaseRetryPolicyTest}). The clause's own WARN line says when a unit is left to its lease.
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
        policy.setLogRetryAttempted(false);
        return policy;
    }
}
