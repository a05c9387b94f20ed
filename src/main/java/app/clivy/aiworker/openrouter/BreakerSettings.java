package app.clivy.aiworker.openrouter;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.breaker.*}: the circuit breaker named "openrouter"; defaults in application.yaml. */
@Validated
@ConfigurationProperties("ai-worker.breaker")
public record BreakerSettings(@Min(1) int failuresToOpen, @DecimalMin("0.001") double openSeconds, @Min(1) int halfOpenCalls) {
}
