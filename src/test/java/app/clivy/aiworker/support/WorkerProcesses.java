package app.clivy.aiworker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.util.FileSystemUtils;

/**
 * One node's starts as real processes ({@link WorkerProcess}), all on the same embedded data folder
 * and database port: a restart is another {@link #start}. Registered with
 * {@code @RegisterExtension}, it kills what is left after each test: the processes and the
 * postmaster a killed worker leaves behind.
 */
public final class WorkerProcesses implements AfterEachCallback {

    private final Path folder;
    private final Path dataDir;
    private final int dbPort = WorkerProcess.freePort();
    private final Map<String, String> common;
    private final List<WorkerProcess> started = new ArrayList<>();

    /**
     * A node whose shutdown is quick to watch: jobs in flight get {@code drainSeconds}, Camel
     * {@code camelSeconds}; calls may take 20 s and the sweep runs every 500 ms.
     */
    public static Map<String, String> drainingNode(int drainSeconds, int camelSeconds) {
        return Map.of(
                "ai-worker.openrouter.timeout-ms", "20000",
                "ai-worker.shutdown-timeout-seconds", String.valueOf(drainSeconds),
                "camel.main.shutdown-timeout", String.valueOf(camelSeconds),
                "ai-worker.sweep-interval-ms", "500");
    }

    /** {@code common}: settings of every start ({@code --key=value}). */
    public WorkerProcesses(Map<String, String> common) {
        try {
            this.folder = Files.createTempDirectory("worker-process-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.dataDir = folder.resolve("postgres");
        this.common = common;
    }

    /** Starts the node (again) and waits until it serves HTTP; {@code name} names its console log. */
    public WorkerProcess start(String name, Map<String, String> settings) {
        WorkerProcess worker = launch(name, settings);
        worker.awaitServing();
        return worker;
    }

    /** Starts the node (again) and returns at once, before it serves HTTP. */
    public WorkerProcess launch(String name, Map<String, String> settings) {
        WorkerProcess worker = WorkerProcess.launch(dataDir, dbPort, name, merged(settings));
        started.add(worker);
        return worker;
    }

    /**
     * Starts the node (again) from the packed jar, {@code java <jvmOptions> -jar <jar>} with
     * {@code environment} added, and returns at once.
     */
    public WorkerProcess launchPackedJar(String name, List<String> jvmOptions, Map<String, String> environment,
            Map<String, String> settings) {
        WorkerProcess worker = WorkerProcess.launchPackedJar(dataDir, dbPort, name, jvmOptions, environment, merged(settings));
        started.add(worker);
        return worker;
    }

    private Map<String, String> merged(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(common);
        all.putAll(settings);
        return all;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(WorkerProcess::destroy);
        WorkerProcess.stopPostgres(dataDir);
        FileSystemUtils.deleteRecursively(folder.toFile());
    }
}
