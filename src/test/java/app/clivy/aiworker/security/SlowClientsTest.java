package app.clivy.aiworker.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import app.clivy.aiworker.intake.WebhookSignatures;
import app.clivy.aiworker.support.BundleTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measurement: 500 connections from one client send their headers whole, with a
 * signature header (which passes the check before the body, since a signature is checked over the
 * whole body) and a 2,000-byte {@code Content-Length}, then dribble the body a byte a second. While
 * they hold on, the liveness probe on the management port and a signed webhook post on the main
 * port each answer in under a second; then every slow connection is cut off with 408 at the body
 * deadline, and none of them stored anything.
 */
@TestPropertySource(properties = {"ai-worker.worker.enabled=false",
        "ai-worker.intake.hmac-secret=" + SlowClientsTest.SECRET,
        "ai-worker.intake.body-deadline-ms=8000"})
class SlowClientsTest extends BundleTest {

    static final String SECRET = "slow-clients-test-secret";
    static final int SLOW = 500;
    static final long DEADLINE_MS = 8000;

    final String instance = "slow-" + UUID.randomUUID();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    int posted;

    @Test
    void fiveHundredSlowBodiesStarveNeitherTheWebhookNorTheLivenessProbe() throws Exception {
        // warm both paths first: the first requests' class loading and JIT are not what is measured
        for (int i = 0; i < 30; i++) {
            assertThat(liveness()).isLessThan(10_000);
            assertThat(signedPost()).isLessThan(10_000);
        }

        List<Socket> slow = new ArrayList<>();
        try {
            byte[] headers = ("POST /webhook/ai HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\nContent-Length: 2000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < SLOW; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.getOutputStream().write(headers);
                socket.getOutputStream().flush();
                slow.add(socket);
            }
            long opened = System.nanoTime();
            Thread dribbler = new Thread(() -> dribble(slow), "slow-client");
            dribbler.setDaemon(true);
            dribbler.start();

            // during the hold (every connection is still within its deadline): probe both, several times
            Thread.sleep(1000);
            List<Long> live = new ArrayList<>();
            List<Long> webhook = new ArrayList<>();
            while (millisSince(opened) < DEADLINE_MS - 2500) {
                live.add(liveness());
                webhook.add(signedPost());
                Thread.sleep(100);
            }
            long lastProbe = millisSince(opened);
            System.out.printf("SlowClientsTest: %d slow connections; liveness ms %s; webhook ms %s%n", SLOW, live, webhook);
            assertThat(live).hasSizeGreaterThanOrEqualTo(5);
            assertThat(live.stream().mapToLong(Long::longValue).max().orElseThrow()).as("liveness ms " + live).isLessThan(1000);
            assertThat(webhook.stream().mapToLong(Long::longValue).max().orElseThrow()).as("webhook ms " + webhook).isLessThan(1000);
            assertThat(lastProbe).as("the probes ran while the slow connections were held").isLessThan(DEADLINE_MS);

            // then each slow connection is answered 408 at the deadline and closed
            dribbler.interrupt(); // before the deadline: no byte is written to a connection the server closed
            dribbler.join();
            int timedOut = 0;
            for (Socket socket : slow) {
                socket.setSoTimeout((int) Math.max(1, DEADLINE_MS + 10_000 - millisSince(opened)));
                if (statusLine(socket.getInputStream()).startsWith("HTTP/1.1 408")) {
                    timedOut++;
                }
            }
            assertThat(timedOut).isEqualTo(SLOW);
            assertThat(millisSince(opened)).isBetween(DEADLINE_MS - 1000, DEADLINE_MS + 10_000);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE instance = ?", Long.class, instance))
                .as("the signed posts, and nothing of the slow ones").isEqualTo((long) posted);
    }

    /** One byte a second on every slow connection (a client that hung up is left alone). */
    private static void dribble(List<Socket> slow) {
        while (!Thread.currentThread().isInterrupted()) {
            for (Socket socket : slow) {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(' ');
                    out.flush();
                } catch (IOException closed) {
                    // answered and closed by the server
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String statusLine(InputStream in) {
        try {
            return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        }
    }

    /** Milliseconds for {@code GET /actuator/health/liveness} on the management port, 200 expected. */
    private long liveness() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> res = send(HttpRequest.newBuilder(url("/actuator/health/liveness")).GET());
        long ms = millisSince(start);
        if (res != null) {
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        }
        return ms;
    }

    /** Milliseconds for a signed webhook post, 202 expected. */
    private long signedPost() throws Exception {
        byte[] body = textEvent(instance, "fast-" + posted, "628" + posted + "@s.whatsapp.net", "hi")
                .getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", "sha256=" + WebhookSignatures.hex(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        long ms = millisSince(start);
        if (res != null) {
            assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
            posted++;
        }
        return ms;
    }

    /** The answer, or null when none came within 10 s (the elapsed time then says so). */
    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
            return null;
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
