package app.clivy.aiworker.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.support.WebhookClient;
import app.clivy.aiworker.support.WorkerProcess;
import app.clivy.aiworker.support.WorkerProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to a real worker process with jobs in flight against a slow OpenRouter: webhooks get 503
 * while it drains, it exits within its shutdown timeouts, prints the reference card's five lines
 * in order, leaves no row processing, and the jobs it handed back complete on the next start.
 * <p>
 * Two worker start-ups: too long for the normal suite, it runs with
 * the integration-test phase of {@code ./mvnw verify}, which sets {@code -Dai-worker.process-tests=true} (see docs/reliability.md).
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class ShutdownProcessTest {

    private static final String MARKER = "sigterm-process-marker";
    private static final int JOBS = 6;
    private static final int WORKER_DRAIN_SECONDS = 2;
    private static final int CAMEL_SHUTDOWN_SECONDS = 3;

    @RegisterExtension
    final WorkerProcesses node = new WorkerProcesses(WorkerProcesses.drainingNode(WORKER_DRAIN_SECONDS, CAMEL_SHUTDOWN_SECONDS));

    @Test
    void sigtermHandsBackTheJobsInFlightAndTheNextStartCompletesThem() {
        when(MARKER, completion("late reply", "openai/gpt-4o", 10, 2, 0).withFixedDelay(8000));

        WorkerProcess first = node.start("first", Map.of("ai-worker.node-id", "sigterm-node"));
        WebhookClient client = first.client();
        List<Long> jobIds = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            var res = client.post("/webhook/ai", WebhookClient.textEvent("sigterm", "term-" + i,
                    "62822" + i + "@s.whatsapp.net", MARKER + " question " + i));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
            jobIds.add(Long.parseLong(res.body().replaceAll("\\D", "")));
        }
        JdbcTemplate db = first.db();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'processing'", Long.class) == JOBS);

        long signalled = System.nanoTime();
        first.process().destroy(); // SIGTERM
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> first.output().contains("🛑 Shutting down server..."));
        var refused = client.post("/webhook/ai", WebhookClient.textEvent("sigterm", "term-late", "628@s.whatsapp.net", "too late"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(refused.body()).startsWith("{\"error\":\"shutting_down\",");

        assertThat(first.waitFor(Duration.ofSeconds(WORKER_DRAIN_SECONDS + CAMEL_SHUTDOWN_SECONDS + 15)))
                .as("exits within its shutdown timeouts").isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);
        System.out.println("SIGTERM to exit: " + took.toMillis() + " ms");

        assertThat(first.shutdownLines()).containsExactlyElementsOf(WorkerProcess.SHUTDOWN_LINES);
        assertThat(first.output()).contains("↩️  Handed back " + JOBS + " unfinished job(s) to pending");
        assertThat(node.dataDir().resolve("postmaster.pid")).as("the embedded database stopped cleanly").doesNotExist();

        when(MARKER, completion("on time now", "openai/gpt-4o", 10, 2, 0));
        WorkerProcess second = node.start("second", Map.of("ai-worker.node-id", "sigterm-node-after-restart"));
        JdbcTemplate after = second.db();
        assertThat(after.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE locked_by = 'sigterm-node'", Long.class))
                .as("no row left processing by the stopped node").isZero();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                after.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status <> 'done'", Long.class) == 0);

        assertThat(after.queryForList("SELECT id FROM ai_jobs ORDER BY id", Long.class)).containsExactlyInAnyOrderElementsOf(jobIds);
        assertThat(after.queryForList("SELECT DISTINCT attempts FROM ai_jobs", Integer.class))
                .as("the stopped attempt was given back").containsExactly(1);
        assertThat(after.queryForList("SELECT body FROM messages WHERE direction = 'out'", String.class))
                .as("one reply per job, none of the stopped calls").hasSize(JOBS).containsOnly("on time now");
        assertThat(after.queryForObject("SELECT COUNT(*) FROM messages WHERE body = 'too late'", Long.class)).isZero();
    }
}
