package app.clivy.aiworker.delivery;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code ai-worker.gateway.number-health.*} (docs/delivery.md, "The number's health"); defaults in
 * application.yaml.
 *
 * @param pause       how long an instance's delivery is paused after a restriction or rate-limit answer
 *                    (an operator may resume it earlier)
 * @param pairRetry   a reply refused by Meta's pair rate limit (131056) or throughput limit (130429) is
 *                    tried again after at least this long
 */
@Validated
@ConfigurationProperties("ai-worker.gateway.number-health")
public record NumberHealthSettings(@NotNull Duration pause, @NotNull Duration pairRetry) {

    public NumberHealthSettings {
        if (pause != null && (pause.isNegative() || pause.isZero())) {
            throw new IllegalArgumentException("ai-worker.gateway.number-health.pause must be positive");
        }
        if (pairRetry != null && pairRetry.isNegative()) {
            throw new IllegalArgumentException("ai-worker.gateway.number-health.pair-retry must not be negative");
        }
    }
}
