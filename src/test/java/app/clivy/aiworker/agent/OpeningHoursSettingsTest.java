package app.clivy.aiworker.agent;

import java.time.Clock;
import java.util.Map;

import app.clivy.aiworker.support.EnvironmentOnly;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The opening-hours defaults bind from the shipped application.yaml (always open, UTC, answer) and
 * from environment variables; a default schedule or zone that cannot be read stops the start naming
 * the key.
 */
class OpeningHoursSettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AgentSettings.class)
    static class Settings {
    }

    private static ApplicationContextRunner withEnvironment(Map<String, Object> variables) {
        return EnvironmentOnly.runner(variables)
                .withUserConfiguration(Settings.class);
    }

    @Test
    void theDefaultsAreAlwaysOpenInUtcAndTheEnvironmentSetsEachKey() {
        withEnvironment(Map.of()).run(context -> {
            assertThat(context).hasNotFailed();
            AgentSettings.OpeningHoursDefaults hours = context.getBean(AgentSettings.class).openingHours();
            assertThat(OpeningSchedule.parse(hours.schedule()).alwaysOpen()).isTrue();
            assertThat(hours.timeZone()).isEqualTo("UTC");
            assertThat(hours.afterHours()).isEqualTo("answer");
            assertThat(hours.afterHoursMessage()).contains("{opens}");
        });
        withEnvironment(Map.of("AI_WORKER_AGENT_OPENING_HOURS_SCHEDULE", "mon-fri 08:00-17:00, sat 09:00-13:00",
                "AI_WORKER_AGENT_OPENING_HOURS_TIME_ZONE", "Asia/Jakarta",
                "AI_WORKER_AGENT_OPENING_HOURS_AFTER_HOURS", "message",
                "AI_WORKER_AGENT_OPENING_HOURS_AFTER_HOURS_MESSAGE", "Tutup, buka {opens}.")).run(context -> {
            assertThat(context).hasNotFailed();
            AgentSettings.OpeningHoursDefaults hours = context.getBean(AgentSettings.class).openingHours();
            assertThat(hours.schedule()).isEqualTo("mon-fri 08:00-17:00, sat 09:00-13:00");
            assertThat(hours.timeZone()).isEqualTo("Asia/Jakarta");
            assertThat(hours.afterHours()).isEqualTo("message");
            assertThat(hours.afterHoursMessage()).isEqualTo("Tutup, buka {opens}.");
        });
    }

    @Test
    void anUnknownModeABadScheduleOrZoneStopsTheStartNamingTheKey() {
        withEnvironment(Map.of("AI_WORKER_AGENT_OPENING_HOURS_AFTER_HOURS", "sleep")).run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("openingHours.afterHours")
                        .hasMessageContaining("must match \"answer|message|silent\""));
        withEnvironment(Map.of("AI_WORKER_AGENT_OPENING_HOURS_SCHEDULE", "weekdays 9-5")).run(context -> {
            AgentSettings settings = context.getBean(AgentSettings.class);
            assertThatThrownBy(() -> new OpeningHours(settings, null, Clock.systemUTC()))
                    .hasMessageStartingWith("ai-worker.agent.opening-hours.schedule: \"weekdays 9-5\" is not understood");
        });
        withEnvironment(Map.of("AI_WORKER_AGENT_OPENING_HOURS_TIME_ZONE", "Jakarta")).run(context -> {
            AgentSettings settings = context.getBean(AgentSettings.class);
            assertThatThrownBy(() -> new OpeningHours(settings, null, Clock.systemUTC()))
                    .hasMessageContaining("ai-worker.agent.opening-hours.time-zone must be an IANA time zone");
        });
    }
}
