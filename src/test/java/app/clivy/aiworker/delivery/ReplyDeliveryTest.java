package app.clivy.aiworker.delivery;

import java.time.Duration;
import java.util.Map;

import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.FakeGateway;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.TOKEN;
import static app.clivy.aiworker.support.FakeGateway.down;
import static app.clivy.aiworker.support.FakeGateway.json;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reply delivery through the gateway, one failure class per test: the reply row (delivery_status,
 * attempts, gateway_reply_id, delivery_error), the requests the fake gateway saw, the log line.
 */
class ReplyDeliveryTest extends DeliveryTest {

    private static final String CHAT = "628123456789@s.whatsapp.net";

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void aWebhookMessageEndsWithTheReplyPostedToTheGatewayOnce() {
        when("dl-success", completion("Toko buka jam 9 pagi (dl-success).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("dl-success").willReturn(sent("3EB0C431C26A1916E1F1")));
        long job = postMessage("dl-success jam buka?");

        awaitDone(job);
        long id = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, job);
        Map<String, Object> row = awaitDelivery(id, "sent");
        assertThat(row).containsEntry("gateway_reply_id", "3EB0C431C26A1916E1F1").containsEntry("delivery_attempts", 1)
                .containsEntry("delivery_error", null).containsEntry("delivery_locked_until", null);
        assertThat(row.get("delivered_at")).isNotNull();
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND))
                .withHeader("Token", equalTo(TOKEN))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("{\"Phone\":\"628123456789\",\"Body\":\"Toko buka jam 9 pagi (dl-success).\"}")));
        assertThat(logs.lines()).contains("📤 Reply #" + id + " to customer " + customer(CHAT) + " sent (gateway id 3EB0C431C26A1916E1F1)");
        assertThat(logs.everything()).doesNotContain(TOKEN).doesNotContain("628123456789");
        assertThat(meters.find("ai_worker_deliveries").tag("outcome", "sent").counter().count()).isPositive();
        // nothing more is sent later (the sweep runs every 300 ms)
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() ->
                server().findAll(postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("dl-success"))).size() == 1);
    }

    @Test
    void a503ThenA200IsRetriedAndSentOnce() {
        server().stubFor(send("dl-503").inScenario("dl-503").whenScenarioStateIs(STARTED)
                .willReturn(json(503, "{\"error\":\"whatsapp not connected\"}")).willSetStateTo("up"));
        server().stubFor(send("dl-503").inScenario("dl-503").whenScenarioStateIs("up").willReturn(
                json(200, "{\"success\":true,\"id\":\"gw-503-ok\"}")));
        long id = storeReply(instance, CHAT, "dl-503 reply");

        Map<String, Object> row = awaitDelivery(id, "sent");
        assertThat(row).containsEntry("gateway_reply_id", "gw-503-ok").containsEntry("delivery_attempts", 2);
        server().verify(exactly(2), postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("dl-503")));
        assertThat(logs.lines()).anyMatch(l -> l.matches("🔁 Reply #" + id
                + " delivery retry in [0-9.]+s: gateway answered 503: \\{\"error\":\"whatsapp not connected\"}"));
    }

    @Test
    void a429HonoursRetryAfter() {
        server().stubFor(send("dl-429").willReturn(json(429, "{\"error\":\"slow down\"}").withHeader("Retry-After", "30")));
        long id = storeReply(instance, CHAT, "dl-429 reply");

        await().until(() -> logs.contains("🔁 Reply #" + id + " delivery retry in 30.0s: gateway answered 429"));
        // the line is logged just before the row is rescheduled
        await().until(() -> db.queryForObject("SELECT EXTRACT(EPOCH FROM delivery_run_at - now()) FROM messages WHERE id = ?",
                Number.class, id).doubleValue() > 0);
        Number dueIn = db.queryForObject("SELECT EXTRACT(EPOCH FROM delivery_run_at - now()) FROM messages WHERE id = ?", Number.class, id);
        assertThat(dueIn.doubleValue()).isBetween(25.0, 31.0);
        assertThat(reply(id)).containsEntry("delivery_status", "pending").containsEntry("delivery_attempts", 1);
    }

    @Test
    void aPermanent400FailsAtOnceWithTheReason() {
        server().stubFor(send("dl-400").willReturn(json(400, "{\"error\":\"invalid phone\"}")));
        long id = storeReply(instance, CHAT, "dl-400 reply");

        Map<String, Object> row = awaitDelivery(id, "failed");
        assertThat(row).containsEntry("delivery_attempts", 1)
                .containsEntry("delivery_error", "gateway answered 400: {\"error\":\"invalid phone\"}");
        assertThat(logs.lines()).contains("🚫 Reply #" + id + " delivery failed: gateway answered 400: {\"error\":\"invalid phone\"}");
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("dl-400")));
    }

    @Test
    void retriesStopAtMaxAttempts() {
        server().stubFor(send("dl-500-max").willReturn(json(500, "{\"error\":\"boom\"}")));
        // stored with 6 attempts already spent, in the insert itself: an update after it would race the first claim
        long id = db.queryForObject("""
                INSERT INTO messages (instance, chat, direction, body, delivery_status, delivery_run_at, delivery_attempts)
                VALUES (?, ?, 'out', ?, 'pending', now(), 6) RETURNING id""", Long.class, instance, CHAT, "dl-500-max reply");

        Map<String, Object> row = awaitDelivery(id, "failed");
        assertThat(row).containsEntry("delivery_attempts", 8)
                .containsEntry("delivery_error", "Max attempts reached (8/8): gateway answered 500: {\"error\":\"boom\"}");
    }

    @Test
    void gatewayDownThenBackLosesNothingAndSendsEachReplyOnce() {
        server().stubFor(send("dl-down").willReturn(down()));
        long first = storeReply(instance, CHAT, "dl-down reply one");
        long second = storeReply(instance, CHAT, "dl-down reply two");

        await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) reply(first).get("delivery_attempts")).intValue() >= 2);
        // one chat's replies go in order: the second waits until the first is delivered
        assertThat(reply(second)).containsEntry("delivery_attempts", 0);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("🔁 Reply #" + first + " delivery retry in ")
                && l.contains("gateway unreachable"));
        server().stubFor(send("dl-down").willReturn(sent("gw-back")));

        awaitDelivery(first, "sent");
        awaitDelivery(second, "sent");
        // the gateway saw every attempt of the first; only the last was answered; the second went once, after it
        assertThat(server().findAll(postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("dl-down reply one"))))
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(server().findAll(postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("dl-down reply two"))))
                .hasSize(1);
        assertThat(db.queryForObject("SELECT (SELECT delivered_at FROM messages WHERE id = ?) <= (SELECT delivered_at FROM messages WHERE id = ?)",
                Boolean.class, first, second)).isTrue();
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE body LIKE 'dl-down%' AND delivery_status = 'sent'",
                Integer.class)).isEqualTo(2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() ->
                server().getAllServeEvents().stream().filter(e -> e.getRequest().getBodyAsString().contains("dl-down")
                        && e.getResponse().getFault() == null).count() == 2);
    }

    @Test
    void aDeliveryWhoseClaimWasTakenOverDoesNotOverwriteTheNewClaim() {
        // a node sent the reply after its lease ended and another claim took it: only one writes
        server().stubFor(send("dl-fence").willReturn(sent("gw-fence").withFixedDelay(600)));
        long id = storeReply(instance, CHAT, "dl-fence reply");
        // the POST is under way; then another claim takes the reply (a fresh token)
        await().until(() -> !server().findAll(postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("dl-fence"))).isEmpty());
        db.update("UPDATE messages SET delivery_lease_token = nextval('lease_tokens') WHERE id = ?", id);

        await().until(() -> logs.contains("⚠  Reply #" + id + " was sent after its lease was taken over; state not written"));
        assertThat(reply(id)).containsEntry("delivery_status", "pending").containsEntry("gateway_reply_id", null);
    }

    @Test
    void anInstanceWithItsOwnGatewayIsSentThere() {
        server().stubFor(send(SECOND_PREFIX, "dl-second").willReturn(sent("gw-second")));
        long id = storeReply(SECOND_INSTANCE, "62811111@s.whatsapp.net", "dl-second reply");

        assertThat(awaitDelivery(id, "sent")).containsEntry("gateway_reply_id", "gw-second");
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SECOND_PREFIX + SEND))
                .withRequestBody(equalToJson("{\"Phone\":\"62811111\",\"Body\":\"dl-second reply\"}")));
        server().verify(exactly(0), postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("dl-second")));
    }

    @Test
    void theOpenRouterBreakerIsNotTheGatewayBreaker() {
        assertThat(gatewayCircuitBreaker.getName()).isEqualTo("gateway");
        assertThat(openRouterCircuitBreaker.getName()).isEqualTo("openrouter");
        assertThat(FakeGateway.baseUrl()).isNotEqualTo(app.clivy.aiworker.support.FakeOpenRouter.baseUrl());
    }
}
