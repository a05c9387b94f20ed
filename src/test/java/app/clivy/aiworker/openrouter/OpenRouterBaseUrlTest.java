package app.clivy.aiworker.openrouter;

import java.time.Duration;

import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.WebhookClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code OPENROUTER_BASE_URL} with or without OpenRouter's documented {@code /api/v1} reaches the
 * same endpoints. This context gives the fake's URL with {@code /api/v1/}; every other bundle test
 * gives it without.
 */
@TestPropertySource(properties = "ai-worker.openrouter.api-key=sk-or-v1-test-secret-0123456789")
class OpenRouterBaseUrlTest extends BundleTest {

    @DynamicPropertySource
    static void fakeOpenRouterAsDocumented(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.openrouter.base-url", () -> FakeOpenRouter.baseUrl() + "/api/v1/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://openrouter.ai", "https://openrouter.ai/", "https://openrouter.ai/api/v1",
            "https://openrouter.ai/api/v1/", " https://openrouter.ai/API/V1 "})
    void everyFormOfTheBaseUrlHasTheSameRoot(String given) {
        assertThat(OpenRouterBaseUrl.root(given)).isEqualToIgnoringCase("https://openrouter.ai");
    }

    @Test
    void aBaseUrlEndingInApiV1CallsChatCompletionsOnce() {
        String marker = "base-url-api-v1";
        when(marker, completion("dari /api/v1", "openai/gpt-4o", 10, 2, 0));
        var res = client().post("/webhook/ai", WebhookClient.textEvent("base-url", "bu-1", "6281111@s.whatsapp.net",
                marker + " question"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        long id = Long.parseLong(res.body().replaceAll("\\D", ""));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                "done".equals(db.queryForObject("SELECT status FROM ai_jobs WHERE id = ?", String.class, id)));
        assertThat(FakeOpenRouter.server().findAll(postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(containing(marker)))).as("POST /api/v1/chat/completions, not /api/v1/api/v1/...").hasSize(1);
        assertThat(db.queryForObject("SELECT output_json->>'reply' FROM ai_jobs WHERE id = ?", String.class, id))
                .isEqualTo("dari /api/v1");
    }
}
