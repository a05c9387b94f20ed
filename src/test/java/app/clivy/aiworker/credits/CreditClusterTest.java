package app.clivy.aiworker.credits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.AiWorkerApplication;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes on one PostgreSQL with a 2-second credit cron: quartz, clustered on the database,
 * runs the check once per period in total, not once per node; when the node that ran the last
 * check stops, the next periods still run once each, on the nodes left. The database is a server
 * of its own, so any node may be the one stopped.
 */
class CreditClusterTest {

    static final WireMockServer OPENROUTER = new WireMockServer(options().dynamicPort());
    static final String CREDITS = "/api/v1/credits";
    static final Duration WINDOW = Duration.ofSeconds(10);   // five periods of 2 s
    static EmbeddedPostgres database;

    private final Map<String, ConfigurableApplicationContext> nodes = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        OPENROUTER.start();
        OPENROUTER.stubFor(get(urlEqualTo(CREDITS)).willReturn(okJson("{\"data\":{\"total_credits\":100.5,\"total_usage\":25.75}}")));
        database = EmbeddedPostgres.builder()
                .setRegisterShutdownHook(false).setPGStartupWait(Duration.ofSeconds(30)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        OPENROUTER.stop();
        database.close();
    }

    @AfterEach
    void stopNodes() {
        nodes.values().forEach(ConfigurableApplicationContext::close);
    }

    private void startNode(String nodeId) {
        nodes.put(nodeId, new SpringApplicationBuilder(AiWorkerApplication.class).run(
                "--server.port=0", "--management.server.port=0", "--ai-worker.node-id=" + nodeId,
                "--spring.datasource.url=jdbc:postgresql://localhost:" + database.getPort() + "/postgres",
                "--spring.datasource.username=postgres", "--spring.datasource.password=",
                "--ai-worker.worker.enabled=false", "--spring.jmx.enabled=false",
                "--ai-worker.openrouter.base-url=" + OPENROUTER.baseUrl(),
                "--ai-worker.openrouter.api-key=sk-or-v1-cluster-test",
                "--ai-worker.credits.startup-delay-ms=3600000",
                "--ai-worker.credits.cron=0/2 * * * * ?",
                "--ai-worker.credits.cluster-checkin-ms=1000"));
    }

    /** Checks the cron ran on this node: its own scheduler's count of executed jobs. */
    private static long checksRun(ConfigurableApplicationContext node) throws Exception {
        return node.getBean(CamelContext.class).getComponent("quartz", QuartzComponent.class)
                .getScheduler().getMetaData().getNumberOfJobsExecuted();
    }

    private long checksRunInTotal() throws Exception {
        long total = 0;
        for (ConfigurableApplicationContext node : nodes.values()) {
            total += checksRun(node);
        }
        return total;
    }

    /** When the calls to /api/v1/credits arrived, oldest first. */
    private static List<Long> creditCallTimes() {
        return OPENROUTER.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals(CREDITS))
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    }

    private static int creditCalls() {
        return OPENROUTER.countRequestsMatching(getRequestedFor(urlEqualTo(CREDITS)).build()).getCount();
    }

    /** Watches WINDOW: the checks are about one per 2-second period, whatever the number of nodes. */
    private void assertOneCheckPerPeriod() throws Exception {
        int before = creditCalls();
        long beforeRun = checksRunInTotal();
        // never more than one call per period so far (+1: the window may open at a period's edge)
        long started = System.nanoTime();
        await().during(WINDOW).atMost(WINDOW.plusSeconds(5)).until(() ->
                creditCalls() - before <= Duration.ofNanos(System.nanoTime() - started).toSeconds() / 2 + 1);
        int calls = creditCalls() - before;
        List<Long> times = creditCallTimes();
        List<Long> window = times.subList(times.size() - calls, times.size());
        for (int i = 1; i < window.size(); i++) {
            assertThat(window.get(i) - window.get(i - 1)).as("ms between two checks").isGreaterThan(1000);
        }
        assertThat(calls).as("checks in %s of 2-second periods on %d nodes", WINDOW, nodes.size()).isBetween(4, 6);
        // every call came from a check of one node's scheduler, and the calls add up
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(checksRunInTotal() - beforeRun).isEqualTo(creditCalls() - before));
    }

    @Test
    void theCronRunsOncePerPeriodAcrossNodesAndMovesOnWhenTheNodeThatRanItStops() throws Exception {
        for (String id : List.of("node-a", "node-b", "node-c")) {
            startNode(id);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> creditCalls() >= 1);
        assertOneCheckPerPeriod();

        // the node that runs the next check is stopped right after it
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigurableApplicationContext> node : nodes.entrySet()) {
            counts.put(node.getKey(), checksRun(node.getValue()));
        }
        List<String> ran = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ran.clear();
            for (Map.Entry<String, ConfigurableApplicationContext> node : nodes.entrySet()) {
                if (checksRun(node.getValue()) > counts.get(node.getKey())) {
                    ran.add(node.getKey());
                }
            }
            return !ran.isEmpty();
        });
        assertThat(ran).hasSize(1);
        nodes.remove(ran.get(0)).close();

        // the trigger it held comes free when the others take it for dead (check-in interval +
        // Quartz's 7.5 s grace); the missed periods run once, then the schedule goes on
        int atStop = creditCalls();
        await().atMost(Duration.ofSeconds(30)).until(() -> creditCalls() >= atStop + 2);
        assertOneCheckPerPeriod();
        assertThat(nodes).hasSize(2);
    }
}
