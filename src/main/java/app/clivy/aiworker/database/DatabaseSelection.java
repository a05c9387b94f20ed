package app.clivy.aiworker.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Chooses the database before anything else starts: the server named by {@code DB_HOST} /
 * {@code spring.datasource.url}, or else an embedded PostgreSQL whose data survives restarts.
 * <p>
 * Either way it publishes {@code ai-worker.db.host|port|name|user|password}, which the pgevent
 * listener needs (it brings its own driver and cannot use the DataSource). The embedded server is
 * registered as a bean the DataSource depends on, so it stops after Camel and after the pool.
 */
public class DatabaseSelection implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSelection.class);
    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/,]+)(?::(\\d+))?/([^?]+).*");
    public static final String EMBEDDED_BEAN = "embeddedPostgres";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        Map<String, Object> resolved = new HashMap<>();
        String url = env.getProperty("spring.datasource.url");
        String host = env.getProperty("ai-worker.db.host");
        String user = env.getProperty("ai-worker.db.user", "postgres");
        String name = env.getProperty("ai-worker.db.name", "clivy_support");

        if (StringUtils.hasText(url)) {
            Matcher m = JDBC_URL.matcher(url);
            if (!m.matches()) {
                throw new IllegalStateException("spring.datasource.url must look like jdbc:postgresql://host:port/db");
            }
            resolved.put("ai-worker.db.host", m.group(1));
            resolved.put("ai-worker.db.port", m.group(2) == null ? "5432" : m.group(2));
            resolved.put("ai-worker.db.name", m.group(3));
            resolved.put("ai-worker.db.user", env.getProperty("spring.datasource.username", user));
            resolved.put("ai-worker.db.password", env.getProperty("spring.datasource.password",
                    env.getProperty("ai-worker.db.password", "")));
            LOG.info("🐘 Using PostgreSQL at {}:{}/{} (spring.datasource.url)", m.group(1),
                    resolved.get("ai-worker.db.port"), m.group(3));
        } else if (StringUtils.hasText(host)) {
            String port = env.getProperty("ai-worker.db.port", "5432");
            resolved.put("spring.datasource.url", "jdbc:postgresql://" + host + ":" + port + "/" + name);
            resolved.put("spring.datasource.username", user);
            resolved.put("spring.datasource.password", env.getProperty("ai-worker.db.password", ""));
            LOG.info("🐘 Using PostgreSQL at {}:{}/{} as user {} (DB_HOST)", host, port, name, user);
        } else {
            Path dataDir = Path.of(env.getProperty("ai-worker.embedded-db.data-dir", "./data/postgres")).toAbsolutePath().normalize();
            EmbeddedPostgres pg = startEmbedded(env, dataDir, name);
            resolved.put("ai-worker.embedded-db.data-dir", dataDir.toString());
            resolved.put("ai-worker.db.host", "localhost");
            resolved.put("ai-worker.db.port", String.valueOf(pg.getPort()));
            resolved.put("ai-worker.db.user", "postgres");
            resolved.put("ai-worker.db.password", "");
            resolved.put("spring.datasource.url", pg.getJdbcUrl("postgres", name));
            resolved.put("spring.datasource.username", "postgres");
            resolved.put("spring.datasource.password", "");
            DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
            beans.registerSingleton(EMBEDDED_BEAN, pg);
            beans.registerDisposableBean(EMBEDDED_BEAN, () -> {
                LOG.info("🐘 Stopping embedded PostgreSQL");
                pg.close();
            });
            // the pool closes before the server stops
            beans.registerDependentBean(EMBEDDED_BEAN, "dataSource");
        }
        env.getPropertySources().addFirst(new MapPropertySource("ai-worker-database", resolved));
    }

    private EmbeddedPostgres startEmbedded(ConfigurableEnvironment env, Path dataDir, String dbName) {
        int port = env.getProperty("ai-worker.embedded-db.port", Integer.class, 5433);
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgresProcesses.stopOrphan(dataDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port == 0 ? EmbeddedPostgresProcesses.freePort() : port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .setServerConfig("max_connections", env.getProperty("ai-worker.embedded-db.max-connections", "100"))
                    .start();
            createDatabaseIfMissing(pg, dbName);
            LOG.info("🐘 Using embedded PostgreSQL 17 at localhost:{}/{} (data in {}); set DB_HOST to use your own server",
                    pg.getPort(), dbName, dataDir);
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
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
}
