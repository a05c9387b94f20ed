package app.clivy.aiworker.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

import app.clivy.aiworker.support.WebhookClient;
import app.clivy.aiworker.support.WorkerProcess;
import app.clivy.aiworker.support.WorkerProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The start-up and shutdown windows of a real worker process, as a gateway sees them: a client
 * posts a fresh message every 50 ms from before the port opens until the process has exited
 * (SIGTERM in between), and another polls {@code /actuator/health}. Every answer is 202, or 503
 * with {@code Retry-After} and a JSON error, or no answer at all (connection refused or closed):
 * never a 404 (a gateway drops it) nor a bare 5xx. Health is not 200 before the webhook takes
 * messages, nor once the node is shutting down. A job in flight at SIGTERM keeps the node draining
 * for its shutdown timeout, so the drain is seen: every post sent once it began is refused, and
 * health answers while draining, never 200. After a restart, every message answered 202 is a job,
 * and nothing else was stored.
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class EdgeWindowsProcessTest {

    private static final String MARKER = "edge-window-marker";
    /** A message OpenRouter answers in 8 s: its job is in flight at SIGTERM, so the drain lasts the 2 s shutdown timeout. */
    private static final String SLOW_MARKER = "edge-window-slow-marker";
    private static final String INSTANCE = "edge-windows";
    private static final int NO_ANSWER = -1;

    @RegisterExtension
    final WorkerProcesses node = new WorkerProcesses(Map.of(
            "ai-worker.shutdown-timeout-seconds", "2",
            "camel.main.shutdown-timeout", "3"));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Answer(long seq, long sentAt, long receivedAt, int status, String retryAfter, String body) {

        boolean isStarting() {
            return status == 503 && body.startsWith("{\"error\":\"starting\",");
        }

        boolean isShuttingDown() {
            return status == 503 && body.startsWith("{\"error\":\"shutting_down\",");
        }
    }

    private Answer send(long seq, HttpRequest request) {
        long sent = System.nanoTime();
        try {
            HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(seq, sent, System.nanoTime(), res.statusCode(), res.headers().firstValue("Retry-After").orElse(null),
                    res.body());
        } catch (IOException e) {
            // refused before the port opens or after it closes, or closed while the server stops
            return new Answer(seq, sent, System.nanoTime(), NO_ANSWER, null, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(seq, sent, System.nanoTime(), NO_ANSWER, null, "interrupted");
        }
    }

    private Thread every50ms(AtomicBoolean running, List<Answer> into, LongFunction<HttpRequest> request) {
        Thread thread = new Thread(() -> {
            long seq = 0;
            while (running.get()) {
                long next = System.nanoTime() + 50_000_000L;
                into.add(send(seq, request.apply(seq)));
                seq++;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // the 50 ms cadence, not a wait for work
                }
            }
        }, "edge-client");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Test
    void fromBeforeThePortOpensUntilTheProcessExitsAGatewayGetsOnly202Or503WithRetryAfter() throws Exception {
        when(MARKER, completion("edge reply", "openai/gpt-4o", 10, 2, 0));
        when(SLOW_MARKER, completion("late edge reply", "openai/gpt-4o", 10, 2, 0).withFixedDelay(8000));
        List<Answer> posts = new CopyOnWriteArrayList<>();
        List<Answer> health = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);

        WorkerProcess worker = node.launch("first", Map.of("ai-worker.node-id", "edge-node"));
        String base = "http://127.0.0.1:" + worker.httpPort();
        Thread poster = every50ms(running, posts, seq -> HttpRequest.newBuilder(URI.create(base + "/webhook/ai"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(WebhookClient.textEvent(INSTANCE, "edge-" + seq,
                        "62811" + seq + "@s.whatsapp.net", MARKER + " " + seq))).build());
        Thread prober = every50ms(running, health, seq -> HttpRequest.newBuilder(worker.client().uri("/actuator/health"))
                .timeout(Duration.ofSeconds(10)).GET().build());

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!worker.process().isAlive()) {
                throw new IllegalStateException("the worker exited at start-up:\n" + worker.output());
            }
            return posts.stream().filter(a -> a.status() == 202).count() >= 20;
        });
        // one job in flight at SIGTERM: the node drains for its shutdown timeout (2 s)
        var slow = worker.client().post("/webhook/ai", WebhookClient.textEvent(INSTANCE, "edge-slow",
                "628119999@s.whatsapp.net", SLOW_MARKER + " question"));
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(202);
        long slowJob = Long.parseLong(slow.body().replaceAll("\\D", ""));
        JdbcTemplate firstDb = worker.db();
        await().atMost(Duration.ofSeconds(10)).until(() -> "processing".equals(
                firstDb.queryForObject("SELECT status FROM ai_jobs WHERE id = ?", String.class, slowJob)));
        long signalled = System.nanoTime();
        worker.process().destroy(); // SIGTERM, while the client keeps posting
        assertThat(worker.waitFor(Duration.ofSeconds(30))).as("exits after SIGTERM").isTrue();
        long exited = System.nanoTime();
        // a few more posts against the closed port
        await().atMost(Duration.ofSeconds(20)).until(() -> posts.stream().anyMatch(a -> a.sentAt() > exited));
        running.set(false);
        poster.join(15_000);
        prober.join(15_000);

        Map<String, Long> kinds = posts.stream().collect(Collectors.groupingBy(EdgeWindowsProcessTest::kind, TreeMap::new,
                Collectors.counting()));
        System.out.println("webhook answers from launch to exit: " + kinds + "; health answers: "
                + health.stream().collect(Collectors.groupingBy(a -> String.valueOf(a.status()), TreeMap::new, Collectors.counting())));

        // only 202, or 503 with Retry-After and a JSON error, or no answer
        assertThat(posts).allSatisfy(a -> {
            if (a.status() == NO_ANSWER) {
                return;
            }
            assertThat(a.status()).as("#%d %s", a.seq(), a.body()).isIn(202, 503);
            if (a.status() == 503) {
                assertThat(a.retryAfter()).as("#%d %s", a.seq(), a.body()).isEqualTo("5");
                assertThat(a.body()).as("#%d", a.seq()).matches("\\{\"error\":\"(starting|shutting_down|database_unavailable)\",\"message\":\".*\"}");
            }
        });
        assertThat(posts).as("the client posted before the port opened").first().matches(a -> a.status() == NO_ANSWER);
        assertThat(posts).as("the start-up window was seen: %s", kinds).anyMatch(Answer::isStarting);

        // health says 200 only once the webhook takes messages (the gate only opens during start-up, so a
        // post sent after a 200 was received must be taken), and no longer once the node shuts down
        Answer firstHealthy = health.stream().filter(a -> a.status() == 200).findFirst().orElseThrow();
        // (answered before SIGTERM: a post sent a moment before the signal may reach the node after it, and get 503)
        assertThat(posts).filteredOn(a -> a.sentAt() > firstHealthy.receivedAt() && a.receivedAt() < signalled)
                .as("every post sent after health first said 200 (and answered before SIGTERM)").isNotEmpty()
                .allMatch(a -> a.status() == 202);
        assertThat(health).filteredOn(a -> a.status() != NO_ANSWER).allMatch(a -> a.status() == 200 || a.status() == 503);
        // the drain was seen: once the first shutting_down answer came, no post is taken, and health
        // answers (the web server still accepts) but never 200
        Answer drain = posts.stream().filter(Answer::isShuttingDown).findFirst()
                .orElseThrow(() -> new AssertionError("no shutting_down answer while a job was in flight: " + kinds));
        assertThat(posts).filteredOn(a -> a.sentAt() > drain.receivedAt()).as("posts sent while draining or after the exit")
                .isNotEmpty().noneMatch(a -> a.status() == 202);
        assertThat(health).filteredOn(a -> a.sentAt() > drain.receivedAt() && a.status() != NO_ANSWER)
                .as("health answers while draining").isNotEmpty().noneMatch(a -> a.status() == 200);
        assertThat(posts).filteredOn(a -> a.sentAt() > exited).as("posts after the exit (the port closed)")
                .isNotEmpty().allMatch(a -> a.status() == NO_ANSWER);

        // every 202 is a job, and nothing else was stored
        List<Long> accepted = new ArrayList<>(posts.stream().filter(a -> a.status() == 202)
                .map(a -> Long.parseLong(a.body().replaceAll("\\D", ""))).toList());
        accepted.add(slowJob);
        WorkerProcess second = node.start("second", Map.of("ai-worker.node-id", "edge-node-after-restart"));
        JdbcTemplate db = second.db();
        List<Long> jobs = db.queryForList("SELECT j.id FROM ai_jobs j JOIN messages m ON m.id = j.message_id "
                + "WHERE m.instance = ?", Long.class, INSTANCE);
        assertThat(jobs).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE instance = ? AND direction = 'in'", Long.class, INSTANCE))
                .isEqualTo(accepted.size());
    }

    private static String kind(Answer a) {
        if (a.status() == NO_ANSWER) {
            return "no answer (" + a.body() + ")";
        }
        if (a.status() == 503) {
            return "503 " + a.body().replaceAll("^\\{\"error\":\"(\\w+)\".*", "$1");
        }
        return String.valueOf(a.status());
    }
}
