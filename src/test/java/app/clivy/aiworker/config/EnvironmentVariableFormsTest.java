package app.clivy.aiworker.config;

import java.util.Map;

import app.clivy.aiworker.instances.ConversationDefaults;
import app.clivy.aiworker.instances.InstanceDefaults;
import app.clivy.aiworker.intake.IntakeSettings;
import app.clivy.aiworker.openrouter.OpenRouterSettings;
import app.clivy.aiworker.support.EnvironmentOnly;
import app.clivy.aiworker.worker.WorkerSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The environment-variable forms docs/configuration.md gives, through Spring Boot's own binder and
 * the shipped application.yaml, with the variables in the process environment's property source
 * (as a container or a shell sets them).
 */
class EnvironmentVariableFormsTest {

    private static ApplicationContextRunner withEnvironment(Map<String, Object> variables) {
        return EnvironmentOnly.runner(variables)
                .withUserConfiguration(SettingsTest.Settings.class)
                .withPropertyValues("ai-worker.default-node-id=host-1");
    }

    @Test
    void theKeyInCapitalsWithDotsAndDashesAsUnderscoresSetsIt() {
        withEnvironment(Map.of("AI_WORKER_CONVERSATION_QUIET_MS", "1234", "AI_WORKER_CONCURRENCY", "16",
                "AI_WORKER_INTAKE_MAX_BODY_BYTES", "1024", "AI_WORKER_OPENROUTER_MAX_TOKENS", "256")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ConversationDefaults.class).quietMs()).isEqualTo(1234);
            assertThat(context.getBean(WorkerSettings.class).concurrency()).isEqualTo(16);
            assertThat(context.getBean(IntakeSettings.class).maxBodyBytes()).isEqualTo(1024);
            assertThat(context.getBean(OpenRouterSettings.class).maxTokens()).isEqualTo(256);
            assertThat(context.getBean(OpenRouterSettings.class).maxConnections()).as("follows the concurrency").isEqualTo(16);
        });
    }

    @Test
    void theFormWithDashesDroppedSetsItTooButAMixOfTheTwoIsIgnored() {
        withEnvironment(Map.of("AIWORKER_CONVERSATION_QUIETMS", "700")).run(context ->
                assertThat(context.getBean(ConversationDefaults.class).quietMs()).isEqualTo(700));
        withEnvironment(Map.of("AI_WORKER_CONVERSATION_QUIETMS", "700")).run(context ->
                assertThat(context.getBean(ConversationDefaults.class).quietMs()).as("the trap: the default stays").isEqualTo(2500));
    }

    @Test
    void aShortNameFromApplicationYamlWorksAndTheLongFormWinsOverIt() {
        withEnvironment(Map.of("AI_TIMEOUT_MS", "45000", "OPENROUTER_MODEL", "anthropic/claude-3.5-haiku")).run(context -> {
            assertThat(context.getBean(OpenRouterSettings.class).timeoutMs()).isEqualTo(45_000);
            assertThat(context.getBean(OpenRouterSettings.class).model()).isEqualTo("anthropic/claude-3.5-haiku");
        });
        withEnvironment(Map.of("AI_TIMEOUT_MS", "45000", "AI_WORKER_OPENROUTER_TIMEOUT_MS", "30000")).run(context ->
                assertThat(context.getBean(OpenRouterSettings.class).timeoutMs()).isEqualTo(30_000));
    }

    @Test
    void aListTakesACommaSeparatedValue() {
        withEnvironment(Map.of("AI_WORKER_INSTANCES_FALLBACK_MODELS", "anthropic/claude-3.5-haiku,openai/gpt-4o-mini")).run(context ->
                assertThat(context.getBean(InstanceDefaults.class).fallbackModels())
                        .containsExactly("anthropic/claude-3.5-haiku", "openai/gpt-4o-mini"));
    }
}
