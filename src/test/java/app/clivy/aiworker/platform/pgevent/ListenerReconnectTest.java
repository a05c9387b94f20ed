package app.clivy.aiworker.platform.pgevent;

import java.nio.file.Path;
import java.time.Duration;

import app.clivy.aiworker.support.BundleTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CAMEL-23646: after PostgreSQL restarts, the stock pgevent consumer reconnects forever, adding a
 * LISTEN connection every reconnectDelay. Ours ends with exactly one, and a NOTIFY after the
 * restart reaches the listener route once.
 */
@DirtiesContext
class ListenerReconnectTest extends BundleTest {

    private static EmbeddedPostgres restarted;

    @Autowired
    EmbeddedPostgres embedded;
    @Autowired
    CamelContext camel;
    @Value("${ai-worker.embedded-db.data-dir}")
    Path dataDir;

    private int listeners() {
        return db.queryForObject("SELECT COUNT(*) FROM pg_stat_activity WHERE query = 'LISTEN ai_jobs_channel'", Integer.class);
    }

    @Test
    void afterADatabaseRestartTheNodeHasOneListenerAndGetsEachNotificationOnce() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners() == 1);
        int port = embedded.getPort();

        embedded.close();
        restarted = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setPort(port).setRegisterShutdownHook(false).start();

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> listeners() == 1);
        // reconnectDelay is 1 s: the leak would have added several connections by now
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> listeners() == 1);

        // from here on the listener route sees only our probe (no jobs are posted in this test)
        NotifyBuilder once = new NotifyBuilder(camel).fromRoute("job-listener")
                .whenExactlyDone(1).create();
        db.execute("SELECT pg_notify('ai_jobs_channel', 'probe-after-restart')");
        assertThat(once.matches(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // and not a second time
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(once::matches);
    }

    @AfterAll
    static void stopRestartedServer() throws Exception {
        if (restarted != null) {
            restarted.close();
        }
    }
}
