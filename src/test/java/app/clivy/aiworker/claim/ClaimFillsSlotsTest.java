package app.clivy.aiworker.claim;

import java.time.Duration;
import java.util.List;

import app.clivy.aiworker.support.WorkerTest;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backlog no notification announces (stored while the node was paused, or before it started)
 * fills every free slot at once: a claim that came back full claims the next batch right away,
 * instead of one batch per sweep or per finished job (with slow models and hundreds of slots, that
 * ramp took minutes).
 */
@TestPropertySource(properties = {"ai-worker.concurrency=64", "ai-worker.claim-batch=8", "ai-worker.sweep-interval-ms=60000"})
class ClaimFillsSlotsTest extends WorkerTest {

    @Autowired
    JobSlots jobSlots;
    @Autowired
    CamelContext camel;

    @Test
    void fortyStoredJobsAreAllInFlightBeforeTheNextSweep() throws Exception {
        when("fill-slots", completion("ok", "openai/gpt-4o", 10, 2, 0).withFixedDelay(3000));
        // each stored job notifies, and each notification claims: without the listener and with
        // the node paused, the backlog waits unannounced, as after a pause or a restart
        camel.getRouteController().stopRoute("job-listener");
        jobSlots.pause();
        try {
            storeForty();
            assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ? AND status = 'pending'", Long.class, instance))
                    .isEqualTo(40);
            jobSlots.resume(); // one claim
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                    db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ? AND status = 'done'", Long.class, instance) == 40);
        } finally {
            jobSlots.resume();
            camel.getRouteController().startRoute("job-listener");
        }

        // batches of 8, no sweep within the test (60 s) and each call takes 3 s: without claiming
        // again after a full claim, the resume's claim starts 8 and the next 8 wait for a call to
        // end, 3 s later; all 40 started well within those 3 s means the claims went on by
        // themselves (the margin is wide, for a loaded machine)
        List<Long> starts = server().findAll(postRequestedFor(urlEqualTo("/api/v1/chat/completions"))
                        .withRequestBody(containing("fill-slots"))).stream()
                .map(LoggedRequest::getLoggedDate).map(d -> d.getTime()).sorted().toList();
        assertThat(starts).hasSize(40);
        assertThat(starts.get(39) - starts.get(0)).as("first to last call start, ms").isLessThan(2500);
        assertThat(db.queryForObject("SELECT MAX(attempts) FROM ai_jobs WHERE instance = ?", Integer.class, instance)).isEqualTo(1);
    }

    private void storeForty() {
        db.update("""
                WITH m AS (
                    INSERT INTO messages (instance, chat, direction, gateway_message_id, sender, push_name, body)
                    SELECT ?, 'chat-' || g, 'in', 'fill-' || g, 'chat-' || g, 'Ana', 'fill-slots ' || g
                      FROM generate_series(1, 40) g
                    RETURNING id, instance, chat, sender, push_name, body)
                INSERT INTO ai_jobs (message_id, instance, chat, input_json)
                SELECT id, instance, chat, jsonb_build_object('instance', instance, 'chat', chat, 'sender', sender,
                                                              'push_name', push_name, 'text', body)
                  FROM m""", instance);
    }
}
