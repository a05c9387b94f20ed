package app.clivy.aiworker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.WebhookClient;
import app.clivy.aiworker.support.WorkerProcess;
import app.clivy.aiworker.support.WorkerProcesses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.JdbcTemplate;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packed jar started as plain {@code java -jar} with no JVM options runs the worker in a child
 * JVM with the recommended options ({@link JvmRelaunch}); the parent forwards SIGTERM and exits with
 * the child's code, a child whose parent was killed shuts down by itself, and a start with JVM
 * options of its own (or {@code AI_WORKER_JVM_RELAUNCH=false}, or the Dockerfile's
 * {@code JAVA_TOOL_OPTIONS}) runs in its own JVM. Real processes of the packed jar against the fake
 * OpenRouter; the restarts run the worker as the other process tests do.
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class PlainJarLaunchProcessTest {

    private static final List<String> RECOMMENDED = List.of(JvmRelaunch.RECOMMENDED_OPTIONS.split(" "));
    /** Not heap, GC or JIT options: a start with only these is still a bare start, and the child gets them too. */
    private static final List<String> ENCODING = List.of("-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8");
    private static final int WORKER_DRAIN_SECONDS = 2;
    private static final int CAMEL_SHUTDOWN_SECONDS = 3;

    @RegisterExtension
    final WorkerProcesses node = new WorkerProcesses(WorkerProcesses.drainingNode(WORKER_DRAIN_SECONDS, CAMEL_SHUTDOWN_SECONDS));

    @Test
    void bareJavaJarRunsTheWorkerInAChildJvmWithTheRecommendedOptions() {
        String marker = "plain-jar-bare";
        when(marker, completion("reply from the child", "openai/gpt-4o", 10, 2, 0));

        WorkerProcess worker = startBare("bare");
        ProcessHandle child = onlyChildJvm(worker);
        List<String> command = commandLine(child.pid());
        System.out.println("child JVM: " + String.join(" ", command));
        assertThat(command.subList(1, 1 + RECOMMENDED.size())).as("the recommended options first").isEqualTo(RECOMMENDED);
        assertThat(command).as("the parent's other options passed on, then the same jar and arguments")
                .containsSubsequence(ENCODING.get(0), ENCODING.get(1), "-jar", WorkerProcess.packedJar().toString(),
                        "--server.port=" + worker.httpPort());
        assertThat(worker.output()).contains("JVM relaunch: running the worker in a child JVM (pid " + child.pid() + ") with "
                + JvmRelaunch.RECOMMENDED_OPTIONS + " (the recommended options; AI_WORKER_JVM_OPTIONS sets others)")
                .contains("AI_WORKER_JVM_RELAUNCH=false")
                .as("the worker's log lines come from the child").contains(" INFO " + child.pid() + " --- ");

        WebhookClient client = worker.client();
        assertThat(client.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        var res = client.post("/webhook/ai", WebhookClient.textEvent("plain-jar", "bare-1", "6285551@s.whatsapp.net",
                marker + " question"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        long jobId = Long.parseLong(res.body().replaceAll("\\D", ""));
        JdbcTemplate db = worker.db();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                "done".equals(db.queryForObject("SELECT status FROM ai_jobs WHERE id = ?", String.class, jobId)));
        assertThat(FakeOpenRouter.server().findAll(postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(containing(marker)))).hasSize(1);
        assertThat(db.queryForList("SELECT body FROM messages WHERE direction = 'out'", String.class))
                .containsExactly("reply from the child");
        System.out.printf("peak RSS (VmHWM): parent %d MB, child %d MB%n",
                peakRssKb(worker.process().pid()) / 1024, peakRssKb(child.pid()) / 1024);
    }

    @Test
    void sigtermToTheParentDrainsTheChildAndEveryJobEndsOnce() {
        InFlight run = startBareWithJobsInFlight("plain-jar-sigterm", 6);
        WorkerProcess worker = run.worker();

        long signalled = System.nanoTime();
        worker.process().destroy(); // SIGTERM to the parent only
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> worker.output().contains("🛑 Shutting down server..."));
        var refused = worker.client().post("/webhook/ai", WebhookClient.textEvent("plain-jar", "sigterm-late",
                "62855@s.whatsapp.net", "too late"));
        assertThat(refused.statusCode()).as("the child drains: " + refused.body()).isEqualTo(503);

        assertThat(worker.waitFor(Duration.ofSeconds(WORKER_DRAIN_SECONDS + CAMEL_SHUTDOWN_SECONDS + 20)))
                .as("the parent exits once the child has").isTrue();
        System.out.println("SIGTERM to the parent, to its exit: " + Duration.ofNanos(System.nanoTime() - signalled).toMillis() + " ms");
        assertThat(run.child().isAlive()).as("the child JVM").isFalse();
        assertThat(worker.process().exitValue()).as("the child's exit code, as a plain worker's on SIGTERM")
                .isEqualTo(JvmRelaunch.SIGTERM_EXIT);
        assertDrainedAndHandedBack(run);
    }

    @Test
    void aChildWhoseParentWasKilledShutsDownByItself() {
        InFlight run = startBareWithJobsInFlight("plain-jar-orphan", 4);
        WorkerProcess worker = run.worker();

        long killed = System.nanoTime();
        worker.kill(); // SIGKILL to the parent: it cannot forward anything
        assertThat(run.child().onExit()).as("the orphaned child exits by itself")
                .succeedsWithin(Duration.ofSeconds(WORKER_DRAIN_SECONDS + CAMEL_SHUTDOWN_SECONDS + 20));
        System.out.println("kill -9 of the parent, to the child's exit: " + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms");
        assertThat(portOpen(worker.httpPort())).as("the port is free").isFalse();
        assertThat(worker.output()).contains("🛑 The launching JVM (pid " + worker.process().pid()
                + ") is gone: shutting down as on SIGTERM");
        assertDrainedAndHandedBack(run); // the normal SIGTERM path
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an -Xmx of its own                    | -Xmx256m |",
            "AI_WORKER_JVM_RELAUNCH=false          |          | AI_WORKER_JVM_RELAUNCH=false",
            "JAVA_TOOL_OPTIONS, as the Dockerfile  |          | JAVA_TOOL_OPTIONS=-Xmx144m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"})
    void aStartWithOptionsOfItsOwnRunsInItsOwnJvm(String start, String jvmOption, String environment) {
        List<String> options = new ArrayList<>(ENCODING);
        if (jvmOption != null) {
            options.add(jvmOption);
        }
        Map<String, String> env = environment == null ? Map.of()
                : Map.of(environment.substring(0, environment.indexOf('=')), environment.substring(environment.indexOf('=') + 1));
        WorkerProcess worker = node.launchPackedJar("own-" + start.hashCode(), options, env, Map.of());
        String started = "Starting AiWorkerApplication";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(worker.process().isAlive()).as("running:\n" + worker.output()).isTrue();
            return worker.output().contains(started);
        });
        assertThat(worker.output()).doesNotContain("JVM relaunch")
                .as("Spring starts in the launched JVM itself").contains("with PID " + worker.process().pid() + " ");
        assertThat(worker.childJvms()).as("no child JVM").isEmpty();
    }

    private WorkerProcess startBare(String name) {
        WorkerProcess worker = node.launchPackedJar(name, ENCODING, Map.of(), Map.of());
        worker.awaitServing();
        return worker;
    }

    private static ProcessHandle onlyChildJvm(WorkerProcess worker) {
        List<ProcessHandle> children = worker.childJvms();
        assertThat(children).as("one child JVM").hasSize(1);
        return children.get(0);
    }

    /** A bare start and its child JVM, with jobs whose calls are in flight (the fake answers them after 8 s). */
    private record InFlight(WorkerProcess worker, ProcessHandle child, String marker, List<Long> jobIds) {
    }

    private InFlight startBareWithJobsInFlight(String marker, int jobs) {
        WorkerProcess worker = startBare(marker);
        ProcessHandle child = onlyChildJvm(worker);
        when(marker, completion("late reply", "openai/gpt-4o", 10, 2, 0).withFixedDelay(8000));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            var res = worker.client().post("/webhook/ai", WebhookClient.textEvent("plain-jar", marker + "-" + i,
                    "62866" + i + "@s.whatsapp.net", marker + " job-" + i + "-end"));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
            ids.add(Long.parseLong(res.body().replaceAll("\\D", "")));
        }
        JdbcTemplate db = worker.db();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'processing'", Long.class) == jobs);
        return new InFlight(worker, child, marker, ids);
    }

    /**
     * The worker's own graceful shutdown ran (the five lines in order, the jobs in flight handed
     * back, the database stopped), and a restart completes each job once.
     */
    private void assertDrainedAndHandedBack(InFlight run) {
        assertThat(run.worker().shutdownLines()).containsExactlyElementsOf(WorkerProcess.SHUTDOWN_LINES);
        assertThat(run.worker().output()).contains("↩️  Handed back " + run.jobIds().size() + " unfinished job(s) to pending");
        assertThat(node.dataDir().resolve("postmaster.pid")).as("the embedded database stopped cleanly").doesNotExist();
        restartAndAssertEachJobDoneOnce(run.marker(), run.jobIds());
    }

    /** A restart (in its own JVM) completes the handed-back jobs: each done once, at attempt 1, one reply each. */
    private void restartAndAssertEachJobDoneOnce(String marker, List<Long> jobIds) {
        when(marker, completion("on time now", "openai/gpt-4o", 10, 2, 0));
        WorkerProcess again = node.start("restart", Map.of());
        JdbcTemplate db = again.db();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status <> 'done'", Long.class) == 0);
        assertThat(db.queryForList("SELECT id FROM ai_jobs ORDER BY id", Long.class)).containsExactlyInAnyOrderElementsOf(jobIds);
        assertThat(db.queryForList("SELECT DISTINCT attempts FROM ai_jobs", Integer.class))
                .as("the stopped attempt was given back").containsExactly(1);
        assertThat(db.queryForList("SELECT body FROM messages WHERE direction = 'out'", String.class))
                .as("one reply per job, none of the stopped calls").hasSize(jobIds.size()).containsOnly("on time now");
        assertThat(db.queryForObject("SELECT COUNT(DISTINCT job_id) FROM messages WHERE direction = 'out'", Long.class))
                .isEqualTo(jobIds.size());
    }

    private static List<String> commandLine(long pid) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
            return Arrays.asList(raw.split("\0"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long peakRssKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
