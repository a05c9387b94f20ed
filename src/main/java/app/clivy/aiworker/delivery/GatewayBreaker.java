package app.clivy.aiworker.delivery;

import java.time.Duration;

import app.clivy.aiworker.gateway.GatewaySettings;
import app.clivy.aiworker.platform.breaker.ConsecutiveFailureBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The circuit breaker named {@code gateway} of routes/09-deliver.camel.yaml,
 * apart from the {@code openrouter} ones so a dead gateway never holds back AI calls (and the
 * reverse). N consecutive failures (timeouts, 429, 5xx) open it; a gateway's 4xx is the request's
 * fault and does not count, nor does an answer that the number is restricted (NumberHealth: that
 * instance's delivery is paused instead, the others go on).
 */
@Configuration
public class GatewayBreaker {

    private final ConsecutiveFailureBreaker breaker;

    public GatewayBreaker(GatewaySettings settings) {
        this.breaker = new ConsecutiveFailureBreaker("gateway", settings.breaker().failuresToOpen(),
                Duration.ofSeconds(settings.breaker().openSeconds()), 1,
                e -> e instanceof GatewayRejectedException || e instanceof GatewayNumberRestrictedException);
    }

    @Bean("gatewayCircuitBreaker")
    public CircuitBreaker gatewayCircuitBreaker() {
        return breaker.circuitBreaker();
    }

    /** How long a reply turned away by the open breaker waits: until the half-open probe, at least 1 s. */
    public long secondsUntilHalfOpen() {
        return breaker.secondsUntilHalfOpen();
    }
}
