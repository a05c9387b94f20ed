package app.clivy.aiworker.openrouter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import app.clivy.aiworker.claim.JobSlots;
import app.clivy.aiworker.support.WorkerTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.error;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The breaker named openrouter, as the reference card tests it: five failed calls open it, calls
 * are refused while open (jobs wait, attempts kept), half-open after the wait (2 s here), and a
 * success closes it.
 */
class CircuitBreakerTest extends WorkerTest {

    @org.springframework.beans.factory.annotation.Autowired
    CamelContext camel;
    @org.springframework.beans.factory.annotation.Autowired
    ProducerTemplate template;

    @Test
    void opensAfterFiveFailuresHoldsJobsWithoutSpendingAttemptsAndRecovers() {
        when("cb-auth", error(401, "User not found.", null));
        when("cb-later", completion("Kami buka jam 9.", "openai/gpt-4o", 100, 10, 0.0001));

        for (int i = 0; i < 5; i++) {
            awaitJob(postMessage("cb-auth failure " + i), "failed", 1);
        }
        await().until(() -> openRouterCircuitBreaker.getState() == CircuitBreaker.State.OPEN);
        assertThat(logs.lines()).contains("⚠  Circuit breaker [openrouter] is OPEN (5 consecutive failures)");

        // while open: jobs stay queued, untouched (no claim, no call, no attempt spent)
        List<Long> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(postMessage("cb-later question " + i));
        }
        for (long id : held) {
            var row = job(id);
            if (openRouterCircuitBreaker.getState() == CircuitBreaker.State.OPEN) {
                assertThat(row).containsEntry("status", "pending").containsEntry("attempts", 0);
            }
        }
        // after the wait the probe goes through, the breaker closes, every held job completes
        for (long id : held) {
            assertThat(awaitJob(id, "done", 1)).containsEntry("error_class", null);
        }
        assertThat(openRouterCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(logs.lines()).contains("ℹ  Circuit breaker [openrouter] entering Half-Open state (testing recovery)",
                "✅ Circuit breaker [openrouter] is now Closed (recovered)");
        // the held jobs reached OpenRouter once each, all after the breaker let them through
        server().verify(exactly(3), postRequestedFor(urlEqualTo("/api/v1/chat/completions")).withRequestBody(containing("cb-later")));
    }

    /**
     * Slots of their own on a breaker of their own with the openrouter settings: the shared breaker's
     * transitions start claims that take the shared slots meanwhile.
     */
    @Test
    void noJobIsClaimedWhileOpenAndOnlyTheProbeWhileHalfOpen() {
        CircuitBreaker breaker = CircuitBreaker.of("slots-test", openRouterCircuitBreaker.getCircuitBreakerConfig());
        JobSlots slots = new JobSlots(8, template, breaker);
        breaker.transitionToOpenState();
        assertThat(slots.reserve(8)).isZero();
        breaker.transitionToHalfOpenState();
        int probe = slots.reserve(8);
        slots.releaseUnused(probe, java.util.List.of());
        assertThat(probe).isEqualTo(1);
        breaker.reset();
        int normal = slots.reserve(8);
        slots.releaseUnused(normal, java.util.List.of());
        assertThat(normal).isEqualTo(8);
    }

    /**
     * Jobs held while the breaker is open are claimed the moment it lets calls through again, by
     * its timer (half-open) or by an operator's reset (closed), not at the next sweep: the sweep is
     * stopped here, so only the transition can claim them.
     */
    @Test
    void heldJobsAreClaimedAtOnceWhenTheBreakerTurnsHalfOpenOrClosed() throws Exception {
        when("cb-prompt", completion("Kami buka jam 9.", "openai/gpt-4o", 100, 10, 0.0001));
        camel.getRouteController().stopRoute("job-sweep");
        try {
            openRouterCircuitBreaker.transitionToOpenState();
            long probe = postMessage("cb-prompt after half-open");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> openRouterCircuitBreaker.getState() != CircuitBreaker.State.OPEN);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !"pending".equals(job(probe).get("status")));
            assertThat(awaitJob(probe, "done", 1)).containsEntry("error_class", null);

            openRouterCircuitBreaker.transitionToOpenState();
            long held = postMessage("cb-prompt after reset");
            Thread.sleep(300); // its NOTIFY came and found no slot while open
            assertThat(job(held)).containsEntry("status", "pending").containsEntry("attempts", 0);
            openRouterCircuitBreaker.reset(); // what the operator's resetBreaker does
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !"pending".equals(job(held).get("status")));
            assertThat(awaitJob(held, "done", 1)).containsEntry("error_class", null);
        } finally {
            camel.getRouteController().startRoute("job-sweep");
        }
    }

    /**
     * resilience4j can lose the timer that turns an open breaker half-open (then only a call moves
     * it); once the wait is over the slots let the probe be claimed anyway, so the worker never
     * stays stuck behind an open breaker. A breaker without that timer stands in for a lost one.
     */
    @Test
    void theProbeIsClaimedOnceTheWaitIsOverEvenWithoutTheHalfOpenTimer() {
        CircuitBreaker noTimer = CircuitBreaker.of("no-timer", CircuitBreakerConfig.custom()
                .waitDurationInOpenState(Duration.ofMillis(300)).permittedNumberOfCallsInHalfOpenState(1).build());
        JobSlots slots = new JobSlots(8, template, noTimer);
        noTimer.transitionToOpenState();
        assertThat(slots.reserve(8)).isZero();

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> {
            int probe = slots.reserve(8);
            slots.releaseUnused(probe, List.of());
            return probe == 1;
        });
        assertThat(noTimer.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        // the probe's call moves it, as resilience4j does when no timer did
        assertThat(noTimer.tryAcquirePermission()).isTrue();
        assertThat(noTimer.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void clientErrorsDoNotOpenTheBreaker() {
        when("cb-moderation", error(403, "Input was flagged", "{\"reasons\":[\"violence\"]}"));
        for (int i = 0; i < 6; i++) {
            awaitJob(postMessage("cb-moderation " + i), "failed", 1);
        }
        assertThat(openRouterCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
