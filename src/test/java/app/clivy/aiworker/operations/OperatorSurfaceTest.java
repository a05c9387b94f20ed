package app.clivy.aiworker.operations;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import app.clivy.aiworker.support.WorkerTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.error;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What an operator sees and does: JMX operations, health states, Prometheus job metrics. */
@AutoConfigureObservability
@DisableJmx(false)
@org.springframework.test.annotation.DirtiesContext // its MBean name is JVM-wide: OperatorConsoleSecurityTest registers it too
@TestPropertySource(properties = {"spring.jmx.enabled=true", // Boot's tests switch JMX off by default
        "ai-worker.admin.user=operator", "ai-worker.admin.password=" + OperatorSurfaceTest.PASSWORD})
class OperatorSurfaceTest extends WorkerTest {

    static final String PASSWORD = "op-Secret-42";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes());

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    private ObjectName worker() throws Exception {
        return new ObjectName("app.clivy.aiworker:type=Worker,name=worker");
    }

    @Test
    void pauseHoldsNewJobsAndResumeRunsThem() throws Exception {
        when("ops-pause", completion("ok", "openai/gpt-4o", 5, 1, 0));
        jmx.invoke(worker(), "pause", null, null);
        try {
            assertThat(jmx.getAttribute(worker(), "Paused")).isEqualTo(true);
            long id = postMessage("ops-pause while paused");
            // the notification and sweeps come and go; the job stays queued
            await().during(java.time.Duration.ofSeconds(2)).atMost(java.time.Duration.ofSeconds(3))
                    .until(() -> "pending".equals(job(id).get("status")));
            assertThat(client().get("/actuator/health").body()).contains("\"status\":\"DEGRADED\"");
            jmx.invoke(worker(), "resume", null, null);
            awaitJob(id, "done", 1);
        } finally {
            jmx.invoke(worker(), "resume", null, null);
        }
    }

    @Test
    void aFailedJobCanBeRequeuedAndQueueDepthIsShown() throws Exception {
        when("ops-requeue", error(402, "Insufficient credits", null));
        long id = postMessage("ops-requeue please");
        awaitJob(id, "failed", 1);

        when("ops-requeue", completion("after top-up", "openai/gpt-4o", 5, 1, 0));
        Object answer = jmx.invoke(worker(), "requeueFailedJob", new Object[] {id}, new String[] {"long"});
        assertThat(answer).isEqualTo("Job #" + id + " requeued");
        awaitJob(id, "done", 1);
        Object again = jmx.invoke(worker(), "requeueFailedJob", new Object[] {id}, new String[] {"long"});
        assertThat(again).isEqualTo("Job #" + id + " is not a failed job; nothing changed");

        @SuppressWarnings("unchecked")
        Map<String, Long> depth = (Map<String, Long>) jmx.getAttribute(worker(), "QueueDepth");
        assertThat(depth).containsKeys("pending", "processing", "done", "failed");
        assertThat(depth.get("done")).isPositive();
    }

    @Test
    void breakerStateIsVisibleDegradesHealthAndCanBeReset() throws Exception {
        assertThat(jmx.getAttribute(worker(), "BreakerState")).isEqualTo("CLOSED");
        openRouterCircuitBreaker.transitionToOpenState();
        assertThat(jmx.getAttribute(worker(), "BreakerState")).isEqualTo("OPEN");
        var health = client().get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"DEGRADED\"").contains("\"breaker\":\"OPEN\"");

        jmx.invoke(worker(), "resetBreaker", null, null);
        assertThat(openRouterCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(client().get("/actuator/health").body()).startsWith("{\"status\":\"UP\"");
    }

    @Test
    void prometheusShowsTheJobMetricsAfterAJob() {
        when("ops-metrics", completion("ok", "openai/gpt-4o", 321, 12, 0.002));
        awaitJob(postMessage("ops-metrics question"), "done", 1);

        String prometheus = client().get("/actuator/prometheus").body();
        assertThat(prometheus).contains("ai_worker_jobs_finished_total{error_class=\"\",outcome=\"done\"")
                .contains("ai_worker_llm_latency_seconds_bucket")
                .contains("ai_worker_tokens_in_sum")
                .contains("ai_worker_cost_usd_total")
                .contains("ai_worker_jobs_queued{status=\"pending\"}")
                .contains("ai_worker_oldest_due_job_age_seconds")
                .contains("ai_worker_breaker_open{name=\"openrouter\"}")
                .contains("ai_worker_webhook_requests_total{status=\"202\"}");
    }

    private HttpResponse<String> call(String method, String path, String body, boolean login) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (login) {
            request.header("Authorization", BASIC);
        }
        return client().send(request.build());
    }

    @Test
    void hawtioAndJolokiaNeedTheOperatorLogin() {
        assertThat(call("GET", "/actuator/hawtio/", null, false).statusCode()).isIn(401, 403);
        assertThat(call("GET", "/actuator/jolokia/version", null, false).statusCode()).isIn(401, 403);
        assertThat(call("GET", "/api/jobs", null, false).statusCode()).isIn(401, 403);
        var wrong = HttpRequest.newBuilder(url("/actuator/hawtio/"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("operator:nope".getBytes())).build();
        assertThat(client().send(wrong).statusCode()).isEqualTo(401);

        var console = call("GET", "/actuator/hawtio/", null, true);
        assertThat(console.statusCode()).as(console.headers().map().toString()).isEqualTo(200);
        assertThat(console.body()).contains("<title>Hawtio</title>");
        // a route's live statistics, read through Jolokia as Hawtio does
        var stats = call("GET", "/actuator/hawtio/jolokia/read/org.apache.camel:context=*,type=routes,name=%22intake%22/ExchangesTotal", null, true);
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).contains("\"status\":200").contains("ExchangesTotal");
        // the webhook, health and Prometheus stay open
        assertThat(call("GET", "/actuator/health", null, false).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/actuator/prometheus", null, false).statusCode()).isEqualTo(200);
        // ... on the management port only: the port the gateways reach serves no actuator path
        assertThat(managementPort).isNotEqualTo(port);
        for (String path : new String[] {"/actuator/prometheus", "/actuator/health/liveness", "/actuator/hawtio/"}) {
            var onMainPort = client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build());
            assertThat(onMainPort.statusCode()).as(path + " on the main port").isIn(401, 404);
            assertThat(onMainPort.body()).doesNotContain("ai_worker_").doesNotContain("\"status\":\"UP\"");
        }
    }

    @Test
    void adminApiShowsAndRetriesJobs() {
        when("api-job", error(402, "Insufficient credits", null));
        long id = postMessage("api-job question");
        awaitJob(id, "failed", 1);

        var one = call("GET", "/api/jobs/" + id, null, true);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("\"status\": \"failed\"").contains("\"error_class\": \"payment\"")
                .contains("\"message\": \"api-job question\"");
        assertThat(call("GET", "/api/jobs?status=failed&limit=5", null, true).body()).contains("\"id\": " + id);
        assertThat(call("GET", "/api/jobs?status=nonsense", null, true).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/jobs?limit=0", null, true).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/jobs/abc", null, true).body()).contains("\"error\":\"invalid_request\"");
        assertThat(call("GET", "/api/jobs/999999999", null, true).statusCode()).isEqualTo(404);

        when("api-job", completion("topped up", "openai/gpt-4o", 5, 1, 0));
        var retry = call("POST", "/api/jobs/" + id + "/retry", null, true);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo("{\"status\":\"queued\",\"job_id\":" + id + "}");
        awaitJob(id, "done", 1);
        assertThat(call("GET", "/api/jobs/" + id, null, true).body()).contains("\"reply\": \"topped up\"")
                // no gateway configured in this test: the reply is stored only
                .contains("\"delivery\": {").contains("\"status\": \"off\"");
        assertThat(call("POST", "/api/jobs/" + id + "/retry", null, true).statusCode()).isEqualTo(409);
        assertThat(call("POST", "/api/jobs/999999999/retry", null, true).statusCode()).isEqualTo(404);
    }

    @Test
    void adminApiKeepsKnowledgeDocumentsThatTheContextRanks() {
        var created = call("POST", "/api/documents",
                "{\"instance\":\"" + instance + "\",\"title\":\"Jam buka\",\"content\":\"Toko buka setiap hari jam 09.00 sampai 21.00.\"}", true);
        assertThat(created.statusCode()).isEqualTo(201);
        String docId = created.body().replaceAll(".*\"id\": (\\d+).*", "$1");
        assertThat(call("GET", "/api/documents/" + docId, null, true).body()).contains("Jam buka");
        assertThat(call("GET", "/api/documents?instance=" + instance, null, true).body()).contains("\"id\": " + docId);
        assertThat(call("PUT", "/api/documents/" + docId,
                "{\"instance\":\"" + instance + "\",\"title\":\"Jam buka toko\",\"content\":\"Buka jam 08.00 sampai 22.00.\"}", true)
                .body()).contains("Jam buka toko");
        assertThat(call("POST", "/api/documents", "{\"instance\":\"x\",\"title\":7}", true).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/documents", "{broken", true).statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/api/documents/999999999",
                "{\"instance\":\"x\",\"title\":\"t\",\"content\":\"c\"}", true).statusCode()).isEqualTo(404);

        // the context stage ranks its passage into the prompt
        awaitKnowledgeIndexed();
        when("kapan buka", completion("Buka jam 08.00.", "openai/gpt-4o", 50, 5, 0));
        awaitJob(postMessage("kapan buka tokonya?"), "done", 1);
        assertThat(server().findAll(postRequestedFor(urlEqualTo("/api/v1/chat/completions"))
                        .withRequestBody(containing("kapan buka"))))
                .anySatisfy(r -> assertThat(r.getBodyAsString()).contains("passage 1: Jam buka toko").contains("Buka jam 08.00 sampai 22.00."));

        assertThat(call("DELETE", "/api/documents/" + docId, null, true).statusCode()).isEqualTo(204);
        assertThat(call("DELETE", "/api/documents/" + docId, null, true).statusCode()).isEqualTo(404);
    }
}
