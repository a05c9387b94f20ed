package app.clivy.aiworker.intake;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.intake.*}: POST /webhook/ai; defaults in application.yaml. */
@Validated
@ConfigurationProperties("ai-worker.intake")
public record IntakeSettings(
        @Min(1) int maxBodyBytes,
        @Min(1) int maxJsonDepth,
        boolean acceptGroups,
        @NotNull String token,
        @NotNull String hmacSecret,
        @Min(1) long retryAfterSeconds,
        @Min(0) int rateLimitPerMinute,
        @Min(1) int storeBatch,
        @Min(1) int storeWriters,
        // secure by default (docs/security.md): no credential = only local posts, unless opened in so many words
        boolean insecureOpenWebhook,
        @Min(1) long bodyDeadlineMs) {

    @Override
    public String toString() {
        return "IntakeSettings[maxBodyBytes=" + maxBodyBytes + ", rateLimitPerMinute=" + rateLimitPerMinute + "]";
    }
}
