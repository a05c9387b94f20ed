package app.clivy.aiworker.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's own PostgreSQL 17, used only when it is provably the server answering: the port is
 * free before the start, and afterwards the server on that port reports this node's data folder
 * ({@code SHOW data_directory}). Without these checks a taken port went unnoticed: the embedded
 * postmaster failed to bind, the start-up wait connected to whatever listened there, and a second
 * worker stored its messages in the first worker's database.
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    public static final String PORT_SETTING = "AI_WORKER_EMBEDDED_DB_PORT";
    /** With port 0: free ports tried, in case another program takes one between the check and the bind. */
    private static final int FREE_PORT_TRIES = 3;

    private EmbeddedDatabase() {
    }

    /** Starts the server on {@code port} (0 = a free port) and creates {@code dbName} when missing. */
    public static EmbeddedPostgres start(Path dataDir, int port, String dbName, int maxConnections) {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgresProcesses.stopOrphan(dataDir);
            EmbeddedPostgres pg = port == 0 ? startOnFreePort(dataDir, maxConnections) : startOn(dataDir, port, maxConnections);
            createDatabaseIfMissing(pg, dbName);
            LOG.info("🐘 Using embedded PostgreSQL 17 at localhost:{}/{} (data in {}){}; set DB_HOST to use your own server",
                    pg.getPort(), dbName, dataDir, port == 0 ? ", a free port (" + PORT_SETTING + "=0)" : "");
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    private static EmbeddedPostgres startOnFreePort(Path dataDir, int maxConnections) throws IOException {
        PortTakenException last = null;
        for (int i = 0; i < FREE_PORT_TRIES; i++) {
            try {
                return startOn(dataDir, EmbeddedPostgresProcesses.freePort(), maxConnections);
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    private static EmbeddedPostgres startOn(Path dataDir, int port, int maxConnections) throws IOException {
        if (!isFree(port)) {
            throw new PortTakenException(port, "another program listens there (a second worker? a local PostgreSQL?)");
        }
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .setServerConfig("max_connections", String.valueOf(maxConnections))
                    .start();
        } catch (IOException | RuntimeException e) {
            if (!isFree(port)) {
                // taken between the check and the bind, by a program that does not answer as PostgreSQL
                throw new PortTakenException(port, "it was taken while the embedded PostgreSQL started");
            }
            throw e;
        }
        String answering = dataDirectoryOf(pg);
        if (answering == null || !EmbeddedPostgresProcesses.sameFolder(answering, dataDir)) {
            // our postmaster could not bind: another PostgreSQL answered the start-up wait
            pg.close();
            throw new PortTakenException(port, "another PostgreSQL answers there"
                    + (answering == null ? "" : " (data folder " + answering + ")"));
        }
        return pg;
    }

    /** True when nothing listens on the loopback port (what the postmaster binds as localhost). */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String dataDirectoryOf(EmbeddedPostgres pg) {
        try (Connection c = pg.getPostgresDatabase().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW data_directory")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            // e.g. an answer that needs a password: not the embedded server, which trusts local users
            return null;
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres pg, String dbName) {
        try (Connection c = pg.getPostgresDatabase().getConnection();
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, dbName);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE \"" + dbName.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + dbName + " in the embedded PostgreSQL", e);
        }
    }

    /** The embedded database's port is not this node's to use. */
    public static final class PortTakenException extends IllegalStateException {

        private final int port;

        PortTakenException(int port, String why) {
            super("🐘 Port " + port + " is taken: " + why + ". The embedded PostgreSQL cannot start there, and this "
                    + "worker will not use a database it did not start");
            this.port = port;
        }

        public int getPort() {
            return port;
        }

        /** What the operator does about it. */
        public String action() {
            return "Set " + PORT_SETTING + " to a free port (e.g. " + PORT_SETTING + "=" + (port + 1) + "), or "
                    + PORT_SETTING + "=0 for any free port (logged at start-up), or DB_HOST to use your own server.";
        }
    }
}
