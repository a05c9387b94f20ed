package app.clivy.aiworker.security;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import app.clivy.aiworker.intake.WebhookSignatures;
import app.clivy.aiworker.support.BundleTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Posts of every gateway's shape to a bundle where only one gateway's signing secret is configured. */
abstract class DialectCredentials extends BundleTest {

    /** A Cloud API business number id (digits): the instance of every shape here. */
    final String instance = String.valueOf(100_000_000_000L + (long) (Math.random() * 800_000_000_000L));

    HttpResponse<String> post(String json, String... headers) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        return client().send(req.build());
    }

    static String hex(String key, String json) {
        return WebhookSignatures.hex(key, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Every shape but {@code own}: refused unsigned, signed with the configured secret, and with a guessed token. */
    void everyOtherShapeIsRefused(String own, String key, String signatureHeader, String prefix) {
        for (Map.Entry<String, String> shape : GatewayShapes.textMessages(instance, "other").entrySet()) {
            if (shape.getKey().equals(own)) {
                continue;
            }
            String json = shape.getValue();
            for (String[] headers : new String[][] {{}, {signatureHeader, prefix + hex(key, json)},
                    {"X-Webhook-Token", key}, {"X-Forwarded-For", "203.0.113.9"}}) {
                HttpResponse<String> res = post(json, headers);
                assertThat(res.statusCode()).as(shape.getKey() + " " + String.join(" ", headers) + ": " + res.body()).isEqualTo(401);
                assertThat(res.body()).startsWith("{\"error\":\"unauthorized\"").doesNotContain(key);
            }
        }
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE instance = ? AND gateway_message_id LIKE 'other%'", Long.class, instance)).isZero();
    }

    void ownShapeSignedIsQueued(String own, String key, String signatureHeader, String prefix) {
        String json = GatewayShapes.textMessages(instance, "own").get(own);
        HttpResponse<String> res = post(json, signatureHeader, prefix + hex(key, json));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        assertThat(post(json).statusCode()).as("unsigned, from this very host").isEqualTo(401);
    }
}
