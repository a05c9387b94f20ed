package app.clivy.aiworker.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code ai-worker.gateway.*}: reply delivery; defaults in application.yaml. The per-instance URLs
 * ({@code instances.<instanceName>.url}) are read by {@link app.clivy.aiworker.delivery.GatewayDelivery#gatewayUrl}.
 */
@Validated
@ConfigurationProperties("ai-worker.gateway")
public record GatewaySettings(
        @NotNull String url,
        @NotNull String token,
        @NotBlank String type,
        @NotBlank String path,
        @NotBlank String tokenHeader,
        @NotBlank String phoneField,
        @NotBlank String bodyField,
        @Min(1) long timeoutMs,
        @Min(1) long sweepIntervalMs,
        @Min(1) int concurrency,
        @Min(1) int maxAttempts,
        @Min(1) long retryBaseMs,
        @Min(1) long retryMaxMs,
        @Valid @NotNull Breaker breaker,
        @Valid @NotNull WuzapiKeys wuzapi,
        @Valid @NotNull CloudApiKeys cloudApi) {

    /** The circuit breaker named "gateway". */
    public record Breaker(@Min(1) int failuresToOpen, @Min(1) long openSeconds) {
    }

    /** {@code wuzapi.hmac-key}: set = wuzapi posts must carry a valid x-hmac-signature. */
    public record WuzapiKeys(@NotNull String hmacKey) {
    }

    /** {@code cloud-api.verify-token} (Meta's GET handshake) and {@code cloud-api.app-secret} (X-Hub-Signature-256). */
    public record CloudApiKeys(@NotNull String verifyToken, @NotNull String appSecret) {
    }

    @Override
    public String toString() {
        return "GatewaySettings[path=" + path + ", concurrency=" + concurrency + "]"; // the URL and token may carry secrets
    }
}
