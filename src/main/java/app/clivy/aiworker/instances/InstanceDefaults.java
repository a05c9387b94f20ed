package app.clivy.aiworker.instances;

import java.math.BigDecimal;
import java.util.List;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code ai-worker.instances.*}: the defaults of the per-instance settings that have no older key
 * of their own (the system prompt and the model default to {@code ai-worker.system-prompt} and
 * {@code ai-worker.openrouter.model}), and how long the worker keeps the table in memory; defaults
 * in application.yaml.
 *
 * @param cacheMs          how long a read of {@code instance_settings} is used before it is read again
 *                         (a change made through this node's admin API is used at once)
 * @param enabled          whether an instance without a setting of its own gets answers
 * @param fallbackModels   the models OpenRouter tries after the primary one, in order (empty = none)
 * @param dailySpendCapUsd the most an instance may spend per UTC day (null = no cap)
 * @param globalDailySpendCapUsd the most all instances together may spend per UTC day (null or 0 = no cap)
 */
@Validated
@ConfigurationProperties("ai-worker.instances")
public record InstanceDefaults(@Min(0) long cacheMs, boolean enabled,
                               @NotNull @Size(max = MAX_FALLBACKS)
                               List<@Pattern(regexp = MODEL_ID) String> fallbackModels,
                               @DecimalMin("0") BigDecimal dailySpendCapUsd,
                               // global daily spend cap (#21)
                               @DecimalMin("0") BigDecimal globalDailySpendCapUsd) {

    // The limits of an instance's settings, here so the defaults and the admin API
    // (InstanceSettingsApi) check the same ones.
    public static final int MAX_FALLBACKS = 10;
    public static final long MAX_QUIET_MS = 600_000;
    /** A week: the longest handoff period, and the longest an operator's take-over of a chat. */
    public static final int MAX_HANDOFF_MINUTES = 7 * 24 * 60;
    /** An OpenRouter model id: {@code author/slug}, optionally {@code :variant}. */
    public static final String MODEL_ID = "[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._:-]*";

    /** The global cap, or null when there is none (unset or 0). */
    public BigDecimal globalCapOrNull() {
        return globalDailySpendCapUsd == null || globalDailySpendCapUsd.signum() == 0 ? null : globalDailySpendCapUsd;
    }
}
