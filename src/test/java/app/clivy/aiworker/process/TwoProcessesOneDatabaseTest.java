package app.clivy.aiworker.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two worker processes on one host and one PostgreSQL, started as from a plain shell or systemd:
 * no {@code AI_WORKER_NODE_ID}, no {@code HOSTNAME}. Each names itself (host name and process id),
 * and SIGTERM to one of them mid-flight hands back only its own claims: every job reaches
 * OpenRouter exactly once and is done once with one reply. (With both named {@code local}, the
 * stopping one handed back the other's jobs in flight, which were then called a second time.)
 * <p>
 * Two worker start-ups: it runs with the integration-test phase of {@code ./mvnw verify}.
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class TwoProcessesOneDatabaseTest {

    private static final String MARKER = "two-processes";
    private static final int JOBS = 24;
    private static final Pattern STARTED = Pattern.compile("🤖 AI Worker started \\(node (\\S+), ");

    @RegisterExtension
    final WorkerProcesses processes = new WorkerProcesses(Map.of(
            "ai-worker.openrouter.timeout-ms", "20000",
            "ai-worker.sweep-interval-ms", "500"));

    @Test
    void twoUnnamedProcessesGetTheirOwnNodeIdsAndSigtermToOneCallsEachJobOnce() {
        FakeOpenRouter.server().stubFor(post(urlEqualTo(FakeOpenRouter.CHAT)).withRequestBody(containing(MARKER))
                .willReturn(completion("reply (" + MARKER + ")", "openai/gpt-4o", 10, 2, 0).withUniformRandomDelay(3000, 5000)));

        WorkerProcess a = processes.start("a", Map.of());
        String url = "jdbc:postgresql://localhost:" + a.db().queryForObject("SELECT current_setting('port')", String.class)
                + "/clivy_support";
        WorkerProcess b = processes.start("b", Map.of("spring.datasource.url", url, "spring.datasource.username", "postgres"));
        String nodeA = nodeId(a);
        String nodeB = nodeId(b);
        System.out.println("node ids: " + nodeA + ", " + nodeB);
        assertThat(nodeA).isNotEqualTo(nodeB).isNotEqualTo("local");
        assertThat(nodeB).isNotEqualTo("local");

        List<WebhookClient> clients = List.of(a.client(), b.client());
        for (int i = 0; i < JOBS; i++) {
            var res = clients.get(i % 2).post("/webhook/ai", WebhookClient.textEvent("two-proc", "tp-" + i,
                    "62833" + i + "@s.whatsapp.net", MARKER + " job-" + i + "-end"));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        }
        JdbcTemplate db = a.db();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> db.queryForObject(
                "SELECT COUNT(*) FROM ai_jobs WHERE status = 'processing' AND locked_by = ?", Long.class, nodeB) > 0
                && db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'processing' AND locked_by = ?", Long.class, nodeA) > 0);

        b.process().destroy(); // SIGTERM, mid-flight: b drains its own jobs and hands back only its own claims
        assertThat(b.waitFor(Duration.ofSeconds(40))).as("b exits").isTrue();
        assertThat(b.output()).contains("✅ AI Worker stopped");

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'done'", Long.class) == JOBS);
        for (int i = 0; i < JOBS; i++) {
            assertThat(FakeOpenRouter.server().findAll(postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                    .withRequestBody(containing(MARKER + " job-" + i + "-end")))).as("calls of job " + i).hasSize(1);
        }
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE attempts <> 1", Long.class)).isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE direction = 'out'", Long.class)).isEqualTo(JOBS);
        assertThat(db.queryForObject("SELECT COUNT(DISTINCT job_id) FROM messages WHERE direction = 'out'", Long.class)).isEqualTo(JOBS);
    }

    private static String nodeId(WorkerProcess worker) {
        Matcher m = STARTED.matcher(worker.output());
        assertThat(m.find()).as("the start-up log names the node").isTrue();
        return m.group(1);
    }
}
