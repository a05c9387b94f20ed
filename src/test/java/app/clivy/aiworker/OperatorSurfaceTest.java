package app.clivy.aiworker;

import java.lang.management.ManagementFactory;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import app.clivy.aiworker.support.WorkerTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.error;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What an operator sees and does: JMX operations, health states, Prometheus job metrics. */
@AutoConfigureObservability
@TestPropertySource(properties = "spring.jmx.enabled=true") // Boot's tests switch JMX off by default
class OperatorSurfaceTest extends WorkerTest {

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
}
