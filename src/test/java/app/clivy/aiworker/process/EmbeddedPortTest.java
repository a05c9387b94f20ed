package app.clivy.aiworker.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.WebhookClient;
import app.clivy.aiworker.support.WorkerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two workers started from two folders, both with the embedded default database, as real
 * processes. On the same port the second refuses to start (non-zero exit, the port and the setting
 * named) instead of using the first worker's database; with port 0 it takes a free port of its own
 * and both work on their own data.
 * <p>
 * Four worker start-ups: it runs with the integration-test phase of {@code ./mvnw verify}
 * ({@code -Dai-worker.process-tests=true}).
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class EmbeddedPortTest {

    private static final Pattern EMBEDDED_AT = Pattern.compile("Using embedded PostgreSQL 17 at localhost:(\\d+)/clivy_support");
    private final List<WorkerProcess> started = new ArrayList<>();
    private final List<Path> folders = new ArrayList<>();

    private Path folder(String name) throws Exception {
        Path folder = Files.createTempDirectory("embedded-port-" + name + "-");
        folders.add(folder);
        return folder.resolve("postgres");
    }

    private WorkerProcess start(Path dataDir, int dbPort, String name) {
        WorkerProcess worker = WorkerProcess.start(dataDir, dbPort, name, Map.of("ai-worker.node-id", name,
                "ai-worker.sweep-interval-ms", "500"));
        started.add(worker);
        return worker;
    }

    @AfterEach
    void stopAll() {
        started.forEach(WorkerProcess::destroy);
        folders.forEach(folder -> {
            WorkerProcess.stopPostgres(folder.resolve("postgres"));
            FileSystemUtils.deleteRecursively(folder.toFile());
        });
    }

    private static long post(WorkerProcess worker, String instance, String marker) {
        var res = worker.client().post("/webhook/ai", WebhookClient.textEvent(instance, "msg-" + marker,
                "6281200000001@s.whatsapp.net", "question " + marker));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        return Long.parseLong(res.body().replaceAll("\\D", ""));
    }

    private static void awaitDone(JdbcTemplate db, long jobId) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                "done".equals(db.queryForObject("SELECT status FROM ai_jobs WHERE id = ?", String.class, jobId)));
    }

    @Test
    void aSecondWorkerOnATakenPortRefusesToStartAndStoresNothingInTheFirstWorkersDatabase() throws Exception {
        when("embedded-port", completion("own reply", "openai/gpt-4o", 10, 2, 0));
        int port = WorkerProcess.freePort();
        WorkerProcess first = start(folder("first"), port, "first-worker");
        long firstJob = post(first, "first-instance", "embedded-port-first");

        String refusal = null;
        try {
            WorkerProcess second = start(folder("second"), port, "second-worker");
            // what used to happen: the second worker ran on the first worker's database
            post(second, "second-instance", "embedded-port-second");
        } catch (IllegalStateException exited) {
            refusal = exited.getMessage();
        }

        assertThat(refusal).as("the second worker must not start on a port it does not own").isNotNull();
        Matcher exit = Pattern.compile("exit code (\\d+)").matcher(refusal);
        assertThat(exit.find()).isTrue();
        assertThat(Integer.parseInt(exit.group(1))).as("exit code").isNotZero();
        assertThat(refusal).contains("APPLICATION FAILED TO START")
                .contains("Port " + port + " is taken")
                .contains("AI_WORKER_EMBEDDED_DB_PORT")
                .doesNotContain("Using embedded PostgreSQL 17 at localhost:" + port);
        JdbcTemplate firstDb = first.db();
        assertThat(firstDb.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = 'second-instance'", Long.class))
                .as("rows of the second worker in the first worker's database").isZero();
        assertThat(firstDb.queryForObject("SELECT COUNT(*) FROM messages WHERE direction = 'in'", Long.class)).isEqualTo(1);
        // the first worker goes on undisturbed
        awaitDone(firstDb, firstJob);
        assertThat(first.process().isAlive()).isTrue();
    }

    @Test
    void withPortZeroTheSecondWorkerTakesAFreePortAndBothWorkOnTheirOwnData() throws Exception {
        when("embedded-port", completion("own reply", "openai/gpt-4o", 10, 2, 0));
        int port = WorkerProcess.freePort();
        WorkerProcess first = start(folder("first"), port, "first-worker");
        WorkerProcess second = start(folder("second"), 0, "second-worker");

        Matcher at = EMBEDDED_AT.matcher(second.output());
        assertThat(at.find()).as(second.output()).isTrue();
        int secondPort = Integer.parseInt(at.group(1));
        assertThat(secondPort).isNotEqualTo(port).isPositive();
        assertThat(second.output()).contains("a free port (AI_WORKER_EMBEDDED_DB_PORT=0)");

        long firstJob = post(first, "first-instance", "embedded-port-a");
        long secondJob = post(second, "second-instance", "embedded-port-b");
        JdbcTemplate firstDb = first.db();
        JdbcTemplate secondDb = WorkerProcess.database(secondPort);
        awaitDone(firstDb, firstJob);
        awaitDone(secondDb, secondJob);
        assertThat(firstDb.queryForList("SELECT DISTINCT instance FROM messages", String.class)).containsExactly("first-instance");
        assertThat(secondDb.queryForList("SELECT DISTINCT instance FROM messages", String.class)).containsExactly("second-instance");
        assertThat(secondDb.queryForObject("SHOW data_directory", String.class))
                .isEqualTo(folders.get(1).resolve("postgres").toRealPath().toString());
    }
}
