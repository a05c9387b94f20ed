package app.clivy.aiworker.security;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import app.clivy.aiworker.intake.WebhookSignatures;
import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook credentials of single instances, set through the admin API: an instance's token (or HMAC
 * key) admits posts for that instance only; once one is set, a post without a credential is refused
 * even from this host; the API answers only whether each is set, and no log line holds one.
 */
@DirtiesContext
@TestPropertySource(properties = {"ai-worker.worker.enabled=false", "ai-worker.admin.user=operator",
        "ai-worker.admin.password=" + InstanceCredentialsTest.PASSWORD})
class InstanceCredentialsTest extends BundleTest {

    static final String PASSWORD = "op-Instance-Creds-1";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes());

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    final String shop = "shop-" + UUID.randomUUID();
    final String other = "other-" + UUID.randomUUID();
    final String shopToken = "shop-token-" + UUID.randomUUID();
    final String otherKey = "other-hmac-" + UUID.randomUUID();

    private HttpResponse<String> api(String method, String path, String json) {
        return client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", BASIC).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> post(String json, String... headers) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        return client().send(req.build());
    }

    private long stored(String instance) {
        return db.queryForObject("SELECT count(*) FROM messages WHERE instance = ?", Long.class, instance);
    }

    @Test
    void anInstancesTokenAdmitsThatInstanceOnly() {
        HttpResponse<String> set = api("PATCH", "/api/instances/" + shop, "{\"webhook_token\":\"" + shopToken + "\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"webhook_token_set\":true").contains("\"webhook_hmac_secret_set\":false")
                .doesNotContain(shopToken);
        assertThat(api("PATCH", "/api/instances/" + other, "{\"webhook_hmac_secret\":\"" + otherKey + "\"}").statusCode()).isEqualTo(200);
        assertThat(api("GET", "/api/instances", null).body()).doesNotContain(shopToken).doesNotContain(otherKey);

        assertThat(post(textEvent(shop, "s-1", "628@s.whatsapp.net", "hi"), "X-Webhook-Token", shopToken).statusCode()).isEqualTo(202);

        // the shop's token for the other instance: refused, nothing stored
        HttpResponse<String> crossed = post(textEvent(other, "o-1", "628@s.whatsapp.net", "hi"), "X-Webhook-Token", shopToken);
        assertThat(crossed.statusCode()).as(crossed.body()).isEqualTo(401);
        assertThat(crossed.body()).contains("does not admit posts for this instance");
        assertThat(stored(other)).isZero();

        // the other's HMAC key signs its own posts only
        String otherEvent = textEvent(other, "o-2", "628@s.whatsapp.net", "hi");
        assertThat(post(otherEvent, "X-Hub-Signature-256", "sha256=" + WebhookSignatures.hex(otherKey,
                otherEvent.getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(202);
        String shopEvent = textEvent(shop, "s-2", "628@s.whatsapp.net", "hi");
        assertThat(post(shopEvent, "X-Hub-Signature-256", "sha256=" + WebhookSignatures.hex(otherKey,
                shopEvent.getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(401);

        // a credential exists now: nothing without one, not even from this host
        HttpResponse<String> bare = post(textEvent(shop, "s-3", "628@s.whatsapp.net", "hi"));
        assertThat(bare.statusCode()).as(bare.body()).isEqualTo(401);
        assertThat(stored(shop)).isEqualTo(1);

        // a PATCH of another setting keeps the token; null removes it
        assertThat(api("PATCH", "/api/instances/" + shop, "{\"quiet_ms\":0}").body()).contains("\"webhook_token_set\":true");
        assertThat(api("PATCH", "/api/instances/" + shop, "{\"webhook_token\":null}").body()).contains("\"webhook_token_set\":false");
        assertThat(post(textEvent(shop, "s-4", "628@s.whatsapp.net", "hi"), "X-Webhook-Token", shopToken).statusCode()).isEqualTo(401);

        assertThat(api("PATCH", "/api/instances/" + shop, "{\"webhook_token\":\"short\"}").statusCode()).isEqualTo(400);
        assertThat(String.join("\n", logs.lines())).doesNotContain(shopToken).doesNotContain(otherKey);
    }

    @Test
    void aTenMegabyteAdminBodyIs413() {
        String big = "{\"instance\":\"x\",\"title\":\"t\",\"content\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}";
        HttpResponse<String> res = api("POST", "/api/documents", big);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(413);
        assertThat(res.body()).startsWith("{\"error\":\"payload_too_large\"");
        // chunked, without a Content-Length: refused as soon as the limit is passed
        HttpResponse<String> chunked = client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/documents"))
                .header("Authorization", BASIC).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
        assertThat(api("POST", "/api/documents", "{\"instance\":\"x\",\"title\":\"t\",\"content\":\"small\"}").statusCode())
                .isEqualTo(201);
    }
}
