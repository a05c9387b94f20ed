package app.clivy.aiworker.process;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import app.clivy.aiworker.support.WebhookClient;
import app.clivy.aiworker.support.WorkerTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.CHAT;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops for 20 s while four gateways keep posting distinct messages, then comes back.
 * While it is down the webhook answers only 503 {@code database_unavailable} with Retry-After (no
 * other 5xx, no 4xx, no reset); every message answered 202 has its job, and every job ends
 * {@code done} at its first attempt with exactly one reply and one OpenRouter call, also those
 * caught in a call when the database went away (their replies wait for it instead of being bought
 * again after the lease). The worker does not spin meanwhile (a bounded number of skipped sweeps
 * and claims, one line each, no stack traces), and afterwards one connection LISTENs.
 * About a minute plus the context start: it runs in verify's integration-test phase.
 */
@Tag("process")
@DirtiesContext
// a lease far longer than the test: a job completed by its lease running out would miss the bound
@TestPropertySource(properties = "ai-worker.lease-margin-seconds=300")
class DatabaseOutageUnderLoadTest extends WorkerTest {

    private static final int GATEWAYS = 4;
    private static final Duration PACE = Duration.ofMillis(100);
    private static final Duration BEFORE = Duration.ofSeconds(4);
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration AFTER = Duration.ofSeconds(10);
    /** The pool's connection timeout (application.yaml): how long a post waits before its 503. */
    private static final long POOL_TIMEOUT_MS = 3000;
    /** HikariCP's longest pause between two tries to reconnect. */
    private static final long POOL_RECONNECT_MS = 5000;
    private static final String DATABASE_UNAVAILABLE =
            "{\"error\":\"database_unavailable\",\"message\":\"the message could not be stored; send it again later\"}";

    private static EmbeddedPostgres restarted;

    @Autowired
    EmbeddedPostgres embedded;
    @Value("${ai-worker.embedded-db.data-dir}")
    Path dataDir;

    /** One webhook post: when it was sent (ms since the load began) and what came back (status -1: no HTTP answer). */
    private record Answer(String messageId, long sentAtMs, int status, String body, String retryAfter, String contentType) {

        long jobId() {
            return Long.parseLong(body.replaceAll("\\D", ""));
        }
    }

    /** When the database went down, when it was told to start again, when it accepted connections (ms since the load began). */
    private record Outage(long stoppedAtMs, long restartedAtMs, long backAtMs) {
    }

    @Test
    void aTwentySecondOutageUnderLoadLosesNothingAnswersOnly503AndLeavesOneListener() throws Exception {
        when("outage-load", completion("ok", "openai/gpt-4o", 20, 3, 0.00001).withFixedDelay(100));
        // answered only once the database is gone: their replies must wait for it, not be lost
        when("outage-slow", completion("ok", "openai/gpt-4o", 20, 3, 0.00001).withFixedDelay(3000));
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners() == 1);

        GatewayLoad load = new GatewayLoad();
        Thread.sleep(BEFORE.toMillis());
        List<Long> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(postMessage("outage-slow question " + i));
        }
        // the moment the last one is claimed it is in its 3 s call: stop the database then
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                slow.stream().noneMatch(id -> "pending".equals(job(id).get("status"))));
        List<Long> caughtInFlight = slow.stream().filter(id -> "processing".equals(job(id).get("status"))).toList();
        assertThat(caughtInFlight).isNotEmpty();
        Outage outage = stopDatabaseFor(OUTAGE, load);
        Thread.sleep(AFTER.toMillis());
        List<Answer> answers = load.stop();
        printSummary(answers, outage);

        assertTheWebhookAnsweredOnly202Or503AroundTheOutage(answers, outage);
        assertEveryAcceptedMessageHasItsJob(answers);

        // every job (also one whose insert committed while its answer was a 503) ends done, without
        // waiting for a lease: the jobs caught in flight finish once the database is back
        await("every job done").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                jobsWhere("status <> 'done'") == 0);
        System.out.printf("outage under load: the last job done %d ms after the database was back%n",
                load.elapsedMs() - outage.backAtMs());
        long jobs = jobsWhere("true");
        assertThat(jobsWhere("attempts <> 1")).as("jobs run more than once").isZero();
        assertThat(calls("outage-load") + calls("outage-slow")).as("OpenRouter calls").isEqualTo(jobs);
        assertThat(caughtInFlight).allSatisfy(id -> assertThat(job(id)).containsEntry("status", "done").containsEntry("attempts", 1));
        assertThat(db.queryForList("""
                SELECT j.id FROM ai_jobs j LEFT JOIN messages o ON o.job_id = j.id AND o.direction = 'out'
                 WHERE j.instance = ? GROUP BY j.id HAVING COUNT(o.id) <> 1""", Long.class, instance))
                .as("jobs without exactly one reply").isEmpty();

        // the worker backed off: each skipped sweep or claim waited for the pool's connection timeout,
        // so a 20 s outage gives a handful of lines, not a spin; and no stack traces
        long skipped = logs.lines().stream().filter(l -> l.startsWith("⚠  Job sweep skipped: database unavailable")
                || l.startsWith("⚠  Job claim skipped: database unavailable")).count();
        System.out.printf("outage under load: %d jobs (%d caught in a call), %d skipped sweeps and claims%n",
                jobs, caughtInFlight.size(), skipped);
        assertThat(skipped).isPositive().isLessThanOrEqualTo(30);
        assertThat(logs.lines("org.apache.camel.processor.errorhandler.DefaultErrorHandler")).isEmpty();
        assertThat(logs.lines("org.apache.camel.processor.FatalFallbackErrorHandler")).isEmpty();
        assertThat(logs.lines("org.apache.camel.component.timer.TimerConsumer")).isEmpty();

        // one listening connection, and it stays one (reconnectDelay is 1 s)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> listeners() == 1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> listeners() == 1);
    }

    private Outage stopDatabaseFor(Duration outage, GatewayLoad load) throws Exception {
        int dbPort = embedded.getPort();
        long stoppedAtMs = load.elapsedMs();
        embedded.close();
        Thread.sleep(outage.toMillis());
        long restartedAtMs = load.elapsedMs();
        restarted = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setPort(dbPort).setRegisterShutdownHook(false).start();
        return new Outage(stoppedAtMs, restartedAtMs, load.elapsedMs());
    }

    private static void printSummary(List<Answer> answers, Outage outage) {
        Map<String, Map<Integer, Long>> byPhase = answers.stream().collect(Collectors.groupingBy(
                a -> a.sentAtMs() < outage.stoppedAtMs() ? "1 up" : a.sentAtMs() < outage.backAtMs() ? "2 down" : "3 back",
                TreeMap::new, Collectors.groupingBy(Answer::status, Collectors.counting())));
        System.out.printf("outage under load: %d posts, by phase and status %s (-1 = no HTTP answer); database down at %d ms, back at %d ms%n",
                answers.size(), byPhase, outage.stoppedAtMs(), outage.backAtMs());
    }

    private static void assertTheWebhookAnsweredOnly202Or503AroundTheOutage(List<Answer> answers, Outage outage) {
        // no 500, no other 5xx, no 4xx, no reset or timeout
        assertThat(answers).filteredOn(a -> a.status() != 202 && a.status() != 503).isEmpty();
        List<Answer> refused = answers.stream().filter(a -> a.status() == 503).toList();
        assertThat(refused).allSatisfy(a -> {
            assertThat(a.body()).isEqualTo(DATABASE_UNAVAILABLE);
            assertThat(a.retryAfter()).isEqualTo("5");
            assertThat(a.contentType()).startsWith("application/json");
        });
        // the outage was felt, and only around it: a post meets it if sent up to a pool timeout
        // before, or while the pool reconnects after
        assertThat(refused).filteredOn(a -> a.sentAtMs() > outage.stoppedAtMs() && a.sentAtMs() < outage.restartedAtMs())
                .isNotEmpty();
        assertThat(refused).allMatch(a -> a.sentAtMs() > outage.stoppedAtMs() - POOL_TIMEOUT_MS
                && a.sentAtMs() < outage.backAtMs() + POOL_RECONNECT_MS);
        assertThat(answers).filteredOn(a -> a.sentAtMs() < outage.stoppedAtMs() - POOL_TIMEOUT_MS)
                .isNotEmpty().allMatch(a -> a.status() == 202);
        // it resumed by itself: each gateway's last message was stored
        for (int g = 0; g < GATEWAYS; g++) {
            String prefix = "gw" + g + "-";
            Answer last = answers.stream().filter(a -> a.messageId().startsWith(prefix))
                    .max(Comparator.comparingLong(Answer::sentAtMs)).orElseThrow();
            assertThat(last.status()).as(last.toString()).isEqualTo(202);
        }
    }

    private void assertEveryAcceptedMessageHasItsJob(List<Answer> answers) {
        Map<String, Long> jobByMessage = db.queryForList(
                        "SELECT m.gateway_message_id, j.id FROM ai_jobs j JOIN messages m ON m.id = j.message_id WHERE j.instance = ?",
                        instance).stream()
                .collect(Collectors.toMap(r -> (String) r.get("gateway_message_id"), r -> ((Number) r.get("id")).longValue()));
        assertThat(answers).filteredOn(a -> a.status() == 202)
                .allSatisfy(a -> assertThat(jobByMessage).containsEntry(a.messageId(), a.jobId()));
    }

    /** {@link #GATEWAYS} threads, each posting its own numbered messages every {@link #PACE} until stopped. */
    private final class GatewayLoad {

        private final long start = System.nanoTime();
        private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean posting = new AtomicBoolean(true);
        private final ExecutorService gateways = Executors.newFixedThreadPool(GATEWAYS);

        GatewayLoad() {
            for (int g = 0; g < GATEWAYS; g++) {
                int gateway = g;
                gateways.submit(() -> {
                    for (int n = 0; posting.get(); n++) {
                        answers.add(post("gw" + gateway + "-" + n, "62811000" + gateway + "@s.whatsapp.net"));
                        Thread.sleep(PACE.toMillis());
                    }
                    return null;
                });
            }
        }

        long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }

        List<Answer> stop() throws InterruptedException {
            posting.set(false);
            gateways.shutdown();
            assertThat(gateways.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            return List.copyOf(answers);
        }

        private Answer post(String messageId, String sender) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            WebhookClient.textEvent(instance, messageId, sender, "outage-load question " + messageId)))
                    .build();
            long sentAt = elapsedMs();
            try {
                HttpResponse<String> res = client().send(request);
                return new Answer(messageId, sentAt, res.statusCode(), res.body(),
                        res.headers().firstValue("Retry-After").orElse(null), res.headers().firstValue("Content-Type").orElse(""));
            } catch (RuntimeException e) {
                return new Answer(messageId, sentAt, -1, e.toString(), null, "");
            }
        }
    }

    private static long calls(String marker) {
        return server().findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing(marker))).size();
    }

    private long jobsWhere(String condition) {
        return db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ? AND " + condition, Long.class, instance);
    }

    private int listeners() {
        return db.queryForObject("SELECT COUNT(*) FROM pg_stat_activity WHERE query = 'LISTEN ai_jobs_channel'", Integer.class);
    }

    @AfterAll
    static void stopRestartedServer() throws Exception {
        if (restarted != null) {
            restarted.close();
        }
    }
}
