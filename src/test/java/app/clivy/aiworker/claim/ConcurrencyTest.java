package app.clivy.aiworker.claim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import app.clivy.aiworker.support.WorkerTest;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Claimed jobs run side by side on the job pool (ai-worker.concurrency = 8), not one after another. */
class ConcurrencyTest extends WorkerTest {

    @Test
    void twentyJobsWithHalfSecondLatencyRunInParallel() {
        when("conc-job", completion("ok", "openai/gpt-4o", 10, 2, 0).withFixedDelay(500));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(postMessage("conc-job " + i));
        }
        // one after another they would need 20 x 500 ms = 10 s
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ? AND status = 'done'", Long.class, instance) == 20);

        // proof of overlap, independent of the machine's speed: how many calls were in flight at once
        List<Long> starts = server().findAll(postRequestedFor(urlEqualTo("/api/v1/chat/completions"))
                        .withRequestBody(containing("conc-job"))).stream()
                .map(LoggedRequest::getLoggedDate).map(d -> d.getTime()).sorted().toList();
        assertThat(starts).hasSize(20);
        int maxInFlight = 0;
        for (long start : starts) {
            int overlapping = (int) starts.stream().filter(s -> s >= start && s < start + 500).count();
            maxInFlight = Math.max(maxInFlight, overlapping);
        }
        assertThat(maxInFlight).isGreaterThanOrEqualTo(5).isLessThanOrEqualTo(8);
        assertThat(db.queryForObject("SELECT MAX(attempts) FROM ai_jobs WHERE instance = ?", Integer.class, instance)).isEqualTo(1);
    }
}
