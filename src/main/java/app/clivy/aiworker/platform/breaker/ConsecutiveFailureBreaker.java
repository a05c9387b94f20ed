package app.clivy.aiworker.platform.breaker;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker that "N consecutive failures open" (in resilience4j terms: a count window of N,
 * all N failed), open for a while, then half-open probes; it logs the reference card's three
 * transition lines and knows how long a turned-away caller should wait.
 */
public class ConsecutiveFailureBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(ConsecutiveFailureBreaker.class);

    private final CircuitBreaker breaker;
    private final Duration openFor;
    private volatile Instant openedAt = Instant.EPOCH;

    /**
     * @param notCounted failures that are the request's fault, not the remote's: not recorded
     */
    public ConsecutiveFailureBreaker(String name, int failuresToOpen, Duration openFor, int halfOpenCalls,
                                     Predicate<Throwable> notCounted) {
        this.openFor = openFor;
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failuresToOpen)
                .minimumNumberOfCalls(failuresToOpen)
                .failureRateThreshold(100)
                .waitDurationInOpenState(openFor)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                .ignoreException(notCounted)
                .writableStackTraceEnabled(false)
                .build();
        breaker = CircuitBreaker.of(name, config);
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN -> {
                    openedAt = Instant.now();
                    LOG.warn("⚠  Circuit breaker [{}] is OPEN ({} consecutive failures)", name, failuresToOpen);
                }
                case HALF_OPEN -> LOG.info("ℹ  Circuit breaker [{}] entering Half-Open state (testing recovery)", name);
                case CLOSED -> LOG.info("✅ Circuit breaker [{}] is now Closed (recovered)", name);
                default -> LOG.info("Circuit breaker [{}] is now {}", name, event.getStateTransition().getToState());
            }
        });
    }

    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** How long a caller turned away by the open breaker should wait: until the half-open probe, at least 1 s. */
    public long secondsUntilHalfOpen() {
        return Math.max(1, Duration.between(Instant.now(), openedAt.plus(openFor)).toSeconds());
    }
}
