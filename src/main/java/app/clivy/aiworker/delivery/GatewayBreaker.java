package app.clivy.aiworker.delivery;

import java.time.Duration;

import app.clivy.aiworker.http.ConsecutiveFailureBreaker;
import app.clivy.aiworker.http.NoRetryHttpClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The circuit breaker named {@code gateway} and the HTTP client of routes/09-deliver.camel.yaml,
 * apart from the {@code openrouter} ones so a dead gateway never holds back AI calls (and the
 * reverse). N consecutive failures (timeouts, 429, 5xx) open it; a gateway's 4xx is the request's
 * fault and does not count.
 */
@Configuration
public class GatewayBreaker {

    private final ConsecutiveFailureBreaker breaker;

    public GatewayBreaker(@Value("${ai-worker.gateway.breaker.failures-to-open:5}") int failuresToOpen,
                          @Value("${ai-worker.gateway.breaker.open-seconds:30}") long openSeconds) {
        this.breaker = new ConsecutiveFailureBreaker("gateway", failuresToOpen, Duration.ofSeconds(openSeconds), 1,
                e -> e instanceof GatewayRejectedException);
    }

    @Bean("gatewayCircuitBreaker")
    public CircuitBreaker gatewayCircuitBreaker() {
        return breaker.circuitBreaker();
    }

    /** Timeout {@code ai-worker.gateway.timeout-ms}; no retries of its own, so no reply is resent behind the outbox's back. */
    @Bean("gatewayHttpClient")
    public HttpClientConfigurer gatewayHttpClient(@Value("${ai-worker.gateway.timeout-ms:10000}") long timeoutMs) {
        return new NoRetryHttpClient(timeoutMs);
    }

    /** How long a reply turned away by the open breaker waits: until the half-open probe, at least 1 s. */
    public long secondsUntilHalfOpen() {
        return breaker.secondsUntilHalfOpen();
    }
}
