package app.clivy.aiworker.worker;

import java.util.ArrayList;
import java.util.List;

import app.clivy.aiworker.support.WorkerTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
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
    JobSlots jobSlots;

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

    @Test
    void noJobIsClaimedWhileOpenAndOnlyTheProbeWhileHalfOpen() {
        openRouterCircuitBreaker.transitionToOpenState();
        assertThat(jobSlots.reserve(8)).isZero();
        openRouterCircuitBreaker.transitionToHalfOpenState();
        int probe = jobSlots.reserve(8);
        jobSlots.releaseUnused(probe, java.util.List.of());
        assertThat(probe).isEqualTo(1);
        openRouterCircuitBreaker.reset();
        int normal = jobSlots.reserve(8);
        jobSlots.releaseUnused(normal, java.util.List.of());
        assertThat(normal).isEqualTo(8);
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
