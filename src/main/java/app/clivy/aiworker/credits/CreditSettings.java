package app.clivy.aiworker.credits;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.credits.*}: the credit monitor; defaults in application.yaml. */
@Validated
@ConfigurationProperties("ai-worker.credits")
public record CreditSettings(
        @NotBlank String cron,
        @Min(0) long startupDelayMs,
        @Min(1) long clusterCheckinMs,
        @Min(1) long timeoutMs,
        @NotNull @DecimalMin("0") BigDecimal criticalBelow,
        @NotNull @DecimalMin("0") BigDecimal warningBelow,
        @NotNull @DecimalMin("0") BigDecimal highUsageAbove,
        @Min(1) long rateWindowHours,
        @NotNull String alertUrl) {

    @Override
    public String toString() {
        return "CreditSettings[cron=" + cron + "]"; // the alert URL may carry a token
    }
}
