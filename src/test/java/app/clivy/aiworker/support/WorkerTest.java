package app.clivy.aiworker.support;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole bundle with its worker running against {@link FakeOpenRouter}. The breaker opens for
 * 2 s instead of 60 and a call times out after 5 s, so the breaker and timeout rows run quickly
 * (plain test properties: a subclass's {@code @TestPropertySource} can change them).
 */
@TestPropertySource(properties = {"ai-worker.openrouter.api-key=sk-or-v1-test-secret-0123456789",
        "ai-worker.openrouter.timeout-ms=5000", "ai-worker.breaker.open-seconds=2"})
public abstract class WorkerTest extends BundleTest {

    @RegisterExtension
    protected final LogCapture logs = new LogCapture();
    @Autowired
    protected CircuitBreaker openRouterCircuitBreaker;

    protected String instance;

    @DynamicPropertySource
    static void fakeOpenRouter(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.openrouter.base-url", FakeOpenRouter::baseUrl);
    }

    @BeforeEach
    void freshBreakerAndInstance() {
        openRouterCircuitBreaker.reset();
        instance = "inst-" + UUID.randomUUID();
    }

    /** Posts a customer message and returns its job id. */
    protected long postMessage(String text) {
        return postMessage("628123456789@s.whatsapp.net", text);
    }

    /** Posts a customer message in the chat {@code chat} and returns its job id. */
    protected long postMessage(String chat, String text) {
        var res = client().post("/webhook/ai", WebhookClient.textEvent(instance, "m-" + UUID.randomUUID(), chat, text));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        return Long.parseLong(res.body().replaceAll("\\D", ""));
    }

    /**
     * Stores {@code n} earlier messages of the chat, a minute apart and an hour ago at the oldest:
     * even ones inbound, odd ones our replies; {@code body} gives message i's text.
     */
    protected void earlierMessages(String chat, int n, java.util.function.IntFunction<String> body) {
        for (int i = 0; i < n; i++) {
            db.update("INSERT INTO messages (instance, chat, direction, gateway_message_id, body, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, now() - make_interval(mins => ?))",
                    instance, chat, i % 2 == 0 ? "in" : "out", i % 2 == 0 ? "old-" + UUID.randomUUID() : null,
                    body.apply(i), 60 - i);
        }
    }

    protected Map<String, Object> job(long id) {
        return db.queryForMap("SELECT *, EXTRACT(EPOCH FROM run_at - now()) AS run_in_seconds FROM ai_jobs WHERE id = ?", id);
    }

    /** Waits until the job has status {@code status} with {@code attempts} attempts. */
    protected Map<String, Object> awaitJob(long id, String status, int attempts) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Map<String, Object> row = job(id);
            return status.equals(row.get("status")) && Integer.valueOf(attempts).equals(row.get("attempts"));
        });
        return job(id);
    }

    /**
     * Waits until the job is done, making each scheduled retry due at once: for tests about what
     * happens after a reply, where a slow first call on a loaded machine must not matter.
     */
    protected Map<String, Object> awaitDone(long id) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            db.update("UPDATE ai_jobs SET run_at = now() WHERE id = ? AND status = 'pending'", id);
            return "done".equals(job(id).get("status"));
        });
        return job(id);
    }

    /** Makes a scheduled retry due now, as if its delay had passed. */
    protected void makeDue(long id) {
        db.update("UPDATE ai_jobs SET run_at = now() WHERE id = ?", id);
    }

    /** Waits until every knowledge document of every instance is indexed (cut into passages). */
    protected void awaitKnowledgeIndexed() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
                db.queryForObject("SELECT count(*) FROM documents WHERE index_status = 'pending'", Integer.class) == 0);
    }
}
