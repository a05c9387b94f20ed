package app.clivy.aiworker.intake;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import app.clivy.aiworker.support.BundleTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** With a token and an HMAC secret configured, only a request carrying both gets in; the rest get 401 and store nothing. */
@TestPropertySource(properties = {"ai-worker.worker.enabled=false",
        "ai-worker.intake.token=tok-Auth-Test-42", "ai-worker.intake.hmac-secret=hmac-Auth-Test-42"})
class WebhookAuthTest extends BundleTest {

    static final String TOKEN = "tok-Auth-Test-42";
    static final String SECRET = "hmac-Auth-Test-42";
    String instance;

    @BeforeEach
    void setUp() {
        instance = "auth-" + UUID.randomUUID();
    }

    private HttpResponse<String> post(byte[] body, String token, String signature) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            req.header("X-Webhook-Token", token);
        }
        if (signature != null) {
            req.header("X-Hub-Signature-256", signature);
        }
        return client().send(req.build());
    }

    private byte[] event(String id) {
        return textEvent(instance, id, "628@s.whatsapp.net", "Halo ünïcødé 😀").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSignedRequestWithTheTokenIsQueued() {
        byte[] body = event("ok-1");
        HttpResponse<String> res = post(body, TOKEN, "sha256=" + WebhookSignatures.hex(SECRET, body));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ?", Long.class, instance)).isEqualTo(1);
    }

    @Test
    void everyMissingOrWrongCredentialIs401AndStoresNothing() {
        byte[] body = event("bad-1");
        String good = "sha256=" + WebhookSignatures.hex(SECRET, body);
        byte[] other = event("bad-2");
        String[][] cases = {
                {null, null, "X-Webhook-Token header is missing"},
                {null, good, "X-Webhook-Token header is missing"},
                {"tok-Auth-Test-4", good, "X-Webhook-Token is not valid"},
                {TOKEN.toUpperCase(), good, "X-Webhook-Token is not valid"},
                {TOKEN, null, "X-Hub-Signature-256 header is missing"},
                {TOKEN, "sha256=" + WebhookSignatures.hex("wrong", body), "does not match"},
                {TOKEN, "sha256=" + WebhookSignatures.hex(SECRET, other), "does not match"},
                {TOKEN, WebhookSignatures.hex(SECRET, body), "does not match"},
        };
        for (String[] c : cases) {
            HttpResponse<String> res = post(body, c[0], c[1]);
            assertThat(res.statusCode()).as(String.join(" | ", String.valueOf(c[0]), String.valueOf(c[1]))).isEqualTo(401);
            assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(res.body()).startsWith("{\"error\":\"unauthorized\",\"message\":").contains(c[2])
                    .doesNotContain(TOKEN).doesNotContain(SECRET);
        }
        // authentication comes before parsing: an unauthenticated malformed body is 401, not 400
        assertThat(post("{nope".getBytes(StandardCharsets.UTF_8), null, null).statusCode()).isEqualTo(401);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ?", Long.class, instance)).isZero();
    }

    @Test
    void aTokenInTheUrlQueryIsNotACredential() {
        byte[] body = event("query-1");
        String signature = "sha256=" + WebhookSignatures.hex(SECRET, body);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai?X-Webhook-Token=" + TOKEN
                        + "&x-webhook-token=" + TOKEN + "&token=" + TOKEN))
                .header("Content-Type", "application/json").header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> res = client().send(req);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(401);
        assertThat(res.body()).contains("X-Webhook-Token header is missing").doesNotContain(TOKEN);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ?", Long.class, instance)).isZero();
    }
}
