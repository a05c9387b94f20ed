package app.clivy.aiworker.claim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import app.clivy.aiworker.AiWorkerApplication;
import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.WebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes on one PostgreSQL (the first node's embedded server): 600 webhook messages posted
 * round-robin end as 600 done jobs, each claimed once and answered once, with work on every node.
 * PostgreSQL (SKIP LOCKED claims, leases) is the only coordination.
 */
class MultiNodeTest {

    @TempDir
    Path dataDir;
    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    private ConfigurableApplicationContext start(String nodeId, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0", "--ai-worker.node-id=" + nodeId,
                "--ai-worker.openrouter.base-url=" + FakeOpenRouter.baseUrl(),
                "--ai-worker.openrouter.api-key=sk-or-v1-multi-node", "--ai-worker.credits.startup-delay-ms=3600000",
                "--ai-worker.sweep-interval-ms=500", "--spring.jmx.enabled=false"));
        args.addAll(List.of(more));
        ConfigurableApplicationContext node = new SpringApplicationBuilder(AiWorkerApplication.class).run(args.toArray(String[]::new));
        nodes.add(node);
        return node;
    }

    private static String url(ConfigurableApplicationContext first) {
        return "jdbc:postgresql://localhost:" + first.getEnvironment().getProperty("ai-worker.db.port") + "/clivy_support";
    }

    private static int port(ConfigurableApplicationContext node) {
        return ((WebServerApplicationContext) node).getWebServer().getPort();
    }

    @AfterEach
    void stopNodes() {
        // the first node owns the database: it stops last
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    @Test
    void threeNodesShareTheQueueAndEachJobIsDoneExactlyOnce() throws Exception {
        when("multi-node", completion("ok", "openai/gpt-4o", 20, 3, 0.00001).withFixedDelay(20));
        ConfigurableApplicationContext a = start("node-a", "--ai-worker.embedded-db.port=0",
                "--ai-worker.embedded-db.data-dir=" + dataDir);
        String url = url(a);
        ConfigurableApplicationContext b = start("node-b", "--spring.datasource.url=" + url, "--spring.datasource.username=postgres");
        ConfigurableApplicationContext c = start("node-c", "--spring.datasource.url=" + url, "--spring.datasource.username=postgres");
        List<WebhookClient> clients = List.of(new WebhookClient(port(a)), new WebhookClient(port(b)), new WebhookClient(port(c)));

        int jobs = 600;
        ExecutorService posters = Executors.newFixedThreadPool(6);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            int n = i;
            answers.add(posters.submit(() -> clients.get(n % 3).post("/webhook/ai",
                    WebhookClient.textEvent("multi", "mn-" + n, "62811" + (n % 40) + "@s.whatsapp.net", "multi-node question " + n)).statusCode()));
        }
        for (Future<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(202);
        }
        posters.shutdown();

        JdbcTemplate db = a.getBean(JdbcTemplate.class);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'done'", Long.class) == jobs);

        // claimed once each, answered once each
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE attempts <> 1", Long.class)).isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE direction = 'out'", Long.class)).isEqualTo(jobs);
        assertThat(db.queryForObject("SELECT COUNT(DISTINCT job_id) FROM messages WHERE direction = 'out'", Long.class)).isEqualTo(jobs);
        // every node did part of the work, and the parts add up
        double total = 0;
        for (ConfigurableApplicationContext node : List.of(a, b, c)) {
            double done = finished(node, "done");
            assertThat(done).as(node.getEnvironment().getProperty("ai-worker.node-id")).isPositive();
            total += done;
        }
        assertThat(total).isEqualTo(jobs);
    }

    /**
     * Two nodes with a quiet period, 20 chats each getting a burst of three messages posted to
     * alternating nodes: each burst is one call and one reply, whichever node claims it, and every
     * job ends done (two of each burst pointing at the answering job). Each node runs 4 jobs at a time
     * and a call takes 500 ms, so no node can take all 20 bursts that fall due together: both answer
     * some, as each node's own job counters show.
     */
    @Test
    void twoNodesAnswerEachBurstOnce() throws Exception {
        when("burst-node", completion("one answer", "openai/gpt-4o", 20, 3, 0.00001).withFixedDelay(500));
        String[] fourSlots = {"--ai-worker.conversation.quiet-ms=1000", "--ai-worker.concurrency=4", "--ai-worker.claim-batch=4"};
        ConfigurableApplicationContext a = start("node-a", concat(fourSlots, "--ai-worker.embedded-db.port=0",
                "--ai-worker.embedded-db.data-dir=" + dataDir));
        ConfigurableApplicationContext b = start("node-b", concat(fourSlots, "--spring.datasource.url=" + url(a),
                "--spring.datasource.username=postgres"));
        List<WebhookClient> clients = List.of(new WebhookClient(port(a)), new WebhookClient(port(b)));
        int chats = 20;
        ExecutorService posters = Executors.newFixedThreadPool(chats);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int chat = 0; chat < chats; chat++) {
            int c = chat;
            for (int n = 0; n < 3; n++) {
                int m = n;
                answers.add(posters.submit(() -> clients.get((c + m) % 2).post("/webhook/ai", WebhookClient.textEvent("bursts",
                        "b-" + c + "-" + m, "62812" + c + "@s.whatsapp.net", "burst-node " + c + " part " + m)).statusCode()));
            }
        }
        for (Future<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(202);
        }
        posters.shutdown();

        JdbcTemplate db = a.getBean(JdbcTemplate.class);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'done'", Long.class) == chats * 3);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE direction = 'out'", Long.class)).isEqualTo(chats);
        assertThat(db.queryForObject("SELECT COUNT(DISTINCT chat) FROM messages WHERE direction = 'out'", Long.class)).isEqualTo(chats);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE output_json ? 'answered_by_job'", Long.class))
                .isEqualTo(chats * 2);
        assertThat(FakeOpenRouter.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("burst-node")))).hasSize(chats);
        // both nodes answered bursts (each node's own counters), and the parts add up: 20 answers, 40 absorbed
        double answered = 0;
        double absorbed = 0;
        for (ConfigurableApplicationContext node : List.of(a, b)) {
            double done = finished(node, "done");
            System.out.printf("%s answered %.0f bursts%n", node.getEnvironment().getProperty("ai-worker.node-id"), done);
            assertThat(done).as(node.getEnvironment().getProperty("ai-worker.node-id")).isPositive();
            answered += done;
            absorbed += finished(node, "absorbed");
        }
        assertThat(answered).isEqualTo(chats);
        assertThat(absorbed).isEqualTo(chats * 2);
    }

    private static double finished(ConfigurableApplicationContext node, String outcome) {
        return node.getBean(MeterRegistry.class).find("ai_worker_jobs_finished").tag("outcome", outcome)
                .counters().stream().mapToDouble(co -> co.count()).sum();
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
