package app.clivy.aiworker.security;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import app.clivy.aiworker.support.BundleTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook reads JSON strictly and answers only JSON that Jackson built: a key twice or anything
 * after the event is 400 with nothing stored; event text in an answer stays a string.
 */
@TestPropertySource(properties = {"ai-worker.worker.enabled=false",
        "ai-worker.admin.user=operator", "ai-worker.admin.password=" + StrictInputTest.PASSWORD})
class StrictInputTest extends BundleTest {

    static final String PASSWORD = "strict-Secret-7";

    final String instance = "strict-" + UUID.randomUUID();

    @Test
    void aDuplicateKeyOrATrailingTokenIs400AndStoresNothing() {
        String event = textEvent(instance, "dup-1", "628@s.whatsapp.net", "hi");
        String twice = event.replaceFirst("\\{\"event\":\"Message\",", "{\"event\":\"Message\",\"instanceName\":\"victim\",");
        HttpResponse<String> dup = client().post("/webhook/ai", twice);
        assertThat(dup.statusCode()).as(dup.body()).isEqualTo(400);
        assertThat(dup.body()).startsWith("{\"error\":\"invalid_request\"").contains("instanceName");

        for (String tail : new String[] {" {}", "{\"event\":\"Message\"}", " x", "]"}) {
            HttpResponse<String> res = client().post("/webhook/ai", event + tail);
            assertThat(res.statusCode()).as(tail + ": " + res.body()).isEqualTo(400);
        }
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE instance IN (?, 'victim')", Long.class, instance)).isZero();
    }

    @Test
    void eventTextInTheIgnoredAnswerStaysAString() throws Exception {
        String injected = "x\",\"status\":\"queued\",\"job_id\":1,\"y\":\"";
        String event = "{\"event\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(injected) + ",\"instanceName\":\""
                + instance + "\",\"data\":{\"Info\":{\"ID\":\"inj-1\"}}}";
        HttpResponse<String> res = client().post("/webhook/ai", event);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode answer = new ObjectMapper().readTree(res.body());
        assertThat(answer.get("status").asText()).isEqualTo("ignored");
        assertThat(answer.get("reason").asText()).contains(injected);
        assertThat(answer.has("job_id")).isFalse();
        assertThat(answer.size()).isEqualTo(2);
    }

    /** The admin API's 404 is built by Jackson too: an instance name with quotes cannot add fields to it. */
    @Test
    void aPathValueInTheAdminApisNotFoundAnswerStaysAString() throws Exception {
        String injected = instance + "\",\"status\":\"deleted\",\"y\":\"";
        HttpResponse<String> res = client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/instances/" + URLEncoder.encode(injected, StandardCharsets.UTF_8).replace("+", "%20")))
                .DELETE().header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("operator:" + PASSWORD).getBytes(StandardCharsets.UTF_8))).build());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(404);
        JsonNode answer = new ObjectMapper().readTree(res.body());
        assertThat(answer.get("error").asText()).isEqualTo("not_found");
        // the path value as the route saw it (platform-http leaves it percent-encoded), inside the string
        assertThat(answer.get("message").asText()).startsWith("instance " + instance).endsWith(" has no settings of its own");
        assertThat(answer.has("status")).isFalse();
        assertThat(answer.size()).isEqualTo(2);
    }
}
