package app.clivy.aiworker.database;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
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
 * Chooses the database before anything else starts: the server named by {@code DB_HOST},
 * {@code DB_URL} or {@code spring.datasource.url}, or else an embedded PostgreSQL whose data
 * survives restarts.
 * <p>
 * Either way it publishes {@code ai-worker.db.host|port|name|user|password} and the connection the
 * pgevent listeners use, {@code ai-worker.db.listen.host|port} (pgevent brings its own driver and
 * cannot use the DataSource). The embedded server is registered as a bean the DataSource depends
 * on, so it stops after Camel and after the pool.
 * <p>
 * Behind PgBouncer in transaction pooling ({@code DB_POOLER=transaction}) a session lasts one
 * transaction: the pool's URL gets {@code prepareThreshold=0} (no server-side prepared statements,
 * which another session would not know), and the session-bound work, Flyway's migrations and LISTEN,
 * goes to {@code DB_DIRECT_HOST}/{@code DB_DIRECT_PORT}. Without a direct connection the listener
 * routes stay off ({@link app.clivy.aiworker.wakeup.ListenerRoutes}) and the sweeps wake the worker.
 */
public class DatabaseSelection implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSelection.class);
    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/,]+)(?::(\\d+))?/([^?]+).*");
    public static final String EMBEDDED_BEAN = "embeddedPostgres";
    /** true when the listener routes have a connection of their own to LISTEN on. */
    public static final String LISTEN_ENABLED = "ai-worker.db.listen.enabled";
    static final String NO_PREPARED_STATEMENTS = "prepareThreshold=0";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        Map<String, Object> resolved = new HashMap<>();
        String url = firstText(env.getProperty("spring.datasource.url"), env.getProperty("ai-worker.db.url"));
        String host = env.getProperty("ai-worker.db.host");
        String user = env.getProperty("ai-worker.db.user", "postgres");
        String name = env.getProperty("ai-worker.db.name", "clivy_support");
        boolean transactionPooler = transactionPooler(env);

        if (StringUtils.hasText(url) || StringUtils.hasText(host)) {
            String dbHost;
            String dbPort;
            String dbName;
            String password;
            if (StringUtils.hasText(url)) {
                Matcher m = JDBC_URL.matcher(url);
                if (!m.matches()) {
                    throw new IllegalStateException("spring.datasource.url (DB_URL) must look like jdbc:postgresql://host:port/db");
                }
                dbHost = m.group(1);
                dbPort = m.group(2) == null ? "5432" : m.group(2);
                dbName = m.group(3);
                user = env.getProperty("spring.datasource.username", user);
                password = env.getProperty("spring.datasource.password", env.getProperty("ai-worker.db.password", ""));
                LOG.info("🐘 Using PostgreSQL at {}:{}/{} (spring.datasource.url){}", dbHost, dbPort, dbName,
                        transactionPooler ? " through a transaction pooler" : "");
            } else {
                dbHost = host;
                dbPort = env.getProperty("ai-worker.db.port", "5432");
                dbName = name;
                password = env.getProperty("ai-worker.db.password", "");
                url = "jdbc:postgresql://" + host + ":" + dbPort + "/" + name;
                LOG.info("🐘 Using PostgreSQL at {}:{}/{} as user {} (DB_HOST){}", host, dbPort, name, user,
                        transactionPooler ? " through a transaction pooler" : "");
            }
            resolved.put("spring.datasource.url", transactionPooler ? withoutPreparedStatements(url) : url);
            resolved.put("spring.datasource.username", user);
            resolved.put("spring.datasource.password", password);
            resolved.put("ai-worker.db.host", dbHost);
            resolved.put("ai-worker.db.port", dbPort);
            resolved.put("ai-worker.db.name", dbName);
            resolved.put("ai-worker.db.user", user);
            resolved.put("ai-worker.db.password", password);
            String directHost = env.getProperty("ai-worker.db.direct.host");
            if (!transactionPooler) {
                listenOn(resolved, dbHost, dbPort);
            } else if (StringUtils.hasText(directHost)) {
                String directPort = env.getProperty("ai-worker.db.direct.port", "5432");
                listenOn(resolved, directHost, directPort);
                if (!StringUtils.hasText(env.getProperty("spring.flyway.url"))) {
                    resolved.put("spring.flyway.url", "jdbc:postgresql://" + directHost + ":" + directPort + "/" + dbName);
                    resolved.put("spring.flyway.user", user);
                    resolved.put("spring.flyway.password", password);
                }
                LOG.info("🐘 Migrations and LISTEN use the direct connection {}:{}/{} (DB_DIRECT_HOST); everything else the pooler",
                        directHost, directPort, dbName);
            } else {
                resolved.put("ai-worker.db.listen.host", dbHost);
                resolved.put("ai-worker.db.listen.port", dbPort);
                resolved.put(LISTEN_ENABLED, "false");
                LOG.warn("🐘 No direct database connection (DB_POOLER=transaction without DB_DIRECT_HOST): LISTEN does not work "
                        + "through a transaction pooler, so the listener routes stay off and wake-up falls back to the sweep "
                        + "(jobs every {} ms, replies every {} ms); migrations run through the pooler",
                        env.getProperty("ai-worker.sweep-interval-ms", "2000"),
                        env.getProperty("ai-worker.gateway.sweep-interval-ms", "2000"));
            }
        } else {
            if (transactionPooler) {
                LOG.warn("🐘 DB_POOLER=transaction is ignored: no DB_HOST or DB_URL, so the worker runs its embedded PostgreSQL");
            }
            Path dataDir = Path.of(env.getProperty("ai-worker.embedded-db.data-dir", "./data/postgres")).toAbsolutePath().normalize();
            EmbeddedPostgres pg = EmbeddedDatabase.start(dataDir, env.getProperty("ai-worker.embedded-db.port", Integer.class, 5433),
                    name, env.getProperty("ai-worker.embedded-db.max-connections", Integer.class, 100));
            resolved.put("ai-worker.embedded-db.data-dir", dataDir.toString());
            resolved.put("ai-worker.db.host", "localhost");
            resolved.put("ai-worker.db.port", String.valueOf(pg.getPort()));
            resolved.put("ai-worker.db.user", "postgres");
            resolved.put("ai-worker.db.password", "");
            listenOn(resolved, "localhost", String.valueOf(pg.getPort()));
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

    /** {@code DB_POOLER}: {@code none} (default, also for session pooling) or {@code transaction}. */
    private static boolean transactionPooler(ConfigurableEnvironment env) {
        String pooler = env.getProperty("ai-worker.db.pooler", "none").trim().toLowerCase(Locale.ROOT);
        return switch (pooler) {
            case "", "none", "session" -> false;
            case "transaction" -> true;
            default -> throw new IllegalStateException("DB_POOLER must be none, session or transaction, not " + pooler);
        };
    }

    private static void listenOn(Map<String, Object> resolved, String host, String port) {
        resolved.put("ai-worker.db.listen.host", host);
        resolved.put("ai-worker.db.listen.port", port);
        resolved.put(LISTEN_ENABLED, "true");
    }

    /** The URL with {@code prepareThreshold=0}: pgjdbc then sends every statement unnamed, within its own round trip. */
    static String withoutPreparedStatements(String url) {
        if (url.contains(NO_PREPARED_STATEMENTS)) {
            return url;
        }
        // pgjdbc takes the last value of a parameter given twice
        return url + (url.contains("?") ? "&" : "?") + NO_PREPARED_STATEMENTS;
    }

    private static String firstText(String... values) {
        for (String value : values) {
            if (StringUtils.hasText(value)) {
                return value;
            }
        }
        return null;
    }
}
