package app.clivy.aiworker.worker;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The worker's own keys directly under {@code ai-worker.*}; defaults in application.yaml. */
@Validated
@ConfigurationProperties("ai-worker")
public record WorkerSettings(
        @NotBlank String nodeId,
        @Valid @NotNull Worker worker,
        @Min(1) int concurrency,
        @Min(1) int claimBatch,
        @Min(1) long sweepIntervalMs,
        @Min(1) int maxAttempts,
        @Min(0) long retryDelaySeconds,
        @Min(0) long leaseMarginSeconds,
        @Min(0) long shutdownTimeoutSeconds,
        @NotBlank String systemPrompt) {

    /** {@code ai-worker.worker.enabled}: false = intake only. */
    public record Worker(boolean enabled) {
    }
}
