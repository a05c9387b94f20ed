package app.clivy.aiworker.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import app.clivy.aiworker.database.EmbeddedPostgresProcesses;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.awaitility.Awaitility.await;

/**
 * The worker as a real operating-system process ({@code java ... AiWorkerApplication}), as an
 * operator runs it: on localhost ports of its own, with its embedded PostgreSQL in {@code dataDir}
 * and OpenRouter at {@link FakeOpenRouter}. Its console output goes to a file the test reads.
 * Several starts on the same data folder are restarts of the same node.
 */
public final class WorkerProcess {

    private final Path dataDir;
    private final int dbPort;
    private final int httpPort;
    private final int managementPort;
    private final Path log;
    private final Process process;

    private WorkerProcess(Path dataDir, int dbPort, int httpPort, int managementPort, Path log, Process process) {
        this.dataDir = dataDir;
        this.dbPort = dbPort;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts the worker and waits until it serves HTTP. {@code settings} are extra
     * {@code --key=value} arguments (they outrank ./application.yaml).
     */
    public static WorkerProcess start(Path dataDir, int dbPort, String name, Map<String, String> settings) {
        WorkerProcess worker = launch(dataDir, dbPort, name, settings);
        worker.awaitServing();
        return worker;
    }

    /** Starts the worker and returns at once: its HTTP port is known, not yet open. */
    public static WorkerProcess launch(Path dataDir, int dbPort, String name, Map<String, String> settings) {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        return launch(dataDir, dbPort, name, List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8",
                "-Dsun.stdout.encoding=UTF-8", "-cp", classpath, "app.clivy.aiworker.AiWorkerApplication"), Map.of(), settings);
    }

    /**
     * Starts the packed jar ({@code target/clivy-ai-worker-*.jar}, built by {@code package} before
     * the integration tests) as {@code java <jvmOptions> -jar <jar>}, with {@code environment} added,
     * and returns at once.
     */
    public static WorkerProcess launchPackedJar(Path dataDir, int dbPort, String name, List<String> jvmOptions,
            Map<String, String> environment, Map<String, String> settings) {
        List<String> java = new ArrayList<>(jvmOptions);
        java.addAll(List.of("-jar", packedJar().toString()));
        return launch(dataDir, dbPort, name, java, environment, settings);
    }

    /** The packed jar of this build. */
    public static Path packedJar() {
        try (var jars = Files.list(Path.of("target"))) {
            return jars.filter(jar -> jar.getFileName().toString().matches("clivy-ai-worker-.*\\.jar")
                            && !jar.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no target/clivy-ai-worker-*.jar: run ./mvnw package (verify does) first"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static WorkerProcess launch(Path dataDir, int dbPort, String name, List<String> javaArguments,
            Map<String, String> environment, Map<String, String> settings) {
        int httpPort = freePort();
        int managementPort = freePort();
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaArguments);
        command.addAll(List.of(
                "--server.address=127.0.0.1", "--server.port=" + httpPort,
                "--management.server.address=127.0.0.1", "--management.server.port=" + managementPort,
                "--ai-worker.embedded-db.data-dir=" + dataDir, "--ai-worker.embedded-db.port=" + dbPort,
                "--ai-worker.openrouter.base-url=" + FakeOpenRouter.baseUrl(),
                "--ai-worker.openrouter.api-key=sk-or-v1-process-test",
                "--ai-worker.credits.startup-delay-ms=600000"));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        if (!settings.containsKey("ai-worker.intake.rate-limit-per-minute")) {
            // the process tests post faster than a desk does (as bundle-test.properties)
            command.add("--ai-worker.intake.rate-limit-per-minute=0");
        }
        if (!settings.containsKey("ai-worker.conversation.quiet-ms")) {
            // the reference card's one answer per message, as in the tests' own JVM (pom.xml)
            command.add("--ai-worker.conversation.quiet-ms=" + System.getProperty("ai-worker.conversation.quiet-ms", "0"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        for (String inherited : List.of("DB_HOST", "SPRING_DATASOURCE_URL", "WEBHOOK_TOKEN", "WEBHOOK_HMAC_SECRET",
                "WHATSAPP_GATEWAY_URL", "AI_WORKER_DEMO", "OPENROUTER_BASE_URL", "OPENROUTER_API_KEY",
                // as from a plain shell or systemd: no node id, no HOSTNAME (a start names its node with --ai-worker.node-id)
                "AI_WORKER_NODE_ID", "HOSTNAME",
                // the JVM's own options only where a test gives them
                "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            builder.environment().remove(inherited);
        }
        builder.environment().putAll(environment);
        try {
            return new WorkerProcess(dataDir, dbPort, httpPort, managementPort, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the worker has logged that it serves HTTP. */
    public void awaitServing() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the worker exited at start-up (exit code " + process.exitValue()
                        + "):\n" + output());
            }
            return output().contains("🚀 Server starting on port " + httpPort);
        });
    }

    public int httpPort() {
        return httpPort;
    }

    /** management.server.port of the process: health, probes and Prometheus. */
    public int managementPort() {
        return managementPort;
    }

    public WebhookClient client() {
        return new WebhookClient(httpPort, managementPort);
    }

    /** A connection per statement: nothing of the test keeps the database busy at shutdown. */
    public JdbcTemplate db() {
        return database(dbPort);
    }

    public static JdbcTemplate database(int dbPort) {
        return new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(),
                "jdbc:postgresql://localhost:" + dbPort + "/clivy_support", "postgres", ""));
    }

    public Process process() {
        return process;
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference card's shutdown lines, in the order a graceful shutdown prints them. */
    public static final List<String> SHUTDOWN_LINES = List.of("🛑 Shutting down server...", "🤖 Stopping AI Worker...",
            "🔕 Stopping job listener...", "✅ AI Worker stopped", "✅ Server exited gracefully");

    /** Those of {@link #SHUTDOWN_LINES} this process printed, in the order it printed them. */
    public List<String> shutdownLines() {
        return outputLines().stream()
                .map(line -> SHUTDOWN_LINES.stream().filter(line::endsWith).findFirst().orElse(null))
                .filter(line -> line != null).toList();
    }

    public List<String> outputLines() {
        return output().lines().toList();
    }

    /** SIGKILL: no shutdown hook runs; the embedded postmaster, a process of its own, stays up. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** Waits for the process to end; true when it did within {@code timeout}. */
    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** For @AfterEach: the worker and whatever embedded PostgreSQL still runs on its data folder. */
    public void destroy() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
        stopPostgres(dataDir);
    }

    /** Stops the embedded postmaster that still holds {@code dataDir}, as the worker's next start would. */
    public static void stopPostgres(Path dataDir) {
        try {
            EmbeddedPostgresProcesses.stopOrphan(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
