package app.clivy.aiworker.openrouter;

import java.time.Duration;
import java.time.Instant;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The circuit breaker named {@code openrouter} that routes/06-call-openrouter.camel.yaml uses:
 * "N consecutive failures open it" in resilience4j terms (count window of N, all N failed), open
 * for the configured time, then one half-open probe. Logs the seed's three transition lines.
 */
@Configuration
public class OpenRouterBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(OpenRouterBreaker.class);

    private final int failuresToOpen;
    private final Duration openFor;
    private final int halfOpenCalls;
    private volatile Instant openedAt = Instant.EPOCH;
    private CircuitBreaker breaker;

    public OpenRouterBreaker(@Value("${ai-worker.breaker.failures-to-open:5}") int failuresToOpen,
                             @Value("${ai-worker.breaker.open-seconds:60}") long openSeconds,
                             @Value("${ai-worker.breaker.half-open-calls:1}") int halfOpenCalls) {
        this.failuresToOpen = failuresToOpen;
        this.openFor = Duration.ofSeconds(openSeconds);
        this.halfOpenCalls = halfOpenCalls;
    }

    @Bean("openRouterCircuitBreaker")
    public CircuitBreaker openRouterCircuitBreaker() {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failuresToOpen)
                .minimumNumberOfCalls(failuresToOpen)
                .failureRateThreshold(100)
                .waitDurationInOpenState(openFor)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                // context-length, moderation and other client errors are not the provider failing
                .ignoreException(e -> e instanceof ProviderException p && !p.countsAgainstBreaker())
                .writableStackTraceEnabled(false)
                .build();
        breaker = CircuitBreaker.of("openrouter", config);
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN -> {
                    openedAt = Instant.now();
                    LOG.warn("⚠  Circuit breaker [openrouter] is OPEN ({} consecutive failures)", failuresToOpen);
                }
                case HALF_OPEN -> LOG.info("ℹ  Circuit breaker [openrouter] entering Half-Open state (testing recovery)");
                case CLOSED -> LOG.info("✅ Circuit breaker [openrouter] is now Closed (recovered)");
                default -> LOG.info("Circuit breaker [openrouter] is now {}", event.getStateTransition().getToState());
            }
        });
        return breaker;
    }

    /** How long a job turned away by the open breaker should wait: until the half-open probe, at least 1 s. */
    public long secondsUntilHalfOpen() {
        long left = Duration.between(Instant.now(), openedAt.plus(openFor)).toSeconds();
        return Math.max(1, left);
    }
}
