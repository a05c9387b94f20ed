package app.clivy.aiworker.intake;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.WebhookClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook's edge, before anything reads or authenticates the body: an unsupported
 * Content-Type gets 415, a body over the limit gets 413 from its Content-Length before it is read,
 * or as soon as a chunked body passes the limit, without the server holding the body in memory;
 * a body of exactly the limit is still taken. All answers are JSON; nothing refused is stored.
 */
@TestPropertySource(properties = "ai-worker.worker.enabled=false")
class WebhookEdgeTest extends BundleTest {

    static final int LIMIT = 65536;
    static final int TEN_MB = 10 * 1024 * 1024;
    /** What the web server's request threads may allocate while refusing a 10 MB body. */
    static final long ALLOCATION_BOUND = 4L * 1024 * 1024;

    String instance;

    @BeforeEach
    void freshInstance() {
        instance = "edge-" + UUID.randomUUID();
    }

    private long stored() {
        return db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ?", Long.class, instance);
    }

    private HttpResponse<String> post(String contentType, HttpRequest.BodyPublisher body) {
        return client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("Content-Type", contentType).POST(body).build());
    }

    private String event(String id) {
        return WebhookClient.textEvent(instance, id, "628@s.whatsapp.net", "halo");
    }

    @Test
    void plainTextAndOtherTypesGet415AsJson() {
        for (String type : new String[] {"text/plain", "text/plain; charset=utf-8",
                "application/xml", "not a media type"}) {
            HttpResponse<String> res = post(type, HttpRequest.BodyPublishers.ofString(event("f-" + type.hashCode())));
            assertThat(res.statusCode()).as(type + ": " + res.body()).isEqualTo(415);
            assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(res.body()).isEqualTo("{\"error\":\"unsupported_media_type\",\"message\":"
                    + "\"Content-Type must be application/json or application/x-www-form-urlencoded or multipart/form-data\"}");
        }
        assertThat(stored()).isZero();
    }

    /** The form type is taken for wuzapi's form post (gateway/WuzapiGatewayTest); a form without its jsonData is a 400. */
    @Test
    void aFormPostWithoutJsonDataIs400() {
        HttpResponse<String> res = post("application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString("event=Message&instanceName=" + instance));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(res.body()).contains("form post without a jsonData field");
        assertThat(stored()).isZero();
    }

    @Test
    void jsonWithOrWithoutCharsetIsTaken() {
        assertThat(post("application/json", HttpRequest.BodyPublishers.ofString(event("j1"))).statusCode()).isEqualTo(202);
        assertThat(post("application/json; charset=UTF-8", HttpRequest.BodyPublishers.ofString(event("j2"))).statusCode()).isEqualTo(202);
        assertThat(post("Application/JSON;charset=utf-8", HttpRequest.BodyPublishers.ofString(event("j3"))).statusCode()).isEqualTo(202);
        assertThat(stored()).isEqualTo(3);
    }

    @Test
    void aBodyOfExactlyTheLimitIsTakenOneByteMoreIsNot() {
        byte[] exact = eventOfSize("exact", LIMIT);
        assertThat(post("application/json", HttpRequest.BodyPublishers.ofByteArray(exact)).statusCode()).isEqualTo(202);
        byte[] exactChunked = eventOfSize("exact-chunked", LIMIT);
        HttpResponse<String> chunked = post("application/json", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(exactChunked)));
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(202);
        assertThat(stored()).isEqualTo(2);

        HttpResponse<String> over = post("application/json", HttpRequest.BodyPublishers.ofByteArray(eventOfSize("over", LIMIT + 1)));
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.body()).isEqualTo("{\"error\":\"payload_too_large\",\"message\":\"request body is 65537 bytes; the limit is 65536\"}");
        byte[] overChunked = eventOfSize("over-chunked", LIMIT + 1);
        HttpResponse<String> overC = post("application/json", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(overChunked)));
        assertThat(overC.statusCode()).isEqualTo(413);
        assertThat(overC.body()).isEqualTo("{\"error\":\"payload_too_large\",\"message\":\"request body is more than 65536 bytes; the limit is 65536\"}");
        assertThat(stored()).isEqualTo(2);
    }

    @Test
    void tenMegabytesWithContentLengthGet413BeforeTheBodyIsSent() throws Exception {
        warmUp();
        long allocatedBefore = requestThreadsAllocated();
        // only the head: the answer must come without the server waiting for (or reading) the body
        RawAnswer answer = rawPost("Content-Length: " + TEN_MB, out -> { });
        long allocated = requestThreadsAllocated() - allocatedBefore;
        System.out.printf("10 MB with Content-Length: %d, request threads allocated %d bytes%n", answer.status, allocated);

        assertThat(answer.status).isEqualTo(413);
        assertThat(answer.headers.get("content-type")).startsWith("application/json");
        assertThat(answer.body).isEqualTo("{\"error\":\"payload_too_large\",\"message\":\"request body is 10485760 bytes; the limit is 65536\"}");
        assertThat(allocated).isLessThan(ALLOCATION_BOUND);
        assertThat(stored()).isZero();
    }

    @Test
    void tenMegabytesChunkedGet413OnceTheLimitIsPassedWithoutBeingHeldInMemory() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        warmUp();
        long allocatedBefore = requestThreadsAllocated();
        RawAnswer answer = rawPost("Transfer-Encoding: chunked", out -> {
            for (int sent = 0; sent < TEN_MB; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        });
        long allocated = requestThreadsAllocated() - allocatedBefore;
        System.out.printf("10 MB chunked: %d, request threads allocated %d bytes%n", answer.status, allocated);

        assertThat(answer.status).isEqualTo(413);
        assertThat(answer.body).isEqualTo("{\"error\":\"payload_too_large\",\"message\":\"request body is more than 65536 bytes; the limit is 65536\"}");
        assertThat(allocated).isLessThan(ALLOCATION_BOUND);
        assertThat(stored()).isZero();
    }

    /** A text event whose JSON is exactly {@code size} bytes. */
    private byte[] eventOfSize(String id, int size) {
        int base = WebhookClient.textEvent(instance, id, "628@s.whatsapp.net", "").getBytes(StandardCharsets.UTF_8).length;
        byte[] body = WebhookClient.textEvent(instance, id, "628@s.whatsapp.net", "x".repeat(size - base)).getBytes(StandardCharsets.UTF_8);
        assertThat(body).hasSize(size);
        return body;
    }

    /**
     * One refused post first: the first webhook answer of the JVM (first meter registration, class
     * initialization) allocates about 4.5 MB on its own, which is not what the bounds are about.
     */
    private void warmUp() throws Exception {
        assertThat(rawPost("Content-Length: " + TEN_MB, out -> { }).status).isEqualTo(413);
    }

    /** Bytes allocated so far by the web server's request threads (the webhook runs on them). */
    private static long requestThreadsAllocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains("http-nio")) {
                total += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
            }
        }
        return total;
    }

    record RawAnswer(int status, Map<String, String> headers, String body) {
    }

    interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * A POST over a plain socket: the body is written on another thread while the answer is read,
     * so an answer that comes before the body is all sent is seen (and a server that stops reading
     * cannot block the test).
     */
    private RawAnswer rawPost(String lengthHeader, BodyWriter body) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhook/ai HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + lengthHeader + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = new Thread(() -> {
                try {
                    body.write(out);
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed: expected for a refused body
                }
            }, "raw-body-writer");
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            byte[] content = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new RawAnswer(status, headers, new String(content, StandardCharsets.UTF_8));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the answer's head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
