package app.clivy.aiworker.database;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import app.clivy.aiworker.support.BundleTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While PostgreSQL is down the webhook answers 503 with Retry-After and a JSON error (no 500, no
 * stack trace) within the pool's connection timeout; when it is back, messages are stored again.
 */
@DirtiesContext
@TestPropertySource(properties = "ai-worker.worker.enabled=false")
class DatabaseOutageTest extends BundleTest {

    private static EmbeddedPostgres restarted;

    @Autowired
    EmbeddedPostgres embedded;
    @Value("${ai-worker.embedded-db.data-dir}")
    Path dataDir;

    @Test
    void theWebhookAnswers503WhileTheDatabaseIsDownAndStoresAgainAfterwards() throws Exception {
        String instance = "outage-" + UUID.randomUUID();
        assertThat(client().post("/webhook/ai", textEvent(instance, "before", "628@s.whatsapp.net", "before")).statusCode())
                .isEqualTo(202);
        int dbPort = embedded.getPort();

        embedded.close();
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            HttpResponse<String> down = client().post("/webhook/ai", textEvent(instance, "during-" + i, "628@s.whatsapp.net", "during"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            assertThat(down.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(down.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(down.body()).isEqualTo("{\"error\":\"database_unavailable\",\"message\":\"the message could not be stored; send it again later\"}");
            assertThat(took).as("no 30 s hang").isLessThan(Duration.ofSeconds(10));
        }

        restarted = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setPort(dbPort).setRegisterShutdownHook(false).start();

        // the pool replaces its broken connections by itself; a request may still meet one once
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            int status = client().post("/webhook/ai", textEvent(instance, "after", "628@s.whatsapp.net", "after")).statusCode();
            assertThat(status).isIn(202, 200, 503);
            return status == 202 || status == 200;
        });
        assertThat(db.queryForList("SELECT body FROM messages WHERE instance = ? ORDER BY id", String.class, instance))
                .containsExactly("before", "after");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ? AND status = 'pending'", Long.class, instance))
                .isEqualTo(2);
    }

    @AfterAll
    static void stopRestartedServer() throws Exception {
        if (restarted != null) {
            restarted.close();
        }
    }
}
