package app.clivy.aiworker.openrouter;

import java.time.Duration;

import app.clivy.aiworker.platform.breaker.ConsecutiveFailureBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The circuit breaker named {@code openrouter} that routes/06-call-openrouter.camel.yaml uses: 5 consecutive failures open it for 60 s, then one
 * half-open probe. Context-length, moderation and other client errors are not the provider failing
 * and do not count. The open period may be a fraction of a second (tests).
 */
@Configuration
public class OpenRouterBreaker {

    private final ConsecutiveFailureBreaker breaker;

    public OpenRouterBreaker(BreakerSettings settings) {
        this.breaker = new ConsecutiveFailureBreaker("openrouter", settings.failuresToOpen(),
                Duration.ofMillis(Math.round(settings.openSeconds() * 1000)), settings.halfOpenCalls(), e -> e instanceof ProviderException p && !p.countsAgainstBreaker());
    }

    @Bean("openRouterCircuitBreaker")
    public CircuitBreaker openRouterCircuitBreaker() {
        return breaker.circuitBreaker();
    }

    /** How long a job turned away by the open breaker should wait: until the half-open probe, at least 1 s. */
    public long secondsUntilHalfOpen() {
        return breaker.secondsUntilHalfOpen();
    }
}
