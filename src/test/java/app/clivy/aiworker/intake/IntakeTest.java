package app.clivy.aiworker.intake;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import app.clivy.aiworker.platform.platformhttp.SynchronousPlatformHttp;
import app.clivy.aiworker.platform.sql.PlannedSqlParameters;
import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.WebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumerAware;
import org.apache.camel.component.sql.SqlEndpoint;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Value;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** Stage 1: POST /webhook/ai against a real PostgreSQL and real HTTP. */
@TestPropertySource(properties = "ai-worker.worker.enabled=false")
class IntakeTest extends BundleTest {

    @Value("${spring.datasource.url}")
    String jdbcUrl;

    @Autowired
    CamelContext camel;

    @Autowired
    SynchronousPlatformHttp.Engine engine;

    @Autowired
    MeterRegistry meters;

    WebhookClient client;
    String instance;

    @BeforeEach
    void setUp() {
        client = client();
        instance = "inst-" + UUID.randomUUID();
    }

    /** The two speed-ups are in place: without them the routes would still work, only slower. */
    @Test
    void sqlEndpointsPlanTheirParametersAndTheWebhookRunsOnTheRequestThread() {
        var sql = camel.getEndpoints().stream().filter(SqlEndpoint.class::isInstance).map(SqlEndpoint.class::cast).toList();
        assertThat(sql).isNotEmpty().allSatisfy(endpoint ->
                assertThat(endpoint.getPrepareStatementStrategy()).isInstanceOf(PlannedSqlParameters.class));
        var webhook = (PlatformHttpConsumerAware) camel.getRoute("intake").getConsumer();
        assertThat(webhook.getPlatformHttpConsumer().getClass().getEnclosingClass()).isEqualTo(SynchronousPlatformHttp.class);
    }

    /**
     * A webhook POST goes from the edge filter straight to the intake route's consumer: Spring MVC
     * (and Boot's request observation around it) never sees it, while the GET handshake, served by
     * another route, goes through MVC as before.
     */
    @Test
    void theWebhookPostGoesStraightToItsRoute() {
        assertThat(engine.consumerFor("POST", "/webhook/ai")).isSameAs(
                ((PlatformHttpConsumerAware) camel.getRoute("intake").getConsumer()).getPlatformHttpConsumer());
        assertThat(engine.consumerFor("POST", "/webhook/ai/waha")).isNotNull();
        assertThat(engine.consumerFor("POST", "/webhook/aix")).isNull();

        assertThat(client.post("/webhook/ai", textEvent(instance, "direct-1", "628111@s.whatsapp.net", "Halo")).statusCode())
                .isEqualTo(202);
        assertThat(client.get("/webhook/ai?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1").statusCode())
                .isEqualTo(403);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(meters.find("http.server.requests").tag("method", "GET").timers()).isNotEmpty());
        assertThat(meters.find("http.server.requests").tag("method", "POST").timers()).isEmpty();
    }

    @Test
    void extendedTextMessageIsStoredAsMessageAndPendingJob() {
        HttpResponse<String> res = client.post("/webhook/ai", textEvent(instance, "m1", "628111@s.whatsapp.net", "Halo, jam buka?"));

        assertThat(res.statusCode()).isEqualTo(202);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(res.body()).matches("\\{\"status\":\"queued\",\"job_id\":\\d+}");
        long jobId = Long.parseLong(res.body().replaceAll("\\D", ""));

        Map<String, Object> job = db.queryForMap("SELECT j.*, m.body, m.direction, m.sender FROM ai_jobs j JOIN messages m ON m.id = j.message_id WHERE j.id = ?", jobId);
        assertThat(job).containsEntry("status", "pending").containsEntry("attempts", 0).containsEntry("max_attempts", 3)
                .containsEntry("context_messages", 10).containsEntry("instance", instance)
                .containsEntry("chat", "628111@s.whatsapp.net").containsEntry("body", "Halo, jam buka?")
                .containsEntry("direction", "in");
        assertThat(job.get("input_json").toString()).contains("\"text\": \"Halo, jam buka?\"");
        // the seed's monitoring query sees it
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status='pending' AND instance = ?", Long.class, instance)).isEqualTo(1);
    }

    @Test
    void conversationAndCaptionsAreCustomerText() {
        String conversation = """
                {"event":"Message","instanceName":"%s","data":{"Info":{"ID":"c1","Sender":"628222@s.whatsapp.net"},
                 "Message":{"conversation":"plain text"}}}""".formatted(instance);
        String caption = """
                {"event":"Message","instanceName":"%s","data":{"Info":{"ID":"c2","Sender":"628222@s.whatsapp.net"},
                 "Message":{"imageMessage":{"caption":"is this the right size?","mimetype":"image/jpeg"}}}}""".formatted(instance);
        String docCaption = """
                {"event":"Message","instanceName":"%s","data":{"Info":{"ID":"c3","Sender":"628222@s.whatsapp.net"},
                 "Message":{"documentMessage":{"caption":"invoice attached"}}}}""".formatted(instance);

        assertThat(client.post("/webhook/ai", conversation).statusCode()).isEqualTo(202);
        assertThat(client.post("/webhook/ai", caption).statusCode()).isEqualTo(202);
        assertThat(client.post("/webhook/ai", docCaption).statusCode()).isEqualTo(202);
        assertThat(db.queryForList("SELECT body FROM messages WHERE instance = ? ORDER BY id", String.class, instance))
                .containsExactly("plain text", "is this the right size?", "invoice attached");
    }

    @Test
    void ignoredEventsAnswer200AndStoreNothing() {
        String receipt = """
                {"event":"ReadReceipt","instanceName":"%s","data":{}}""".formatted(instance);
        String group = """
                {"event":"Message","instanceName":"%s","data":{"Info":{"ID":"x2","Sender":"628@s.whatsapp.net","Chat":"1203@g.us","IsGroup":true},
                 "Message":{"conversation":"hi group"}}}""".formatted(instance);
        // a reaction starts no job (a sticker gets a short reply: gateways.MediaMessagesTest)
        String reaction = """
                {"event":"Message","instanceName":"%s","data":{"Info":{"ID":"x3","Sender":"628@s.whatsapp.net"},
                 "Message":{"reactionMessage":{"key":{"ID":"x1"},"text":"👍"}}}}""".formatted(instance);

        for (String body : new String[] {receipt, group, reaction}) {
            HttpResponse<String> res = client.post("/webhook/ai", body);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).startsWith("{\"status\":\"ignored\",\"reason\":");
        }
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ?", Long.class, instance)).isZero();
    }

    @Test
    void sameGatewayMessageIdTwiceIsOneJob() {
        String event = textEvent(instance, "dup-1", "628333@s.whatsapp.net", "hello");
        HttpResponse<String> first = client.post("/webhook/ai", event);
        HttpResponse<String> second = client.post("/webhook/ai", event);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(200);
        String jobId = first.body().replaceAll("\\D", "");
        assertThat(second.body()).isEqualTo("{\"status\":\"duplicate\",\"job_id\":" + jobId + "}");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ?", Long.class, instance)).isEqualTo(1);
    }

    @Test
    void eachBadInputClassAnswers400NamingTheProblemAndStoresNothing() {
        Map<String, String> cases = Map.of(
                "{\"event\":\"Message\",", "malformed JSON",
                "[1,2]", "body must be a JSON object",
                "{\"event\":\"Message\",\"instanceName\":\"%s\"}".formatted(instance), "data is missing",
                "{\"event\":\"Message\",\"instanceName\":\"%s\",\"data\":{\"Info\":{\"Sender\":\"6@s\"},\"Message\":{}}}".formatted(instance), "data.Info.ID is missing",
                "{\"event\":\"Message\",\"instanceName\":\"%s\",\"data\":{\"Info\":{\"ID\":42,\"Sender\":\"6@s\"},\"Message\":{}}}".formatted(instance), "data.Info.ID must be a string",
                "{\"event\":\"Message\",\"instanceName\":\"%s\",\"data\":{\"Info\":{\"ID\":\"a\",\"Sender\":\"6@s\",\"IsFromMe\":\"no\"},\"Message\":{}}}".formatted(instance), "data.Info.IsFromMe must be a boolean",
                "{\"event\":7}", "event must be a string",
                "", "request body is empty");
        cases.forEach((body, problem) -> {
            HttpResponse<String> res = client.post("/webhook/ai", body);
            assertThat(res.statusCode()).as(body).isEqualTo(400);
            assertThat(res.body()).as(body).startsWith("{\"error\":\"invalid_request\",\"message\":").contains(problem);
        });
        // deep nesting is refused by the parser's limits, not by a stack overflow
        String deep = "{\"event\":\"Message\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(client.post("/webhook/ai", deep).statusCode()).isEqualTo(400);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ?", Long.class, instance)).isZero();
    }

    @Test
    void oversizedBodyAnswers413() {
        String huge = textEvent(instance, "big", "628@s.whatsapp.net", "x".repeat(70_000));
        HttpResponse<String> res = client.post("/webhook/ai", huge);
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.body()).contains("\"error\":\"payload_too_large\"").contains("65536");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ?", Long.class, instance)).isZero();
    }

    @Test
    void noRequestOrInternalHeaderLeaksIntoTheResponse() {
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("Content-Type", "application/json")
                .header("X-Secret-Token", "hunter2")
                .POST(HttpRequest.BodyPublishers.ofString(textEvent(instance, "h1", "628@s.whatsapp.net", "hi"))).build());
        assertThat(res.statusCode()).isEqualTo(202);
        assertThat(res.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("camel")
                || h.equalsIgnoreCase("x-secret-token") || h.toLowerCase().startsWith("sql"));
        HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("X-Secret-Token", "hunter2").POST(HttpRequest.BodyPublishers.ofString("nope")).build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("x-secret-token") || h.toLowerCase().startsWith("camel"));
    }

    @Test
    void textWithQuotesAndSqlIsStoredVerbatim() {
        String nasty = "'; DROP TABLE ai_jobs; -- \"quoted\" <script>alert(1)</script> ünïcødé 😀";
        assertThat(client.postBytes("/webhook/ai", textEvent(instance, "q1", "628@s.whatsapp.net", nasty)
                .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
        assertThat(db.queryForObject("SELECT body FROM messages WHERE instance = ?", String.class, instance)).isEqualTo(nasty);
    }

    @Test
    void insertingAJobNotifiesTheChannelWithItsId() throws Exception {
        try (Connection listen = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            try (Statement s = listen.createStatement()) {
                s.execute("LISTEN ai_jobs_channel");
            }
            HttpResponse<String> res = client.post("/webhook/ai", textEvent(instance, "n1", "628@s.whatsapp.net", "ping"));
            String jobId = res.body().replaceAll("\\D", "");
            PGNotification[] got = listen.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(got).isNotNull();
            assertThat(got).anySatisfy(n -> {
                assertThat(n.getName()).isEqualTo("ai_jobs_channel");
                assertThat(n.getParameter()).isEqualTo(jobId);
            });
        }
    }
}
