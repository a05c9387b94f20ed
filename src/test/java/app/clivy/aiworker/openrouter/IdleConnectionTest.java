package app.clivy.aiworker.openrouter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.LogCapture;
import app.clivy.aiworker.support.WebhookClient;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OpenRouter's pooled keep-alive connections going stale between calls, against a raw HTTP/1.1
 * server that keeps connections alive and closes them itself after a short idle time (as servers
 * and load balancers do): a call after an idle gap must not be sent on a connection the server
 * closed (NoHttpResponseException, counted as a network error against the breaker). Connections
 * idle longer than ai-worker.openrouter.evict-idle-ms are closed by the worker first. A reloaded
 * route file's endpoint calls through a pool of its own (the old one closed with the old endpoint).
 */
@TestPropertySource(properties = {"ai-worker.openrouter.api-key=sk-or-v1-test-secret-0123456789",
        "ai-worker.openrouter.evict-idle-ms=1500", "ai-worker.retry-delay-seconds=600"})
class IdleConnectionTest extends BundleTest {

    private static final KeepAliveServer SERVER = KeepAliveServer.start();

    @RegisterExtension
    final LogCapture logs = new LogCapture();
    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void keepAliveOpenRouter(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.openrouter.base-url", () -> "http://127.0.0.1:" + SERVER.port());
    }

    @AfterAll
    static void stopServer() throws IOException {
        SERVER.close();
    }

    @BeforeEach
    void allConnectionsGone() {
        await().atMost(Duration.ofSeconds(20)).until(() -> SERVER.open() == 0);
    }

    /** Posts {@code n} messages at once (distinct chats, so they run concurrently) and waits until each is done at its first attempt. */
    private void answered(int n, String marker) {
        List<Long> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var res = client().post("/webhook/ai", WebhookClient.textEvent("idle-test", "m-" + UUID.randomUUID(),
                    "62811" + (1000000 + i) + "@s.whatsapp.net", marker + " " + i));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
            jobs.add(Long.parseLong(res.body().replaceAll("\\D", "")));
        }
        for (long job : jobs) {
            // its first outcome: a call sent on a connection the server closed is a network error (retried 10 minutes later)
            String sql = "SELECT status, attempts, error_class, error_msg FROM ai_jobs WHERE id = ?";
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                Map<String, Object> row = db.queryForMap(sql, job);
                return "done".equals(row.get("status")) || "failed".equals(row.get("status")) || row.get("error_class") != null;
            });
            assertThat(db.queryForMap(sql, job)).containsEntry("status", "done").containsEntry("attempts", 1)
                    .containsEntry("error_class", null);
        }
    }

    @Test
    void callsAfterTheServerClosedIdleConnectionsAllSucceed() {
        SERVER.idleCloseMs = 300;
        SERVER.answerDelayMs = 300; // calls overlap: the pool holds several connections
        int acceptedBefore = SERVER.accepted.get();
        answered(6, "warm-" + UUID.randomUUID());
        assertThat(SERVER.accepted.get() - acceptedBefore).as("connections opened").isGreaterThan(1);

        for (int round = 0; round < 3; round++) {
            // the server closes every idle connection (300 ms): the pool still holds them
            int closedBefore = SERVER.closedByServer.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> SERVER.open() == 0);
            System.out.printf("round %d: the server closed %d idle connections%n", round, SERVER.closedByServer.get() - closedBefore);
            answered(6, "after-gap-" + round + "-" + UUID.randomUUID());
        }
        assertThat(logs.lines()).noneMatch(l -> l.contains("NoHttpResponseException") || l.contains("failed to respond"));
    }

    @Test
    void idleConnectionsAreClosedByTheWorkerBeforeTheServerDoes() {
        SERVER.idleCloseMs = 120_000; // a server that keeps idle connections for long
        SERVER.answerDelayMs = 300;
        int closedByClientBefore = SERVER.closedByClient.get();
        answered(4, "evict-" + UUID.randomUUID());
        int opened = SERVER.open();
        assertThat(opened).isPositive();
        // evict-idle-ms 1.5 s: the worker closes them (the server sees EOF), long before the server would
        await().atMost(Duration.ofSeconds(15)).until(() -> SERVER.open() == 0);
        assertThat(SERVER.closedByClient.get() - closedByClientBefore).isGreaterThanOrEqualTo(opened);
        answered(2, "after-evict-" + UUID.randomUUID());
    }

    @Test
    void aReloadedRouteFileCallsThroughAnOpenPool() throws Exception {
        SERVER.idleCloseMs = 120_000;
        SERVER.answerDelayMs = 0;
        answered(1, "before-reload-" + UUID.randomUUID());
        // what the development route reload does when 06-call-openrouter.camel.yaml is saved
        PluginHelper.getRoutesLoader(camel).updateRoutes(
                Set.of(ResourceHelper.resolveMandatoryResource(camel, "file:routes/06-call-openrouter.camel.yaml")));
        assertThat(camel.getRoute("call-openrouter").getUptimeMillis()).isLessThan(camel.getUptime().toMillis());
        // the old endpoint's HttpClient closed its pool: the new endpoint has a pool of its own
        answered(2, "after-reload-" + UUID.randomUUID());
    }

    /**
     * HTTP/1.1 with keep-alive, one thread per connection: answers every POST with a chat
     * completion after {@code answerDelayMs}, and closes a connection idle for {@code idleCloseMs}.
     */
    static final class KeepAliveServer implements AutoCloseable {

        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger closedByServer = new AtomicInteger();
        final AtomicInteger closedByClient = new AtomicInteger();
        final AtomicInteger openNow = new AtomicInteger();
        volatile int idleCloseMs = 300;
        volatile int answerDelayMs = 0;

        private KeepAliveServer(ServerSocket socket) {
            this.socket = socket;
        }

        static KeepAliveServer start() {
            try {
                KeepAliveServer server = new KeepAliveServer(new ServerSocket(0, 128, InetAddress.getLoopbackAddress()));
                Thread acceptor = new Thread(server::accept, "keep-alive-server");
                acceptor.setDaemon(true);
                acceptor.start();
                return server;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int open() {
            return openNow.get();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    accepted.incrementAndGet();
                    openNow.incrementAndGet();
                    Thread thread = new Thread(() -> serve(connection), "keep-alive-connection");
                    thread.setDaemon(true);
                    thread.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                OutputStream out = connection.getOutputStream();
                while (true) {
                    connection.setSoTimeout(idleCloseMs);
                    String head;
                    try {
                        head = readHead(in);
                    } catch (SocketTimeoutException idle) {
                        closedByServer.incrementAndGet();
                        return;
                    }
                    if (head == null) {
                        closedByClient.incrementAndGet();
                        return;
                    }
                    connection.setSoTimeout(10_000);
                    in.readNBytes(contentLength(head));
                    sleep(answerDelayMs);
                    byte[] body = COMPLETION.getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                closedByClient.incrementAndGet();
            } finally {
                openNow.decrementAndGet();
            }
        }

        /** The request line and headers; null at EOF (the client closed the connection). */
        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                byte[] bytes = head.toByteArray();
                int n = bytes.length;
                if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                    return head.toString(StandardCharsets.US_ASCII);
                }
            }
            return null;
        }

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            return 0;
        }

        private static void sleep(int ms) {
            try {
                Thread.sleep(ms); // the server's answer time (the fake's latency, not a wait for work)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private static final String COMPLETION = """
                {"id":"gen-1744845790-VDqUk3HsqsMOdoNex7FH","provider":"DeepInfra","model":"openai/gpt-4o",
                 "object":"chat.completion","created":1744845790,
                 "choices":[{"index":0,"finish_reason":"stop","native_finish_reason":"stop",
                   "message":{"role":"assistant","content":"Baik kak","refusal":null}}],
                 "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"cost":0.00001}}
                """;
    }
}
