package app.clivy.aiworker.conversation;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import app.clivy.aiworker.operations.WorkerControl;
import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.FakeGateway;
import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.WebhookClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Chats, not single messages, with reply delivery on: a burst is answered once after the quiet
 * period (1.5 s here), a human agent's from-me message hands the chat to humans, the echo of our own
 * reply does not, and operators hand chats over and back through the admin API.
 */
@TestPropertySource(properties = {"ai-worker.conversation.quiet-ms=1500", "ai-worker.conversation.handoff-minutes=30",
        "ai-worker.admin.user=operator", "ai-worker.admin.password=" + ConversationTest.PASSWORD})
class ConversationTest extends DeliveryTest {

    static final String PASSWORD = "conversation-test-password";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes());
    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    MeterRegistry registry;
    @Autowired
    WorkerControl workerControl;

    private String chat() {
        return "62" + (100000000L + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 899999999L)) + "@s.whatsapp.net";
    }

    /** OpenRouter answers requests holding {@code marker} with {@code reply}; the gateway sends replies holding {@code word}. */
    private void answer(String marker, String reply, int inputTokens, int outputTokens, String word, String gatewayId) {
        when(marker, completion(reply, "openai/gpt-4o", inputTokens, outputTokens, 0.0001));
        FakeGateway.server().stubFor(FakeGateway.send(word).willReturn(FakeGateway.sent(gatewayId)));
    }

    private List<LoggedRequest> calls(String marker) {
        return FakeOpenRouter.server().findAll(postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT)).withRequestBody(containing(marker)));
    }

    private List<JsonNode> turns(LoggedRequest call) throws Exception {
        List<JsonNode> turns = new ArrayList<>();
        json.readTree(call.getBodyAsString()).path("messages").forEach(turns::add);
        return turns;
    }

    /** A message written from the business phone in {@code chat}, as the gateway posts it (IsFromMe). */
    private HttpResponse<String> postFromMe(String chat, String messageId, String text) {
        return client().post("/webhook/ai", """
                {"event":"Message","instanceName":"%s","data":{
                  "Info":{"ID":"%s","Sender":"6281100000000@s.whatsapp.net","Chat":"%s","IsFromMe":true,"IsGroup":false},
                  "Message":{"conversation":%s}}}
                """.formatted(instance, messageId, chat, WebhookClient.quote(text)));
    }

    private HttpResponse<String> api(String method, String path) {
        return client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", BASIC).build());
    }

    private HttpResponse<String> api(String method, String path, String body) {
        return client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("Authorization", BASIC).build());
    }

    private double counter(String outcome, String errorClass) {
        return registry.find("ai_worker_jobs_finished").tag("outcome", outcome).tag("error_class", errorClass)
                .counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private long sum(String sql) {
        Long value = db.queryForObject(sql, Long.class, instance);
        return value == null ? 0 : value;
    }

    @Test
    void aBurstOfThreeMessagesIsOneCallOneReplyAndThreeDoneJobs() throws Exception {
        String chat = chat();
        String marker = "burst-" + UUID.randomUUID();
        answer(marker, "Paket B Rp150.000", 120, 9, "Paket B", "GW-BURST-1");

        long first = postMessage(chat, "halo " + marker);
        Thread.sleep(300); // the customer types: messages 300 ms apart (input pacing, not waiting for work)
        long second = postMessage(chat, "mau tanya");
        Thread.sleep(300);
        long third = postMessage(chat, "harga paket B berapa?");
        long lastPosted = System.nanoTime();

        Map<String, Object> answering = awaitJob(third, "done", 1);
        System.out.printf("burst answered %d ms after its last message (quiet period 1500 ms)%n",
                (System.nanoTime() - lastPosted) / 1_000_000);
        // one call, whose user turns hold all three messages in order
        assertThat(calls(marker)).hasSize(1);
        List<String> users = turns(calls(marker).get(0)).stream().filter(t -> "user".equals(t.path("role").asText()))
                .map(t -> t.path("content").asText()).toList();
        assertThat(users).containsExactly("halo " + marker, "mau tanya", "harga paket B berapa?");
        // the older jobs ended with the answer, pointing at the job that answered them; never claimed
        for (long absorbed : new long[] {first, second}) {
            Map<String, Object> row = job(absorbed);
            assertThat(row.get("status")).isEqualTo("done");
            assertThat(row.get("attempts")).isEqualTo(0);
            assertThat(json.readTree(String.valueOf(row.get("output_json"))).path("answered_by_job").asLong()).isEqualTo(third);
        }
        assertThat(json.readTree(String.valueOf(answering.get("output_json"))).path("input_tokens").asLong()).isEqualTo(120);
        // one reply, delivered once
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ? AND direction = 'out'", Long.class, instance))
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(db.queryForObject(
                "SELECT delivery_status FROM messages WHERE job_id = ?", String.class, third)));
        assertThat(FakeGateway.server().findAll(postRequestedFor(urlEqualTo(FakeGateway.SEND))
                .withRequestBody(containing("Paket B")))).hasSize(1);
        // the reference card's monitoring SQL reads true: tokens and cost once, the latency of the one call
        assertThat(sum("SELECT SUM((output_json::json->>'input_tokens')::int) FROM ai_jobs WHERE status='done' AND instance = ?"))
                .isEqualTo(120);
        assertThat(sum("SELECT SUM((output_json::json->>'output_tokens')::int) FROM ai_jobs WHERE status='done' AND instance = ?"))
                .isEqualTo(9);
        assertThat(sum("SELECT AVG((output_json::json->>'latency_ms')::int)::bigint FROM ai_jobs WHERE status='done' AND instance = ?"))
                .isEqualTo(json.readTree(String.valueOf(answering.get("output_json"))).path("latency_ms").asLong());
        assertThat(sum("SELECT COUNT(*) FROM ai_jobs WHERE status IN ('pending', 'processing', 'failed') AND instance = ?")).isZero();
        assertThat(counter("absorbed", "")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aBurstWhoseAnswerFailsPermanentlyEndsTogether() throws Exception {
        String chat = chat();
        String marker = "burst-402-" + UUID.randomUUID();
        when(marker, FakeOpenRouter.error(402, "Insufficient credits", null));
        double failedBefore = counter("failed", "payment");
        double absorbedBefore = counter("absorbed", "payment");

        long first = postMessage(chat, "halo " + marker);
        Thread.sleep(300); // the customer types: messages 300 ms apart (input pacing, not waiting for work)
        long second = postMessage(chat, "mau tanya");
        Thread.sleep(300);
        long third = postMessage(chat, "harga paket B berapa?");

        // the answering job fails at once (402): its older burst jobs end with it, never claimed
        Map<String, Object> answering = awaitJob(third, "failed", 1);
        assertThat(answering.get("error_class")).isEqualTo("payment");
        assertThat(calls(marker)).hasSize(1);
        for (long absorbed : new long[] {first, second}) {
            Map<String, Object> row = job(absorbed);
            assertThat(row.get("status")).isEqualTo("failed");
            assertThat(row.get("attempts")).isEqualTo(0);
            assertThat(row.get("error_class")).isEqualTo("payment");
            assertThat(row.get("error_msg")).isEqualTo(answering.get("error_msg"));
            assertThat(row.get("locked_by")).isNull();
            assertThat(json.readTree(String.valueOf(row.get("output_json"))).path("answered_by_job").asLong()).isEqualTo(third);
        }
        assertThat(sum("SELECT COUNT(*) FROM ai_jobs WHERE status IN ('pending', 'processing') AND instance = ?")).isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ? AND direction = 'out'", Long.class, instance))
                .isZero();
        // counted once: one failed run, two absorbed; the seed's lines for the answering job only
        assertThat(counter("failed", "payment")).isEqualTo(failedBefore + 1);
        assertThat(counter("absorbed", "payment")).isEqualTo(absorbedBefore + 2);
        // (this burst's jobs only: another test's job may fail meanwhile on the same node)
        assertThat(logs.lines()).filteredOn(l -> List.of(first, second, third).stream().anyMatch(id -> l.contains("🚫 Job #" + id + " ")))
                .hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("🚫 Job #" + third + " permanently failed: Non-retryable error: 402"));
        // the reference card's failed-jobs SQL: each unanswered message once, under the one cause
        assertThat(db.queryForList("SELECT error_msg, COUNT(*) AS n FROM ai_jobs WHERE status='failed' AND instance = ?"
                + " AND updated_at > NOW() - INTERVAL '24 hours' GROUP BY error_msg", instance))
                .singleElement().satisfies(r -> assertThat(((Number) r.get("n")).longValue()).isEqualTo(3));

        // the chat's next message is a burst of its own: answered (when the provider is back) without the failed one
        answer("again-" + marker, "Paket B Rp150.000", 40, 4, "Paket B", "GW-BURST-402");
        long next = postMessage(chat, "halo lagi again-" + marker);
        awaitJob(next, "done", 1);
        assertThat(calls("again-" + marker)).hasSize(1);
        assertThat(job(first).get("status")).isEqualTo("failed");
    }

    @Test
    void aHumanAgentTakesTheChatUntilTheHandoffEnds() throws Exception {
        String chat = chat();
        String marker = "agent-" + UUID.randomUUID();
        answer(marker, "Terima kasih, kami bantu", 50, 6, "kami bantu", "GW-AGENT-1");
        double skippedBefore = counter("skipped", "human_agent_active");

        // the agent writes from the business phone: stored as the chat's outbound history, author agent
        HttpResponse<String> agent = postFromMe(chat, "AGENT-1", "Halo kak, saya Rina dari toko");
        assertThat(agent.statusCode()).isEqualTo(200);
        assertThat(agent.body()).startsWith("{\"status\":\"agent_message\",\"human_until\":\"");
        Map<String, Object> stored = db.queryForMap("SELECT * FROM messages WHERE instance = ? AND gateway_message_id = 'AGENT-1'", instance);
        assertThat(stored).containsEntry("direction", "out").containsEntry("author", "agent").containsEntry("chat", chat);
        assertThat(stored.get("delivery_status")).isNull();
        // the same from-me event again is stored once
        assertThat(postFromMe(chat, "AGENT-1", "Halo kak, saya Rina dari toko").body()).isEqualTo("{\"status\":\"duplicate\"}");

        // the customer answers: stored, the job ends without a call, with the reason
        long during = postMessage(chat, "oke kak " + marker);
        Map<String, Object> skipped = awaitJob(during, "done", 1);
        assertThat(json.readTree(String.valueOf(skipped.get("output_json"))).path("skipped").asText()).isEqualTo("human_agent_active");
        assertThat(calls(marker)).isEmpty();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE job_id = ?", Long.class, during)).isZero();
        assertThat(api("GET", "/api/jobs/" + during).body()).contains("\"skipped\": \"human_agent_active\"");
        assertThat(api("GET", "/api/jobs?status=done&limit=5").body()).contains("\"skipped\": \"human_agent_active\"");
        assertThat(counter("skipped", "human_agent_active")).isEqualTo(skippedBefore + 1);
        assertThat(api("GET", "/api/chats/" + instance + "/" + chat + "/handoff").body()).contains("\"handled_by\": \"human\"");

        // the handoff period passes (as if 30 minutes went by): the AI answers again, seeing the agent's words
        db.update("UPDATE chat_handoffs SET human_until = now() - interval '1 second' WHERE instance = ? AND chat = ?", instance, chat);
        long after = postMessage(chat, "masih ada stok? " + marker);
        awaitJob(after, "done", 1);
        assertThat(calls(marker)).hasSize(1);
        List<JsonNode> turns = turns(calls(marker).get(0));
        assertThat(turns).anySatisfy(t -> {
            assertThat(t.path("role").asText()).isEqualTo("assistant");
            assertThat(t.path("content").asText()).isEqualTo("Halo kak, saya Rina dari toko");
        });
        assertThat(turns.get(turns.size() - 1).path("content").asText()).isEqualTo("masih ada stok? " + marker);
        assertThat(db.queryForObject("SELECT author FROM messages WHERE job_id = ?", String.class, after)).isEqualTo("ai");
    }

    @Test
    void theEchoOfOurOwnReplyChangesNothing() throws Exception {
        String chat = chat();
        String marker = "echo-" + UUID.randomUUID();
        answer(marker, "Stok ready kak", 40, 4, "Stok ready", "GW-ECHO-" + marker);

        long asked = postMessage(chat, "ready? " + marker);
        awaitJob(asked, "done", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> ("GW-ECHO-" + marker).equals(db.queryForObject(
                "SELECT gateway_reply_id FROM messages WHERE job_id = ?", String.class, asked)));

        // the gateway posts our sent reply back as a from-me message: by its id, and (another event) by its text
        assertThat(postFromMe(chat, "GW-ECHO-" + marker, "Stok ready kak").body()).isEqualTo("{\"status\":\"echo\"}");
        assertThat(postFromMe(chat, "OTHER-ID-" + marker, "Stok ready kak").body()).isEqualTo("{\"status\":\"echo\"}");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ? AND author = 'agent'", Long.class, instance)).isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM chat_handoffs WHERE instance = ?", Long.class, instance)).isZero();

        // the AI keeps answering
        long next = postMessage(chat, "kirim hari ini? " + marker);
        Map<String, Object> done = awaitJob(next, "done", 1);
        assertThat(json.readTree(String.valueOf(done.get("output_json"))).has("skipped")).isFalse();
        assertThat(calls(marker)).hasSize(2);
    }

    @Test
    void operatorsTakeAChatOverAndHandItBack() throws Exception {
        String chat = chat();
        String marker = "operator-" + UUID.randomUUID();
        answer(marker, "Baik kak", 30, 3, "Baik kak", "GW-OP-1");
        String handoff = "/api/chats/" + instance + "/" + chat + "/handoff";

        assertThat(api("GET", handoff).body()).contains("\"handled_by\": \"ai\"");
        assertThat(api("PUT", handoff + "?minutes=0").statusCode()).isEqualTo(400);
        assertThat(api("PUT", handoff + "?minutes=abc").statusCode()).isEqualTo(400);
        HttpResponse<String> taken = api("PUT", handoff + "?minutes=15");
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
        assertThat(taken.body()).contains("\"handled_by\": \"human\"").contains("\"changed_by\": \"operator\"");

        long during = postMessage(chat, "halo? " + marker);
        assertThat(json.readTree(String.valueOf(awaitJob(during, "done", 1).get("output_json"))).path("skipped").asText())
                .isEqualTo("human_agent_active");
        assertThat(calls(marker)).isEmpty();

        HttpResponse<String> back = api("DELETE", handoff);
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).contains("\"handled_by\": \"ai\"");
        long after = postMessage(chat, "halo lagi " + marker);
        assertThat(json.readTree(String.valueOf(awaitJob(after, "done", 1).get("output_json"))).path("reply").asText())
                .isEqualTo("Baik kak");
        assertThat(calls(marker)).hasSize(1);
    }

    @Test
    void aTakeOverWithoutMinutesIsRefusedWhenTheInstanceHandoffIsOff() throws Exception {
        String chat = chat();
        String handoff = "/api/chats/" + instance + "/" + chat + "/handoff";
        HttpResponse<String> off = api("PUT", "/api/instances/" + instance, "{\"handoff_minutes\":0}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);

        // no minutes and no period of the instance to default to: 400 saying so, nothing handed over
        HttpResponse<String> refused = api("PUT", handoff);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = json.readTree(refused.body());
        assertThat(error.path("error").asText()).isEqualTo("invalid_request");
        assertThat(error.path("message").asText()).contains("minutes must be given").contains("handoff is off");
        assertThat(workerControl.takeOverChat(instance, chat, 0)).startsWith("Chat not handed to humans: ")
                .contains("handoff is off");
        assertThat(db.queryForObject("SELECT COUNT(*) FROM chat_handoffs WHERE instance = ?", Long.class, instance)).isZero();
        assertThat(api("GET", handoff).body()).contains("\"handled_by\": \"ai\"");

        // with minutes the operator takes the chat over all the same
        HttpResponse<String> taken = api("PUT", handoff + "?minutes=5");
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
        assertThat(taken.body()).contains("\"handled_by\": \"human\"");
    }

    @Test
    void theWorkerMBeanTakesAChatOverAndHandsItBack() {
        String chat = chat();
        assertThat(workerControl.takeOverChat(instance, chat, 0)).startsWith("Chat handed to humans until 20");
        assertThat(db.queryForObject("SELECT human_until > now() + interval '29 minutes' FROM chat_handoffs WHERE instance = ? AND chat = ?",
                Boolean.class, instance, chat)).isTrue();
        assertThat(workerControl.handBackChat(instance, chat)).isEqualTo("Chat handed back to the AI");
        assertThat(api("GET", "/api/chats/" + instance + "/" + chat + "/handoff").body()).contains("\"handled_by\": \"ai\"");
        assertThat(workerControl.handBackChat(instance, chat())).isEqualTo("Chat was not handed to humans; nothing changed");
    }
}
