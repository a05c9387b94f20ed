package app.clivy.aiworker.gateway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import app.clivy.aiworker.intake.WebhookSignatures;
import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.FakeGateway;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole bundle as a desk connected to several gateways at once: one gateway URL (the fake
 * serves every gateway's send path), type {@code auto} (each reply in the dialect of the gateway its
 * message came from), wuzapi's HMAC key, Meta's app secret and verify token, and the shared
 * webhook token that a post without a signature header carries. Every gateway test
 * class shares this configuration, so they share one Spring context.
 */
@TestPropertySource(properties = {"ai-worker.gateway.type=auto",
        // no credit check from this context: its log lines would land in the credit monitor tests' capture
        "ai-worker.credits.startup-delay-ms=3600000",
        "ai-worker.gateway.wuzapi.hmac-key=" + GatewayTest.WUZAPI_KEY,
        "ai-worker.intake.token=" + GatewayTest.WEBHOOK_TOKEN,
        "ai-worker.gateway.cloud-api.app-secret=" + GatewayTest.APP_SECRET,
        "ai-worker.gateway.cloud-api.verify-token=" + GatewayTest.VERIFY_TOKEN})
abstract class GatewayTest extends DeliveryTest {

    static final String WUZAPI_KEY = "wuzapi-hmac-key-Test-77";
    /** The shared webhook token: the gateways that do not sign (Evolution GO, Evolution API, WAHA) send it. */
    static final String WEBHOOK_TOKEN = "shared-webhook-token-Test-66";
    static final String APP_SECRET = "meta-app-secret-Test-88";
    static final String VERIFY_TOKEN = "meta-verify-token-Test-99";
    /** An instance with a gateway of its own: its URL (a prefix on the fake), its token, its type. */
    static final String OWN_INSTANCE = "shop-own-gateway";
    static final String OWN_PREFIX = "/own";
    static final String OWN_TOKEN = "own-gateway-token-Test-55";

    @DynamicPropertySource
    static void ownGateway(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.gateway.instances." + OWN_INSTANCE + ".url", () -> FakeGateway.baseUrl() + OWN_PREFIX);
        registry.add("ai-worker.gateway.instances." + OWN_INSTANCE + ".token", () -> OWN_TOKEN);
        registry.add("ai-worker.gateway.instances." + OWN_INSTANCE + ".type", () -> "evolution-api");
    }

    protected HttpResponse<String> postJson(String path, String json, String... headers) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Posts with the given headers; with none, with the shared webhook token (as a gateway that does not sign). */
    protected HttpResponse<String> post(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length == 0) {
            req.header("X-Webhook-Token", WEBHOOK_TOKEN);
        }
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        return client().send(req.build());
    }

    /** wuzapi's signature header: the hex HMAC-SHA256 of the raw body with the user's HMAC key. */
    protected static String[] wuzapiSigned(byte[] body) {
        return new String[] {"x-hmac-signature", WebhookSignatures.hex(WUZAPI_KEY, body)};
    }

    /** Meta's signature header: {@code sha256=} + the hex HMAC-SHA256 of the raw body with the app secret. */
    protected static String[] metaSigned(String json) {
        return new String[] {"X-Hub-Signature-256", "sha256=" + WebhookSignatures.hex(APP_SECRET, json.getBytes(StandardCharsets.UTF_8))};
    }

    protected static long jobId(HttpResponse<String> res) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        return Long.parseLong(res.body().replaceAll("\\D", ""));
    }

    protected static void assertIgnored(HttpResponse<String> res, String reason) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).startsWith("{\"status\":\"ignored\",\"reason\":").contains(reason);
    }

    /**
     * A from-me message (written on the business phone, not the echo of an AI reply): 200
     * agent_message, stored once as the chat's outbound history with author agent, no job.
     */
    protected void assertAgentMessage(HttpResponse<String> res, String gatewayMessageId, String chat) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).startsWith("{\"status\":\"agent_message\"");
        Map<String, Object> row = db.queryForMap("SELECT * FROM messages WHERE instance = ? AND gateway_message_id = ?",
                instance, gatewayMessageId);
        assertThat(row).containsEntry("direction", "out").containsEntry("author", "agent").containsEntry("chat", chat);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE message_id = ?", Long.class, row.get("id"))).isZero();
    }

    /** The inbound message row of a job. */
    protected Map<String, Object> inbound(long jobId) {
        return db.queryForMap("SELECT m.* FROM messages m JOIN ai_jobs j ON j.message_id = m.id WHERE j.id = ?", jobId);
    }

    /** A Cloud API instance for this test: Meta's phone_number_id, which is digits (the webhook refuses any other). */
    protected String metaPhoneNumberId() {
        return "1065" + Integer.toUnsignedString(instance.hashCode());
    }

    /** The customer messages stored for {@code instance} (a human agent's from-me messages are outbound). */
    protected long countMessages(String instance) {
        return db.queryForObject("SELECT count(*) FROM messages WHERE instance = ? AND direction = 'in'", Long.class, instance);
    }

    /** Waits for the job's reply to be sent and returns its row. */
    protected Map<String, Object> awaitReplySent(long jobId) {
        awaitDone(jobId);
        long id = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, jobId);
        return awaitDelivery(id, "sent");
    }
}
