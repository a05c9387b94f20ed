package app.clivy.aiworker.demo;

import java.time.Duration;
import java.util.Map;

import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.WebhookClient;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** AI_WORKER_DEMO=true: with no key and no network a webhook message ends as a done job with a demo reply. */
@TestPropertySource(properties = {"ai-worker.demo.enabled=true", "ai-worker.openrouter.api-key=", "ai-worker.demo.latency-ms=50"})
class DemoModeTest extends BundleTest {

    @Test
    void aWebhookMessageEndsAsADoneJobWithAMarkedDemoReply() {
        var res = client().post("/webhook/ai", WebhookClient.textEvent("demo", "d1", "628@s.whatsapp.net", "Halo, jam buka?"));
        assertThat(res.statusCode()).isEqualTo(202);
        long id = Long.parseLong(res.body().replaceAll("\\D", ""));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                "done".equals(db.queryForObject("SELECT status FROM ai_jobs WHERE id = ?", String.class, id)));
        Map<String, Object> out = db.queryForMap("SELECT output_json->>'model' AS model, output_json->>'reply' AS reply, "
                + "(output_json::json->>'input_tokens')::int AS input_tokens, (output_json::json->>'output_tokens')::int AS output_tokens "
                + "FROM ai_jobs WHERE id = ?", id);
        assertThat(out.get("model")).isEqualTo(DemoOpenRouter.MODEL);
        assertThat(out.get("reply").toString()).startsWith("[demo reply, not from a real model]").contains("Halo, jam buka?");
        assertThat((Integer) out.get("input_tokens")).isPositive();
        assertThat((Integer) out.get("output_tokens")).isPositive();
    }
}
