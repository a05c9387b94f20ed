package app.clivy.aiworker.config;

import static org.assertj.core.api.Assertions.assertThat;

import app.clivy.aiworker.context.ContextSettings;
import app.clivy.aiworker.credits.CreditSettings;
import app.clivy.aiworker.demo.DemoSettings;
import app.clivy.aiworker.gateway.GatewaySettings;
import app.clivy.aiworker.instances.ConversationDefaults;
import app.clivy.aiworker.instances.InstanceDefaults;
import app.clivy.aiworker.intake.IntakeSettings;
import app.clivy.aiworker.openrouter.BreakerSettings;
import app.clivy.aiworker.openrouter.OpenRouterSettings;
import app.clivy.aiworker.operations.AdminSettings;
import app.clivy.aiworker.platform.routes.DatabaseRetrySettings;
import app.clivy.aiworker.worker.WorkerSettings;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The settings records bind from the shipped application.yaml (their one source of defaults) and refuse bad values. */
class SettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({WorkerSettings.class, OpenRouterSettings.class, BreakerSettings.class, CreditSettings.class,
            ContextSettings.class, DatabaseRetrySettings.class, AdminSettings.class, DemoSettings.class, IntakeSettings.class,
            GatewaySettings.class, InstanceDefaults.class, ConversationDefaults.class})
    static class Settings {
    }

    // application.yaml, as the application reads it; the node id default comes from NodeIdentity at start-up
    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(Settings.class)
            .withPropertyValues("ai-worker.default-node-id=host-1");

    @Test
    void everySettingHasItsDefaultInApplicationYaml() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            WorkerSettings worker = context.getBean(WorkerSettings.class);
            assertThat(worker.nodeId()).isEqualTo("host-1");
            assertThat(worker.concurrency()).isEqualTo(512);
            assertThat(worker.claimBatch()).isEqualTo(64);
            assertThat(context.getBean(OpenRouterSettings.class).maxConnections()).isEqualTo(512);
            assertThat(worker.worker().enabled()).isTrue();
            assertThat(context.getBean(OpenRouterSettings.class).timeoutMs()).isEqualTo(120_000);
            assertThat(context.getBean(OpenRouterSettings.class).apiKey()).isEmpty();
            assertThat(context.getBean(BreakerSettings.class).openSeconds()).isEqualTo(60);
            assertThat(context.getBean(CreditSettings.class).warningBelow()).isEqualByComparingTo(new BigDecimal("5"));
            assertThat(context.getBean(ContextSettings.class).messages()).isEqualTo(10);
            assertThat(context.getBean(DatabaseRetrySettings.class).attempts()).isEqualTo(12);
            assertThat(context.getBean(AdminSettings.class).user()).isEqualTo("admin");
            assertThat(context.getBean(DemoSettings.class).enabled()).isFalse();
            assertThat(context.getBean(IntakeSettings.class).maxJsonDepth()).isEqualTo(32);
            assertThat(context.getBean(IntakeSettings.class).token()).isEmpty();
            assertThat(context.getBean(GatewaySettings.class).url()).isEmpty();
            assertThat(context.getBean(GatewaySettings.class).breaker().openSeconds()).isEqualTo(30);
            InstanceDefaults instances = context.getBean(InstanceDefaults.class);
            assertThat(instances.cacheMs()).isEqualTo(5000);
            assertThat(instances.enabled()).isTrue();
            assertThat(instances.fallbackModels()).isEmpty();
            assertThat(instances.dailySpendCapUsd()).isNull();
            // (quiet-ms: the tests' JVM sets 0, see pom.xml)
            assertThat(context.getBean(ConversationDefaults.class).handoffMinutes()).isEqualTo(30);
            assertThat(context.getBean(ConversationDefaults.class).echoMinutes()).isEqualTo(10);
        });
    }

    @Test
    void instanceDefaultsAreCheckedAsTheAdminApiChecksAnInstance() {
        runner.withPropertyValues("ai-worker.instances.fallback-models=anthropic/claude-3.5-haiku,not a model").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("ai-worker.instances").hasMessageContaining("fallbackModels");
        });
        runner.withPropertyValues("ai-worker.instances.daily-spend-cap-usd=-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("dailySpendCapUsd");
        });
        runner.withPropertyValues("ai-worker.instances.fallback-models=anthropic/claude-3.5-haiku,openai/gpt-4o-mini",
                "ai-worker.instances.daily-spend-cap-usd=2.5").run(context -> {
            assertThat(context.getBean(InstanceDefaults.class).fallbackModels())
                    .containsExactly("anthropic/claude-3.5-haiku", "openai/gpt-4o-mini");
            assertThat(context.getBean(InstanceDefaults.class).dailySpendCapUsd()).isEqualByComparingTo("2.5");
        });
    }

    @Test
    void seedEnvironmentNamesStillSetTheirSettings() {
        runner.withSystemProperties("AI_TIMEOUT_MS=45000", "OPENROUTER_MODEL=anthropic/claude-3.5-sonnet").run(context -> {
            assertThat(context.getBean(OpenRouterSettings.class).timeoutMs()).isEqualTo(45_000);
            assertThat(context.getBean(OpenRouterSettings.class).model()).isEqualTo("anthropic/claude-3.5-sonnet");
        });
    }

    @Test
    void anInvalidValueStopsTheStartNamingTheSettingAndTheRule() {
        // the OpenRouter connections follow the concurrency unless set: keep them valid, so the
        // failure names the concurrency
        runner.withPropertyValues("ai-worker.concurrency=0", "ai-worker.openrouter.max-connections=8").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("ai-worker")
                    .hasMessageContaining("concurrency")
                    .hasMessageContaining("must be greater than or equal to 1");
        });
    }

    @Test
    void aNegativeQuietPeriodStopsTheStart() {
        runner.withPropertyValues("ai-worker.conversation.quiet-ms=-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("ai-worker.conversation")
                    .hasMessageContaining("quietMs")
                    .hasMessageContaining("must be greater than or equal to 0");
        });
    }
}
