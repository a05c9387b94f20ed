package app.clivy.aiworker.operations;

import java.nio.file.Path;
import java.time.Duration;

import app.clivy.aiworker.support.BundleTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health tells the listener's LISTEN connection: while it is lost (PostgreSQL restarting) the
 * {@code worker} component is {@code DEGRADED} (the sweep still claims, later), and {@code UP}
 * again, with the whole health, once the listener has reconnected.
 */
@DirtiesContext
class WorkerHealthTest extends BundleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedPostgres restarted;

    @Autowired
    EmbeddedPostgres embedded;
    @Value("${ai-worker.embedded-db.data-dir}")
    Path dataDir;

    private JsonNode health() throws Exception {
        return JSON.readTree(client().get("/actuator/health").body());
    }

    @Test
    void theWorkerIsDegradedWhileItsListenConnectionIsLostAndUpAfterItReconnects() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(health().path("status").asText()));
        int port = embedded.getPort();

        embedded.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                "DEGRADED".equals(health().path("components").path("worker").path("status").asText()));
        JsonNode down = health().path("components").path("worker");
        assertThat(down.path("details").path("listener").asText()).as("the route itself still runs").isEqualTo("Started");
        assertThat(down.path("details").path("listening").asBoolean()).isFalse();

        restarted = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setPort(port).setRegisterShutdownHook(false).start();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                "UP".equals(health().path("status").asText()));
        JsonNode after = health().path("components").path("worker");
        assertThat(after.path("status").asText()).isEqualTo("UP");
        assertThat(after.path("details").path("intake").asText()).isEqualTo("OPEN");
        assertThat(after.path("details").path("listening").asBoolean()).isTrue();
    }

    @AfterAll
    static void stopRestartedServer() throws Exception {
        if (restarted != null) {
            restarted.close();
        }
    }
}
