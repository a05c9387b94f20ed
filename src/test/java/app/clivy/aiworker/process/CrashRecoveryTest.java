package app.clivy.aiworker.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.support.FakeOpenRouter;
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
 * kill -9 of a worker process with jobs in flight, then a restart on the same data folder: the
 * new start stops the orphaned embedded postmaster, the sweep rescues the expired leases, and every
 * job the webhook accepted ends done or failed, none lost, none answered twice.
 * <p>
 * Two worker start-ups take 50-90 s here, too long for the normal suite: it runs with
 * the integration-test phase of {@code ./mvnw verify}, which sets {@code -Dai-worker.process-tests=true} (see docs/reliability.md).
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class CrashRecoveryTest {

    private static final String MARKER = "crash-recovery-marker";
    private static final int JOBS = 20;

    @RegisterExtension
    final WorkerProcesses node = new WorkerProcesses(Map.of(
            "ai-worker.node-id", "crash-test-node",
            "ai-worker.openrouter.timeout-ms", "4000",
            "ai-worker.lease-margin-seconds", "1",
            "ai-worker.sweep-interval-ms", "500"));

    @Test
    void aKilledNodeLosesNoJobAndAnswersNoneTwice() {
        when(MARKER, completion("slow reply", "openai/gpt-4o", 10, 2, 0).withFixedDelay(3000));

        WorkerProcess first = node.start("first", Map.of());
        WebhookClient client = first.client();
        List<Long> jobIds = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            var res = client.post("/webhook/ai", WebhookClient.textEvent("crash", "crash-" + i,
                    "62811" + i + "@s.whatsapp.net", MARKER + " question " + i));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
            jobIds.add(Long.parseLong(res.body().replaceAll("\\D", "")));
        }
        JdbcTemplate db = first.db();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'processing'", Long.class) > 0);

        first.kill();
        long inFlightAtKill = db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'processing'", Long.class);
        assertThat(inFlightAtKill).as("jobs in flight when killed").isPositive();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs", Long.class)).isEqualTo(JOBS);

        // the provider is quick again: the restart finishes the queue in a few seconds
        when(MARKER, completion("quick reply", "openai/gpt-4o", 10, 2, 0));
        WorkerProcess second = node.start("second", Map.of());
        assertThat(second.output()).contains("Stopping an orphaned embedded PostgreSQL");

        JdbcTemplate after = second.db();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                after.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status NOT IN ('done', 'failed')", Long.class) == 0);

        assertThat(after.queryForList("SELECT id FROM ai_jobs ORDER BY id", Long.class))
                .as("no job lost").containsExactlyInAnyOrderElementsOf(jobIds);
        assertThat(after.queryForList("""
                SELECT job_id FROM messages WHERE direction = 'out' GROUP BY job_id HAVING COUNT(*) > 1""", Long.class))
                .as("no job answered twice").isEmpty();
        assertThat(after.queryForObject("""
                SELECT COUNT(*) FROM ai_jobs j
                 WHERE status = 'done' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.job_id = j.id AND m.direction = 'out')""",
                Long.class)).as("every done job has its reply").isZero();
        assertThat(second.output()).contains("lease expired on node crash-test-node");
    }
}
