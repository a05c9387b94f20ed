package app.clivy.aiworker.job;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.claim.ClaimSlots;
import app.clivy.aiworker.support.DeliveryTest;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fencing token: a claim whose job or reply was taken over by a newer claim (here on the same
 * node, so the node id and even the attempt counter cannot tell them apart) can write nothing: no
 * outcome, no hand-back, no reply, no POST.
 */
class LeaseTokenFenceTest extends DeliveryTest {

    @Autowired
    ProducerTemplate template;
    @Autowired
    NamedParameterJdbcTemplate named;
    @Autowired
    ClaimSlots deliverySlots;

    @Test
    void aJobTakenOverByANewClaimCannotBeCompletedRetriedFailedOrHandedBackByTheOldOne() throws Exception {
        when("fence-job", completion("stale reply (fence-job)", "openai/gpt-4o", 10, 2, 0).withFixedDelay(2500));
        long id = postMessage("fence-job question");
        await().atMost(Duration.ofSeconds(10)).until(() -> "processing".equals(job(id).get("status")));
        Map<String, Object> oldClaim = db.queryForMap(
                "SELECT id, lease_token, attempts, max_attempts, context_messages, locked_by FROM ai_jobs WHERE id = ?", id);
        long oldToken = ((Number) oldClaim.get("lease_token")).longValue();

        // the lease is rescued and the job claimed again, by this same node, while the first call still runs
        long newToken = db.queryForObject("""
                UPDATE ai_jobs SET lease_token = nextval('lease_tokens'), locked_until = now() + interval '60 seconds'
                 WHERE id = ? RETURNING lease_token""", Long.class, id);
        assertThat(newToken).isNotEqualTo(oldToken);

        // the old claim's call comes back: its reply is not written
        await().atMost(Duration.ofSeconds(15)).until(() ->
                logs.contains("⚠  Job #" + id + " finished after its lease was taken over; result not written"));
        assertThat(replies(id)).isZero();

        // every other outcome of the old claim writes nothing either
        for (String outcome : List.of("direct:job-retry", "direct:job-permanent-failure", "direct:job-shrink", "direct:job-postpone")) {
            Exchange sent = template.send(outcome, exchange -> exchange.setVariable("job", new HashMap<>(oldClaim)));
            assertThat(sent.getException()).as(outcome + " ran to its statement").isNull();
        }
        String handBack = new ClassPathResource("sql/hand-back-jobs.sql").getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(named.queryForList(handBack, Map.of("node", oldClaim.get("locked_by"), "tokens", List.of(oldToken)), Long.class))
                .isEmpty();

        Map<String, Object> row = job(id);
        assertThat(row).containsEntry("status", "processing").containsEntry("lease_token", newToken)
                .containsEntry("attempts", oldClaim.get("attempts")).containsEntry("error_class", null);
        assertThat(replies(id)).isZero();

        // the new claim ends the job, once, with one reply (here: its lease runs out, the rescue and a claim follow)
        when("fence-job", completion("the reply (fence-job)", "openai/gpt-4o", 10, 2, 0));
        db.update("UPDATE ai_jobs SET locked_until = now() - interval '1 second' WHERE id = ?", id);
        await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(job(id).get("status")));
        assertThat(db.queryForList("SELECT body FROM messages WHERE job_id = ? AND direction = 'out'", String.class, id))
                .containsExactly("the reply (fence-job)");
    }

    @Test
    void aReplyTakenOverByANewClaimIsNeitherPostedNorRecordedByTheOldOne() {
        server().stubFor(send("fence-reply").willReturn(sent("gw-fence-reply")));
        // a reply the old claim holds (not due again for a minute, so only the test drives it) ...
        Map<String, Object> oldClaim = db.queryForMap("""
                INSERT INTO messages (instance, chat, direction, body, delivery_status, delivery_run_at,
                                      delivery_attempts, delivery_lease_token, delivery_locked_until)
                VALUES (?, '62877@s.whatsapp.net', 'out', 'fence-reply text', 'pending', now() + interval '60 seconds',
                        1, nextval('lease_tokens'), now() + interval '60 seconds')
                RETURNING id, instance, chat, body, delivery_attempts, delivery_lease_token""", instance);
        long id = ((Number) oldClaim.get("id")).longValue();
        // ... taken over by a new claim
        long newToken = db.queryForObject("""
                UPDATE messages SET delivery_lease_token = nextval('lease_tokens'), delivery_attempts = 2
                 WHERE id = ? RETURNING delivery_lease_token""", Long.class, id);

        // the old claim goes on with its delivery: the lease check before the POST stops it
        // the slot its claim would have taken (a claim woken by the insert may hold all of them for a moment)
        await().atMost(Duration.ofSeconds(20)).until(() -> deliverySlots.reserve(1) == 1);
        template.sendBody("direct:deliver-reply", new HashMap<>(oldClaim));
        assertThat(logs.lines()).contains("⚠  Reply #" + id + " not sent: its lease was taken over before the POST");
        assertThat(server().findAll(postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("fence-reply")))).isEmpty();

        // nor can it record an outcome
        for (String outcome : List.of("direct:delivery-retry", "direct:delivery-failed")) {
            template.send(outcome, exchange -> exchange.setVariable("reply", new HashMap<>(oldClaim)));
        }
        Map<String, Object> row = reply(id);
        assertThat(row).containsEntry("delivery_status", "pending").containsEntry("delivery_lease_token", newToken)
                .containsEntry("delivery_error", null).containsEntry("gateway_reply_id", null);
    }

    private long replies(long jobId) {
        return db.queryForObject("SELECT COUNT(*) FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, jobId);
    }
}
