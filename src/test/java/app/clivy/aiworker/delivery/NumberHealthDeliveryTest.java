package app.clivy.aiworker.delivery;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import app.clivy.aiworker.agent.ChatSignals;
import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.FakeGateway;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeGateway.cloudApiSent;
import static app.clivy.aiworker.support.FakeGateway.json;
import static app.clivy.aiworker.support.FakeGateway.sendAt;
import static app.clivy.aiworker.support.FakeGateway.server;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The number's health at Meta's Cloud API (WireMock answering Meta's error JSON): a 131048 spam rate
 * limit pauses that instance's delivery and not another's, the reply is kept and sent exactly once
 * when an operator resumes the instance or the cool-down ends, the pause alert goes to the instance's
 * own alert URL; 131047 (outside the 24-hour window) fails that reply without retries and pauses
 * nothing; Baileys' rate-overlimit through Evolution API pauses too; the worker MBean resumes as the
 * admin API does.
 */
@TestPropertySource(properties = {"ai-worker.gateway.type=auto", "ai-worker.gateway.number-health.pause=3s",
        // a cold start on a loaded machine answers the first POST slowly: a timeout would be a retry, not Meta's answer
        "ai-worker.gateway.timeout-ms=20000",
        "ai-worker.admin.user=operator", "ai-worker.admin.password=" + NumberHealthDeliveryTest.PASSWORD})
class NumberHealthDeliveryTest extends DeliveryTest {

    static final String PASSWORD = "number-health-password-0123";
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    static final String GLOBAL_ALERT = "/global-alert";
    static final String CUSTOMER = "16505551234";

    /** Meta's answer when the number hit the spam rate limit (HTTP 400). */
    static final String SPAM_RATE_LIMIT = """
            {"error":{"message":"(#131048) Spam rate limit hit","type":"OAuthException","code":131048,
            "error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam."},
            "fbtrace_id":"AqTZ8tW3kZ9pQ1xYzN0bB7c"}}""";
    /** Meta's answer to a free-form message more than 24 hours after the customer's last one (HTTP 400). */
    static final String RE_ENGAGEMENT = """
            {"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,
            "error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
            "fbtrace_id":"A7rG2kLmN4pQ8sT1uV3wX5y"}}""";

    @Autowired
    private ChatSignals chatSignals;
    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void globalAlertHook(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.credits.alert-url", () -> FakeGateway.baseUrl() + GLOBAL_ALERT);
    }

    /** A Cloud API business number of this test: its phone_number_id (digits) is the instance. */
    private static String phoneNumberId() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000_000L, 999_999_999_999L));
    }

    private static String messages(String phoneNumberId) {
        return "/" + phoneNumberId + "/messages";
    }

    /** A reply of a Cloud API instance, pending and due now (as job-done stores it). */
    private long storeCloudReply(String phoneNumberId, String chat, String body) {
        return db.queryForObject("""
                INSERT INTO messages (instance, chat, direction, body, delivery_status, delivery_run_at, gateway, gateway_account)
                VALUES (?, ?, 'out', ?, 'pending', now(), 'cloud-api', ?) RETURNING id""", Long.class,
                phoneNumberId, chat, body, phoneNumberId);
    }

    private HttpResponse<String> adminApi(String method, String path, String body) {
        return client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", BASIC).build());
    }

    private int posts(String path, String marker) {
        return server().findAll(postRequestedFor(urlEqualTo(path)).withRequestBody(containing(marker))).size();
    }

    private double pausedGauge(String instance) {
        Gauge gauge = meters.find("ai_worker_instance_delivery_paused").tag("instance", instance).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private boolean paused(String instance) {
        return Boolean.TRUE.equals(db.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM instance_delivery_pauses WHERE instance = ? AND paused_until > now())", Boolean.class, instance));
    }

    @Test
    void aSpamRateLimitPausesThatInstanceOnlyAndAnOperatorResumeSendsTheKeptReplyOnce() throws Exception {
        String restricted = phoneNumberId();
        String other = phoneNumberId();
        String ownAlert = "/alerts/" + restricted;
        // the restricted instance has its own alert URL (admin API instance settings)
        HttpResponse<String> saved = adminApi("PUT", "/api/instances/" + restricted,
                "{\"agent\":{\"read_and_typing\":true,\"alert_url\":\"" + FakeGateway.baseUrl() + ownAlert + "?token=alert-secret\"}}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        server().stubFor(post(urlEqualTo(ownAlert + "?token=alert-secret")).willReturn(json(200, "{}")));
        server().stubFor(post(urlEqualTo(GLOBAL_ALERT)).willReturn(json(200, "{}")));
        server().stubFor(sendAt(messages(restricted), "nh-spam").inScenario("nh-spam-" + restricted).whenScenarioStateIs(STARTED)
                .willReturn(json(400, SPAM_RATE_LIMIT)).willSetStateTo("recovered"));
        server().stubFor(sendAt(messages(restricted), "nh-spam").inScenario("nh-spam-" + restricted).whenScenarioStateIs("recovered")
                .willReturn(cloudApiSent("wamid.nh-spam-after-resume")));
        server().stubFor(sendAt(messages(other), "nh-other").willReturn(cloudApiSent("wamid.nh-other")));

        long first = storeCloudReply(restricted, CUSTOMER, "nh-spam first reply");
        await().atMost(Duration.ofSeconds(20)).until(() -> paused(restricted));
        // an operator's long pause: the cool-down of this bundle (3 s) is not what ends it here
        db.update("UPDATE instance_delivery_pauses SET paused_until = now() + interval '1 hour' WHERE instance = ?", restricted);
        long second = storeCloudReply(restricted, "16505550000", "nh-spam second reply, another chat");
        long elsewhere = storeCloudReply(other, CUSTOMER, "nh-other reply of another instance");

        // nothing goes through a paused number, read and typing signals included
        await().atMost(Duration.ofSeconds(10)).until(() -> !chatSignals.wanted(restricted));
        // the other instance delivers normally while this one is paused
        assertThat(awaitDelivery(elsewhere, "sent")).containsEntry("gateway_reply_id", "wamid.nh-other");
        // the reply that met 131048 is kept: pending, not recorded sent, its attempt given back; nothing else posted
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                posts(messages(restricted), "nh-spam") == 1);
        Map<String, Object> kept = reply(first);
        assertThat(kept).containsEntry("delivery_status", "pending").containsEntry("delivery_attempts", 0)
                .containsEntry("gateway_reply_id", null).containsEntry("delivery_lease_token", null);
        assertThat((String) kept.get("delivery_error")).startsWith("spam_rate_limit: gateway answered 400");
        assertThat(reply(second)).containsEntry("delivery_status", "pending").containsEntry("delivery_attempts", 0);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("⏸  Delivery of instance " + restricted + " paused until ")
                && l.endsWith("(spam_rate_limit): reply #" + first + " kept, sent when the pause ends"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pausedGauge(restricted) == 1.0);
        assertThat(meters.find("ai_worker_delivery_pauses").tag("reason", "spam_rate_limit").counter().count()).isPositive();

        // the alert went to the instance's own URL, not the global one; no phone number, no token
        await().atMost(Duration.ofSeconds(10)).until(() -> !server().findAll(postRequestedFor(urlEqualTo(ownAlert + "?token=alert-secret"))).isEmpty());
        JsonNode alert = new ObjectMapper().readTree(server().findAll(postRequestedFor(urlEqualTo(ownAlert + "?token=alert-secret")))
                .get(0).getBodyAsString());
        assertThat(alert.path("event").asText()).isEqualTo("instance_delivery_paused");
        assertThat(alert.path("instance").asText()).isEqualTo(restricted);
        assertThat(alert.path("reason").asText()).isEqualTo("spam_rate_limit");
        assertThat(alert.toString()).doesNotContain(CUSTOMER).doesNotContain("alert-secret").doesNotContain(FakeGateway.TOKEN);
        assertThat(server().findAll(postRequestedFor(urlEqualTo(GLOBAL_ALERT)).withRequestBody(containing(restricted)))).isEmpty();

        // the API shows the pause; an operator resumes it
        HttpResponse<String> list = adminApi("GET", "/api/delivery-pauses", null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode pauses = new ObjectMapper().readTree(list.body());
        JsonNode mine = null;
        for (JsonNode p : pauses) {
            if (restricted.equals(p.path("instance").asText())) {
                mine = p;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.path("paused").asBoolean()).isTrue();
        assertThat(mine.path("reason").asText()).isEqualTo("spam_rate_limit");
        assertThat(mine.path("pending_replies").asInt()).isEqualTo(2);
        assertThat(client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/delivery-pauses/" + restricted))
                .DELETE().build()).statusCode()).as("the admin login guards it").isEqualTo(401);
        HttpResponse<String> resumed = adminApi("DELETE", "/api/delivery-pauses/" + restricted, null);
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(resumed.body()).path("resumed_by").asText()).isEqualTo("operator");

        // each kept reply is delivered once, in its chat's order
        assertThat(awaitDelivery(first, "sent")).containsEntry("gateway_reply_id", "wamid.nh-spam-after-resume")
                .containsEntry("delivery_attempts", 1).containsEntry("delivery_error", null);
        awaitDelivery(second, "sent");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                posts(messages(restricted), "nh-spam first") == 2 && posts(messages(restricted), "nh-spam second") == 1);
        assertThat(logs.lines()).contains("▶️  Delivery of instance " + restricted + " resumed by an operator");
        await().atMost(Duration.ofSeconds(10)).until(() -> pausedGauge(restricted) == 0.0);
        assertThat(chatSignals.wanted(restricted)).as("signals again once resumed").isTrue();
        assertThat(adminApi("DELETE", "/api/delivery-pauses/" + restricted, null).statusCode()).as("no longer paused").isEqualTo(404);
        assertThat(logs.everything()).doesNotContain(CUSTOMER).doesNotContain(FakeGateway.TOKEN).doesNotContain("alert-secret");
    }

    @Test
    void thePauseEndsByItselfAfterTheCoolDownAndTheReplyGoesOnce() {
        String restricted = phoneNumberId();
        server().stubFor(sendAt(messages(restricted), "nh-cool").inScenario("nh-cool-" + restricted).whenScenarioStateIs(STARTED)
                .willReturn(json(400, SPAM_RATE_LIMIT)).willSetStateTo("recovered"));
        server().stubFor(sendAt(messages(restricted), "nh-cool").inScenario("nh-cool-" + restricted).whenScenarioStateIs("recovered")
                .willReturn(cloudApiSent("wamid.nh-cool")));
        server().stubFor(post(urlEqualTo(GLOBAL_ALERT)).willReturn(json(200, "{}")));

        long id = storeCloudReply(restricted, CUSTOMER, "nh-cool reply");
        await().atMost(Duration.ofSeconds(20)).until(() -> paused(restricted));
        assertThat(reply(id)).containsEntry("delivery_status", "pending");

        Map<String, Object> sent = awaitDelivery(id, "sent");
        assertThat(sent).containsEntry("gateway_reply_id", "wamid.nh-cool").containsEntry("delivery_attempts", 1);
        // sent after the cool-down (3 s here), by itself
        assertThat(db.queryForObject("SELECT delivered_at >= paused_until FROM instance_delivery_pauses p, messages m "
                + "WHERE p.instance = ? AND m.id = ?", Boolean.class, restricted, id)).isTrue();
        assertThat(db.queryForObject("SELECT resumed_by FROM instance_delivery_pauses WHERE instance = ?", String.class, restricted)).isNull();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> posts(messages(restricted), "nh-cool") == 2);
        // an instance without an alert URL of its own alerts at the global one
        await().atMost(Duration.ofSeconds(10)).until(() ->
                !server().findAll(postRequestedFor(urlEqualTo(GLOBAL_ALERT)).withRequestBody(containing(restricted))).isEmpty());
    }

    @Test
    void outsideTheTwentyFourHourWindowThatReplyFailsWithoutRetriesAndNothingIsPaused() {
        String instance = phoneNumberId();
        server().stubFor(sendAt(messages(instance), "nh-window").willReturn(json(400, RE_ENGAGEMENT)));
        server().stubFor(sendAt(messages(instance), "nh-in-window").willReturn(cloudApiSent("wamid.nh-in-window")));

        long late = storeCloudReply(instance, CUSTOMER, "nh-window reply");
        Map<String, Object> row = awaitDelivery(late, "failed");
        // failed at Meta's first answer (a POST the loaded machine timed out before it would be one attempt more)
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                posts(messages(instance), "nh-window") == ((Number) reply(late).get("delivery_attempts")).intValue());
        assertThat((String) row.get("delivery_error")).startsWith("outside_window: gateway answered 400");
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("🚫 Reply #" + late + " delivery failed: outside_window: "));
        // the instance goes on: another chat's reply is sent
        long fine = storeCloudReply(instance, "16505550001", "nh-in-window reply");
        awaitDelivery(fine, "sent");
        assertThat(paused(instance)).isFalse();
    }

    @Test
    void baileysRateOverlimitThroughEvolutionApiPausesThatInstance() {
        String name = "nh-evo-" + phoneNumberId();
        // Evolution API wraps the Baileys error in its BadRequestException (HTTP 400)
        server().stubFor(sendAt("/message/sendText/" + name, "nh-evo").willReturn(json(400,
                "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":[\"Error: rate-overlimit\"]}}")));
        long id = db.queryForObject("""
                INSERT INTO messages (instance, chat, direction, body, delivery_status, delivery_run_at, gateway)
                VALUES (?, ?, 'out', ?, 'pending', now(), 'evolution-api') RETURNING id""", Long.class,
                name, "628123450000@s.whatsapp.net", "nh-evo reply");

        await().atMost(Duration.ofSeconds(20)).until(() -> paused(name));
        assertThat(db.queryForObject("SELECT reason FROM instance_delivery_pauses WHERE instance = ?", String.class, name))
                .isEqualTo("rate_overlimit");
        assertThat(reply(id)).containsEntry("delivery_status", "pending");
    }

    @Test
    void theWorkerMBeanResumesAPausedInstanceAsTheApiDoes() {
        String paused = phoneNumberId();
        server().stubFor(sendAt(messages(paused), "nh-jmx").willReturn(cloudApiSent("wamid.nh-jmx")));
        // a pause another node began an hour ago, with its kept reply
        db.update("INSERT INTO instance_delivery_pauses (instance, paused_at, paused_until, reason) "
                + "VALUES (?, now() - interval '1 hour', now() + interval '1 hour', 'spam_rate_limit')", paused);
        long id = storeCloudReply(paused, CUSTOMER, "nh-jmx reply");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> posts(messages(paused), "nh-jmx") == 0);

        assertThat(workerControl.resumeInstanceDelivery(paused)).isEqualTo("Delivery of instance " + paused + " resumed; its kept replies go out now");
        assertThat(awaitDelivery(id, "sent")).containsEntry("gateway_reply_id", "wamid.nh-jmx");
        assertThat(workerControl.resumeInstanceDelivery(paused)).isEqualTo("The delivery of instance " + paused + " is not paused; nothing changed");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> posts(messages(paused), "nh-jmx") == 1);
    }

    @Autowired
    app.clivy.aiworker.operations.WorkerControl workerControl;

    @Test
    void anAlertUrlThatIsNotHttpIsRefused() {
        HttpResponse<String> refused = adminApi("PUT", "/api/instances/nh-bad-alert", "{\"agent\":{\"alert_url\":\"file:///etc/passwd\"}}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("agent.alert_url must be an http or https URL");
    }
}
