package app.clivy.aiworker.delivery;

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
 * The circuit breaker named {@code gateway} of routes/09-deliver.camel.yaml, apart from the
 * {@code openrouter} one so a dead gateway never holds back AI calls (and the reverse). N
 * consecutive failures (timeouts, 429, 5xx) open it; a gateway's 4xx is the request's fault and
 * does not count.
 */
@Configuration
public class GatewayBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayBreaker.class);

    private final int failuresToOpen;
    private final Duration openFor;
    private volatile Instant openedAt = Instant.EPOCH;

    public GatewayBreaker(@Value("${ai-worker.gateway.breaker.failures-to-open:5}") int failuresToOpen,
                          @Value("${ai-worker.gateway.breaker.open-seconds:30}") long openSeconds) {
        this.failuresToOpen = failuresToOpen;
        this.openFor = Duration.ofSeconds(openSeconds);
    }

    @Bean("gatewayCircuitBreaker")
    public CircuitBreaker gatewayCircuitBreaker() {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failuresToOpen)
                .minimumNumberOfCalls(failuresToOpen)
                .failureRateThreshold(100)
                .waitDurationInOpenState(openFor)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(1)
                .ignoreException(e -> e instanceof GatewayRejectedException)
                .writableStackTraceEnabled(false)
                .build();
        CircuitBreaker breaker = CircuitBreaker.of("gateway", config);
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN -> {
                    openedAt = Instant.now();
                    LOG.warn("⚠  Circuit breaker [gateway] is OPEN ({} consecutive failures)", failuresToOpen);
                }
                case HALF_OPEN -> LOG.info("ℹ  Circuit breaker [gateway] entering Half-Open state (testing recovery)");
                case CLOSED -> LOG.info("✅ Circuit breaker [gateway] is now Closed (recovered)");
                default -> LOG.info("Circuit breaker [gateway] is now {}", event.getStateTransition().getToState());
            }
        });
        return breaker;
    }

    /** How long a reply turned away by the open breaker waits: until the half-open probe, at least 1 s. */
    public long secondsUntilHalfOpen() {
        return Math.max(1, Duration.between(Instant.now(), openedAt.plus(openFor)).toSeconds());
    }
}
