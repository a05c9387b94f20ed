package app.clivy.aiworker.security;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import app.clivy.aiworker.support.BundleTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults, no credential configured: a post from this host with no forwarding header is taken
 * (the README's first trial with curl), the same post as an internet client sends it, through a
 * reverse proxy or a tunnel on this host, is refused with 401 and stores nothing.
 */
@TestPropertySource(properties = "ai-worker.worker.enabled=false")
class ClosedByDefaultTest extends BundleTest {

    final String instance = "closed-" + UUID.randomUUID();

    private HttpResponse<String> post(String json, String... headers) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        return client().send(req.build());
    }

    @Test
    void aPostThroughAProxyOrTunnelOnThisHostIsRefusedWithoutACredential() {
        String[][] proxies = {{"X-Forwarded-For", "203.0.113.9"}, {"Forwarded", "for=203.0.113.9;proto=https"},
                {"X-Real-IP", "203.0.113.9"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "desk.example"},
                {"CF-Connecting-IP", "203.0.113.9"}, {"Via", "1.1 proxy"}};
        int n = 0;
        for (String[] proxy : proxies) {
            HttpResponse<String> res = post(textEvent(instance, "fwd-" + n++, "628@s.whatsapp.net", "hi"), proxy);
            assertThat(res.statusCode()).as(proxy[0] + ": " + res.body()).isEqualTo(401);
            assertThat(res.body()).startsWith("{\"error\":\"unauthorized\"").contains("only posts from this host");
        }
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE instance = ?", Long.class, instance)).isZero();

        HttpResponse<String> local = post(textEvent(instance, "local-1", "628@s.whatsapp.net", "hi"));
        assertThat(local.statusCode()).as(local.body()).isEqualTo(202);
    }

    @Test
    void aBodyDribbledByteByByteIsCutOffAtTheDeadline() throws Exception {
        byte[] body = textEvent(instance, "slow-1", "628@s.whatsapp.net", "hi").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            var out = socket.getOutputStream();
            out.write(("POST /webhook/ai HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            var in = socket.getInputStream();
            int sent = 0;
            // one byte a second (each within the server's read timeout) until the server answers
            while (in.available() == 0 && sent < body.length - 1 && System.nanoTime() - start < 15_000_000_000L) {
                try {
                    out.write(body[sent++]);
                    out.flush();
                } catch (java.io.IOException closed) {
                    break;
                }
                Thread.sleep(1000);
            }
            String answer = new String(in.readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(answer).isEqualTo("HTTP/1.1 408");
            assertThat(seconds).isBetween(4L, 9L);
        }
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE instance = ?", Long.class, instance)).isZero();
    }
}
