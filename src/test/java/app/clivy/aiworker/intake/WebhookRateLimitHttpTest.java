package app.clivy.aiworker.intake;

import java.net.http.HttpResponse;
import java.util.UUID;

import app.clivy.aiworker.support.BundleTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** With a per-instance limit, the message over it gets 429 with Retry-After and stores nothing; other instances go on. */
@DirtiesContext
@TestPropertySource(properties = {"ai-worker.worker.enabled=false", "ai-worker.intake.rate-limit-per-minute=3"})
class WebhookRateLimitHttpTest extends BundleTest {

    @Test
    void theFourthMessageOfAMinuteIsRefusedWith429AndNotStored() {
        String busy = "busy-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            assertThat(client().post("/webhook/ai", textEvent(busy, "m" + i, "628@s.whatsapp.net", "hello " + i)).statusCode())
                    .isEqualTo(202);
        }
        HttpResponse<String> refused = client().post("/webhook/ai", textEvent(busy, "m3", "628@s.whatsapp.net", "hello 3"));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(1, 20));
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(refused.body()).startsWith("{\"error\":\"rate_limited\",");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ?", Long.class, busy)).isEqualTo(3);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ?", Long.class, busy)).isEqualTo(3);

        // the limit is the client's (here: this host, no credential configured), not the instanceName it writes
        String fresh = "fresh-" + UUID.randomUUID();
        assertThat(client().post("/webhook/ai", textEvent(fresh, "f0", "628@s.whatsapp.net", "hi")).statusCode()).isEqualTo(429);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ?", Long.class, fresh)).isZero();
    }
}
