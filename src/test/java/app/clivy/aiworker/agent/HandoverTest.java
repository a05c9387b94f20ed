package app.clivy.aiworker.agent;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.FakeGateway;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.json;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.CHAT;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The model may hand a chat over: the call asks for the structured answer, a hand-over sends the
 * hand-over message once, gives the chat to humans, records the reason (job row, admin API, metric)
 * and posts the alert; a structured reply is the reply; a model answering plain text still answers.
 */
class HandoverTest extends AgentTest {

    private static final String CUSTOMER = "628123456789@s.whatsapp.net";

    @Autowired
    MeterRegistry meters;
    @Autowired
    AgentAnswers answers;

    static String structured(String action, String reply, String reason, String note) throws Exception {
        return new ObjectMapper().writeValueAsString(Map.of("action", action, "reply", reply, "handover_reason", reason,
                "handover_note", note));
    }

    @Test
    void theAnswerFormatIsAddedAsTheRequestsLastMemberWhateverTheRequestHolds() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String request = json.writeValueAsString(Map.of("model", "m", "messages", java.util.List.of(Map.of("role", "user",
                "content", "a } and a \"response_format\" in the text {"))));
        JsonNode withFormat = json.readTree(answers.withAnswerFormat(request));
        assertThat(withFormat.path("messages")).isEqualTo(json.readTree(request).path("messages"));
        assertThat(withFormat.at("/response_format/json_schema/schema/required").toString())
                .isEqualTo("[\"action\",\"reply\",\"handover_reason\",\"handover_note\"]");
        // an empty object and a request that already names the format are read and written as a tree
        assertThat(json.readTree(answers.withAnswerFormat("{ }")).fieldNames()).toIterable().containsExactly("response_format");
        JsonNode replaced = json.readTree(answers.withAnswerFormat("{\"response_format\":{\"type\":\"text\"}}"));
        assertThat(replaced.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(answers.handoverReason("{\"reply\":\"say \\\"handover\\\" please\"}")).isNull();
        assertThat(answers.handoverReason("{\"handover\":{\"reason\":\"policy\"}}")).isEqualTo("policy");
    }

    @Test
    void aHandOverByTheModelSendsTheMessageOnceGivesTheChatToHumansAndAlertsTheDesk() throws Exception {
        when("ho-person", completion(structured("handover", "", "customer_request", "Customer wants to talk to a person (ho-person)"),
                "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("handover-message").willReturn(sent("gw-handover")));
        server().stubFor(post(urlEqualTo(ALERT)).willReturn(json(200, "{}")));
        double before = handovers("customer_request");

        long job = postMessage("ho-person saya mau bicara dengan orang");
        awaitDone(job);

        // the call asked for the structured answer
        JsonNode request = new ObjectMapper().readTree(app.clivy.aiworker.support.FakeOpenRouter.server()
                .findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing("ho-person"))).get(0).getBodyAsString());
        assertThat(request.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(request.at("/response_format/json_schema/schema/properties/handover_reason/enum").toString())
                .contains("customer_request", "missing_knowledge", "unsupported_request", "policy", "other");

        // the job row and the admin API know why
        JsonNode output = new ObjectMapper().readTree(db.queryForObject("SELECT output_json::text FROM ai_jobs WHERE id = ?", String.class, job));
        assertThat(output.at("/handover/reason").asText()).isEqualTo("customer_request");
        assertThat(output.at("/handover/note").asText()).isEqualTo("Customer wants to talk to a person (ho-person)");
        var api = client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/jobs/" + job))
                .header("Authorization", BASIC).GET().build());
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(api.body()).at("/output_json/handover/reason").asText()).isEqualTo("customer_request");

        // the customer gets the hand-over message, once
        long reply = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, job);
        awaitDelivery(reply, "sent");
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(equalToJson(
                "{\"Phone\":\"628123456789\",\"Body\":\"Kami sambungkan ke tim kami (handover-message).\"}")));

        // the chat is the humans' now: the customer's next message is kept without a call
        Map<String, Object> handoff = db.queryForMap("SELECT changed_by, human_until > now() + interval '29 minutes' AS long_enough "
                + "FROM chat_handoffs WHERE instance = ? AND chat = ?", instance, CUSTOMER);
        assertThat(handoff).containsEntry("changed_by", "ai").containsEntry("long_enough", true);
        long next = postMessage("ho-person halo? masih di sana?");
        awaitDone(next);
        assertThat(db.queryForObject("SELECT output_json ->> 'skipped' FROM ai_jobs WHERE id = ?", String.class, next))
                .isEqualTo("human_agent_active");
        assertThat(app.clivy.aiworker.support.FakeOpenRouter.server()
                .findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing("ho-person")))).hasSize(1);

        // counted, logged and alerted (the chat as its salted hash, never the number)
        assertThat(handovers("customer_request") - before).isEqualTo(1.0);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("🙋 Job #" + job + " handed the chat to humans (customer_request) until "));
        await().atMost(Duration.ofSeconds(10)).until(() -> !server().findAll(postRequestedFor(urlEqualTo(ALERT))
                .withRequestBody(containing("ho-person"))).isEmpty());
        JsonNode alert = new ObjectMapper().readTree(server().findAll(postRequestedFor(urlEqualTo(ALERT))
                .withRequestBody(containing("ho-person"))).get(0).getBodyAsString());
        assertThat(alert.path("event").asText()).isEqualTo("chat_handover");
        assertThat(alert.path("instance").asText()).isEqualTo(instance);
        assertThat(alert.path("reason").asText()).isEqualTo("customer_request");
        assertThat(alert.path("job_id").asLong()).isEqualTo(job);
        assertThat(alert.toString()).doesNotContain("628123456789");
        await().atMost(Duration.ofSeconds(20)).until(() -> logs.contains("📣 Hand-over alert sent: job #" + job + " (customer_request)"));
    }

    @Test
    void aStructuredReplyIsTheReply() throws Exception {
        when("ho-reply", completion(structured("reply", "Kami **buka** jam 9 (ho-reply).", "none", ""), "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("ho-reply").willReturn(sent("gw-ho-reply")));
        long job = postMessage("ho-reply jam buka?");
        awaitDone(job);

        long reply = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, job);
        assertThat(db.queryForObject("SELECT body FROM messages WHERE id = ?", String.class, reply)).isEqualTo("Kami **buka** jam 9 (ho-reply).");
        assertThat(db.queryForObject("SELECT output_json -> 'handover' FROM ai_jobs WHERE id = ?", String.class, job)).isNull();
        awaitDelivery(reply, "sent");
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(equalToJson(
                "{\"Phone\":\"628123456789\",\"Body\":\"Kami *buka* jam 9 (ho-reply).\"}")));
        assertThat(db.queryForObject("SELECT count(*) FROM chat_handoffs WHERE instance = ?", Integer.class, instance)).isZero();
    }

    @Test
    void aModelWithoutStructuredOutputStillAnswersAndIsNamedOnceInTheLog() {
        when("ho-plain", completion("Toko buka jam 9 (ho-plain).", "plain/model-without-json", 10, 5, 0.0001));
        long first = postMessage("628111000001@s.whatsapp.net", "ho-plain satu");
        long second = postMessage("628111000002@s.whatsapp.net", "ho-plain dua");
        awaitDone(first);
        awaitDone(second);

        assertThat(db.queryForList("SELECT body FROM messages WHERE job_id IN (?, ?) AND direction = 'out'", String.class, first, second))
                .hasSize(2).containsOnly("Toko buka jam 9 (ho-plain).");
        assertThat(logs.lines().stream().filter(l -> l.equals("ℹ️  Model plain/model-without-json answers without structured output: "
                + "its answers are taken as plain replies (no hand-over by the model)"))).hasSize(1);
    }

    @Test
    void aChatWhoseLastThreeJobsFailedGoesToHumansOnce() throws Exception {
        when("ho-failing", app.clivy.aiworker.support.FakeOpenRouter.error(400, "Invalid request (ho-failing)", null));
        server().stubFor(send("handover-message").willReturn(sent("gw-failures")));
        String chat = "628111000009@s.whatsapp.net";
        long[] jobs = new long[3];
        for (int i = 0; i < 3; i++) {
            jobs[i] = postMessage(chat, "ho-failing question " + i);
            long id = jobs[i];
            await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(job(id).get("status")));
        }

        // the first two failures change nothing; the third hands the chat over
        assertThat(db.queryForObject("SELECT count(*) FROM ai_jobs WHERE id IN (?, ?) AND output_json -> 'handover' IS NOT NULL",
                Integer.class, jobs[0], jobs[1])).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryForObject(
                "SELECT output_json -> 'handover' ->> 'reason' FROM ai_jobs WHERE id = ?", String.class, jobs[2]) != null);
        assertThat(db.queryForObject("SELECT output_json -> 'handover' ->> 'reason' FROM ai_jobs WHERE id = ?", String.class, jobs[2]))
                .isEqualTo("failed_jobs");
        assertThat(db.queryForObject("SELECT changed_by FROM chat_handoffs WHERE instance = ? AND chat = ?", String.class, instance, chat))
                .isEqualTo("ai");
        long reply = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, jobs[2]);
        awaitDelivery(reply, "sent");
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(equalToJson(
                "{\"Phone\":\"628111000009\",\"Body\":\"Kami sambungkan ke tim kami (handover-message).\"}")));
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("🙋 Job #" + jobs[2] + " handed the chat to humans (failed_jobs) until "));
    }

    // the number's health: an instance's own alert URL gets its hand-over alerts
    @Test
    void anInstanceWithItsOwnAlertUrlGetsItsHandOverAlertThereAndNotAtTheGlobalOne() throws Exception {
        String own = "/own-alert/" + instance;
        var saved = adminApi("PATCH", "/api/instances/" + instance,
                "{\"agent\":{\"alert_url\":\"" + FakeGateway.baseUrl() + own + "\"}}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        server().stubFor(post(urlEqualTo(own)).willReturn(json(200, "{}")));
        server().stubFor(post(urlEqualTo(ALERT)).willReturn(json(200, "{}")));
        server().stubFor(send("handover-message").willReturn(sent("gw-own-alert")));
        when("ho-own-alert", completion(structured("handover", "", "policy", "Refund request (ho-own-alert)"),
                "openai/gpt-4o", 10, 5, 0.0001));

        long job = postMessage("ho-own-alert saya minta refund");
        awaitDone(job);
        await().atMost(Duration.ofSeconds(10)).until(() -> !server().findAll(postRequestedFor(urlEqualTo(own))).isEmpty());
        JsonNode alert = new ObjectMapper().readTree(server().findAll(postRequestedFor(urlEqualTo(own))).get(0).getBodyAsString());
        assertThat(alert.path("event").asText()).isEqualTo("chat_handover");
        assertThat(alert.path("job_id").asLong()).isEqualTo(job);
        assertThat(server().findAll(postRequestedFor(urlEqualTo(ALERT)).withRequestBody(containing("ho-own-alert")))).isEmpty();
    }

    private double handovers(String reason) {
        return meters.find("ai_worker_handovers").tag("reason", reason).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
