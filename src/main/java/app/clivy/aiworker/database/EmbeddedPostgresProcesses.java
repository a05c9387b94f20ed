package app.clivy.aiworker.database;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Housekeeping around the embedded server's processes. */
public final class EmbeddedPostgresProcesses {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresProcesses.class);

    private EmbeddedPostgresProcesses() {
    }

    /**
     * A worker killed with -9 leaves its embedded postmaster running and holding the data folder.
     * Stop it (a fast shutdown, which PostgreSQL recovers from cleanly) so this start can take over.
     */
    public static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warn("🐘 Stopping an orphaned embedded PostgreSQL (pid {}) left by an earlier run in {}", pid, dataDir);
        orphan.get().destroy(); // SIGTERM = smart shutdown
        try {
            orphan.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            orphan.get().destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
