package app.clivy.aiworker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.awaitility.Awaitility.await;

/**
 * A real PgBouncer ({@code /usr/sbin/pgbouncer}, Debian's package) in <b>transaction</b> pooling, as
 * a process of its own on a free loopback port, in front of a PostgreSQL on {@code serverPort}: every
 * database name goes to that server. Clients log in as {@code postgres} (trust authentication);
 * PgBouncer's own sessions on the server are user {@value #SERVER_USER} (a superuser the server must
 * have), so {@code pg_stat_activity.usename} and {@code installed_by} tell what came through the
 * pooler from what came directly. Closing it stops the process.
 */
public final class PgBouncer implements AutoCloseable {

    public static final String SERVER_USER = "pooler";
    public static final Path BINARY = Path.of(System.getenv().getOrDefault("PGBOUNCER", "/usr/sbin/pgbouncer"));

    private final int port;
    private final Path folder;
    private final Process process;

    private PgBouncer(int port, Path folder, Process process) {
        this.port = port;
        this.folder = folder;
        this.process = process;
    }

    /** Why the pooler tests cannot run here, or null when they can (or must: under CI a missing binary fails). */
    private static String missing() {
        if (Files.isExecutable(BINARY)) {
            return null;
        }
        return BINARY + " is missing: install PgBouncer (apt-get install -y pgbouncer) to run the pooler tests";
    }

    private static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Fails when the binary is missing under CI ({@code CI=true}): CI must never skip the pooler tests
     * silently ({@code .ci/run} installs it). Elsewhere {@link Required} has skipped them already.
     */
    public static void requireBinary() {
        String missing = missing();
        if (missing != null) {
            throw new IllegalStateException(missing + (underCi() ? " (CI=true: not skipped)" : ""));
        }
    }

    /** {@code @ExtendWith}: skips (reported as skipped, with the reason) without the binary, except under CI. */
    public static final class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String missing = missing();
            if (missing == null || underCi()) {
                return ConditionEvaluationResult.enabled("PgBouncer at " + BINARY);
            }
            System.err.println("⚠  Skipping " + context.getDisplayName() + ": " + missing);
            return ConditionEvaluationResult.disabled(missing);
        }
    }

    public static PgBouncer start(int serverPort) {
        requireBinary();
        int port = WorkerProcess.freePort();
        try {
            Path folder = Files.createTempDirectory("pgbouncer-");
            Files.writeString(folder.resolve("userlist.txt"), "\"postgres\" \"\"\n");
            StringBuilder ini = new StringBuilder()
                    .append("[databases]\n")
                    .append("* = host=127.0.0.1 port=").append(serverPort).append(" user=").append(SERVER_USER).append('\n')
                    .append("[pgbouncer]\n")
                    .append("listen_addr = 127.0.0.1\n")
                    .append("listen_port = ").append(port).append('\n')
                    .append("unix_socket_dir =\n")
                    .append("auth_type = trust\n")
                    .append("auth_file = ").append(folder.resolve("userlist.txt")).append('\n')
                    .append("pool_mode = transaction\n")
                    // several server connections, taken in turn: consecutive transactions of one client meet
                    // different sessions, as they do under load (a session-bound statement fails at once)
                    .append("default_pool_size = 8\n")
                    .append("min_pool_size = 4\n")
                    .append("server_round_robin = 1\n")
                    .append("max_client_conn = 200\n")
                    // pgjdbc sends it at connect; PgBouncer refuses unknown startup parameters
                    .append("ignore_startup_parameters = extra_float_digits\n");
            if ("root".equals(System.getProperty("user.name"))) {
                ini.append("user = nobody\n"); // PgBouncer refuses to run as root
            }
            Path config = folder.resolve("pgbouncer.ini");
            Files.writeString(config, ini.toString());
            Process process = new ProcessBuilder(BINARY.toString(), config.toString())
                    .redirectErrorStream(true).redirectOutput(folder.resolve("pgbouncer.log").toFile()).start();
            PgBouncer bouncer = new PgBouncer(port, folder, process);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("pgbouncer exited:\n" + bouncer.log());
                }
                return accepts(port);
            });
            return bouncer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public String log() {
        try {
            return Files.readString(folder.resolve("pgbouncer.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(folder.toFile());
    }
}
