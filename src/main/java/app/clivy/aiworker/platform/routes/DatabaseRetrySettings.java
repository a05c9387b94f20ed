package app.clivy.aiworker.platform.routes;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.database-retry.*}: a step retried while PostgreSQL is unreachable; defaults in application.yaml. */
@Validated
@ConfigurationProperties("ai-worker.database-retry")
public record DatabaseRetrySettings(@Min(0) int attempts, @Min(1) long firstDelayMs, @Min(1) long maxDelayMs) {
}
