package app.clivy.aiworker.openrouter;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.openrouter.*}; defaults in application.yaml. The YAML routes read the same keys. */
@Validated
@ConfigurationProperties("ai-worker.openrouter")
public record OpenRouterSettings(
        @NotBlank String baseUrl,
        @NotNull String apiKey,
        @NotBlank String model,
        @NotNull String httpReferer,
        @NotNull String xTitle,
        @Min(1) long timeoutMs,
        @Min(1) long connectTimeoutMs,
        @Min(1) int maxConnections,
        @Min(0) long validateAfterInactivityMs,
        @Min(1) long evictIdleMs,
        @Min(1) int maxTokens,
        @NotNull String userSalt,
        @DecimalMin("0") @DecimalMax("2") double temperature) {

    @Override
    public String toString() {
        return "OpenRouterSettings[baseUrl=" + baseUrl + ", model=" + model + ", timeoutMs=" + timeoutMs + "]";
    }
}
