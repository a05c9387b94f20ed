package app.clivy.aiworker.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import app.clivy.aiworker.AiWorkerApplication;
import app.clivy.aiworker.support.FakeGateway;
import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.LogCapture;
import app.clivy.aiworker.support.PgBouncer;
import app.clivy.aiworker.support.WebhookClient;
import app.clivy.aiworker.support.WorkerProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The bundle behind a real PgBouncer in transaction pooling (a process of its own, in front of a
 * real PostgreSQL): the pool runs without server-side prepared statements, so the whole pipeline
 * works through the pooler, from the webhook to the reply delivered to the gateway; migrations and
 * LISTEN use the direct connection when there is one. Without one, the worker says so at start-up,
 * has no listener routes, and the sweeps finish the work.
 * <p>
 * Needs {@code /usr/sbin/pgbouncer}: skipped without it, except under CI ({@code CI=true}), where
 * it fails.
 */
@ExtendWith(PgBouncer.Required.class)
class PgBouncerTest {

    private static Path serverFolder;
    private static EmbeddedPostgres server;
    private static PgBouncer bouncer;
    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    @BeforeAll
    static void startServerAndPooler() throws Exception {
        PgBouncer.requireBinary();
        serverFolder = Files.createTempDirectory("pooled-postgres-");
        server = EmbeddedPostgres.builder().setDataDirectory(serverFolder).setCleanDataDirectory(true)
                .setPort(WorkerProcess.freePort()).setRegisterShutdownHook(false).start();
        JdbcTemplate admin = new JdbcTemplate(server.getPostgresDatabase());
        admin.execute("CREATE DATABASE with_direct");
        admin.execute("CREATE DATABASE sweep_only");
        admin.execute("CREATE DATABASE not_declared");
        admin.execute("CREATE ROLE " + PgBouncer.SERVER_USER + " LOGIN SUPERUSER");
        bouncer = PgBouncer.start(server.getPort());
    }

    @AfterAll
    static void stopPoolerAndServer() throws Exception {
        if (bouncer != null) {
            bouncer.close();
        }
        if (server != null) {
            server.close();
            FileSystemUtils.deleteRecursively(serverFolder.toFile());
        }
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(ConfigurableApplicationContext::close);
    }

    /**
     * Starts a node on the pooler named by the seed's variables {@code DB_HOST}, {@code DB_PORT},
     * {@code DB_NAME}, {@code DB_USER}, {@code DB_PASSWORD} and {@code more} (given as properties of
     * the same names, which application.yaml's placeholders read like environment variables).
     */
    private ConfigurableApplicationContext start(LogCapture logs, String database, String... more) {
        List<String> args = new ArrayList<>(List.of("--DB_HOST=127.0.0.1", "--DB_PORT=" + bouncer.port(),
                "--DB_NAME=" + database, "--DB_USER=postgres", "--DB_PASSWORD="));
        args.addAll(List.of(more));
        return startWith(logs, database, args);
    }

    private ConfigurableApplicationContext startWith(LogCapture logs, String database, List<String> more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0", "--spring.jmx.enabled=false",
                // health's details read anonymously, as bundle-test.properties gives them to the other tests
                "--management.endpoint.health.show-details=always", "--management.endpoint.health.show-components=always",
                "--ai-worker.node-id=pooled-" + database,
                "--ai-worker.openrouter.base-url=" + FakeOpenRouter.baseUrl(),
                "--ai-worker.openrouter.api-key=sk-or-v1-pooler-test", "--ai-worker.credits.startup-delay-ms=3600000",
                "--ai-worker.gateway.url=" + FakeGateway.baseUrl(), "--ai-worker.gateway.token=" + FakeGateway.TOKEN,
                // the fake speaks wuzapi's send API: every reply in its dialect, whatever posted the message
                "--ai-worker.gateway.type=wuzapi"));
        args.addAll(more);
        ConfigurableApplicationContext node = new SpringApplicationBuilder(AiWorkerApplication.class)
                .listeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) prepared -> logs.reattach())
                .run(args.toArray(String[]::new));
        nodes.add(node);
        return node;
    }

    private static WebhookClient client(ConfigurableApplicationContext node) {
        return new WebhookClient(((WebServerApplicationContext) node).getWebServer().getPort(),
                node.getEnvironment().getProperty("local.management.port", Integer.class));
    }

    private static JdbcTemplate direct(String database) {
        return new JdbcTemplate(server.getDatabase("postgres", database));
    }

    /** Posts one message and waits until its job is done and its reply was sent to the gateway; returns the job id. */
    private static long messageAnsweredAndDelivered(ConfigurableApplicationContext node, String database, String marker) {
        FakeOpenRouter.when(marker, completion("reply for " + marker, "openai/gpt-4o", 12, 4, 0.00002));
        FakeGateway.server().stubFor(FakeGateway.send(marker).willReturn(FakeGateway.sent("gw-" + marker)));
        var res = client(node).post("/webhook/ai", WebhookClient.textEvent("pooled", "msg-" + marker,
                "6281234500001@s.whatsapp.net", "question " + marker));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        long jobId = Long.parseLong(res.body().replaceAll("\\D", ""));
        JdbcTemplate db = direct(database);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> "sent".equals(
                db.queryForList("SELECT delivery_status FROM messages WHERE job_id = ? AND direction = 'out'", String.class, jobId)
                        .stream().findFirst().orElse(null)));
        Map<String, Object> job = db.queryForMap("SELECT status, attempts FROM ai_jobs WHERE id = ?", jobId);
        assertThat(job).containsEntry("status", "done").containsEntry("attempts", 1);
        assertThat(db.queryForObject("SELECT gateway_reply_id FROM messages WHERE job_id = ? AND direction = 'out'",
                String.class, jobId)).isEqualTo("gw-" + marker);
        FakeGateway.server().verify(1, postRequestedFor(urlEqualTo(FakeGateway.SEND))
                .withHeader("Token", equalTo(FakeGateway.TOKEN))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("reply for " + marker)));
        return jobId;
    }

    private static String url(DataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getURL();
        }
    }

    /** The users of the backends LISTENing on {@code channel} in {@code database}. */
    private static List<String> listeners(String database, String channel) {
        return direct(database).queryForList("SELECT usename FROM pg_stat_activity WHERE datname = ? AND query = ?",
                String.class, database, "LISTEN " + channel);
    }

    /** Who ran the migrations: {@value PgBouncer#SERVER_USER} when through the pooler. */
    private static List<String> migratedBy(String database) {
        return direct(database).queryForList("SELECT DISTINCT installed_by FROM flyway_schema_history WHERE success", String.class);
    }

    private static long poolerSessions(String database) {
        return direct(database).queryForObject("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ? AND usename = ?",
                Long.class, database, PgBouncer.SERVER_USER);
    }

    /** The pooler reproduces the fault: undeclared, the pool's server-side prepared statements meet other sessions. */
    @Test
    void undeclaredTheTransactionPoolerBreaksTheStart() {
        try (LogCapture logs = new LogCapture()) {
            assertThatThrownBy(() -> start(logs, "not_declared", "--ai-worker.sweep-interval-ms=300"))
                    .hasStackTraceContaining("prepared statement \"S_").hasStackTraceContaining("does not exist");
            // Spring Boot's start-up failure report names the setting that fixes it
            assertThat(String.join("\n", logs.lines())).contains("APPLICATION FAILED TO START")
                    .contains("transaction pooler").contains("set DB_POOLER=transaction").contains("DB_DIRECT_HOST");
        }
    }

    @Test
    void theWholePipelineRunsThroughThePoolerWithMigrationsAndListenOnTheDirectConnection() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            // sweeps far apart: only the listeners can wake the worker and the delivery within the test
            ConfigurableApplicationContext node = start(logs, "with_direct", "--DB_POOLER=transaction",
                    "--DB_DIRECT_HOST=127.0.0.1", "--DB_DIRECT_PORT=" + server.getPort(),
                    "--ai-worker.sweep-interval-ms=600000", "--ai-worker.gateway.sweep-interval-ms=600000");

            messageAnsweredAndDelivered(node, "with_direct", "pooled-direct-one");
            messageAnsweredAndDelivered(node, "with_direct", "pooled-direct-two");

            // the pool goes through the pooler, without server-side prepared statements
            assertThat(url(node.getBean(DataSource.class))).contains(":" + bouncer.port() + "/with_direct").contains("prepareThreshold=0");
            assertThat(poolerSessions("with_direct")).as("PgBouncer's sessions on the server").isPositive();
            // Flyway migrated through the direct connection
            assertThat(url(node.getBean(Flyway.class).getConfiguration().getDataSource())).contains(":" + server.getPort() + "/with_direct");
            assertThat(migratedBy("with_direct")).containsExactly("postgres");
            // one LISTEN per channel, on a direct connection of its own
            for (String channel : List.of("ai_jobs_channel", "ai_replies_channel")) {
                assertThat(listeners("with_direct", channel)).as(channel).containsExactly("postgres");
            }
            assertThat(logs.contains("Migrations and LISTEN use the direct connection 127.0.0.1:" + server.getPort())).isTrue();
            assertThat(logs.everything()).doesNotContain("prepared statement");
        }
    }

    @Test
    void withoutADirectConnectionTheWorkerSaysSoHasNoListenerAndTheSweepsFinishTheWork() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            // a full DB_URL instead of DB_HOST/DB_PORT/DB_NAME
            ConfigurableApplicationContext node = startWith(logs, "sweep_only", List.of(
                    "--DB_URL=jdbc:postgresql://127.0.0.1:" + bouncer.port() + "/sweep_only?ApplicationName=clivy-pooled",
                    "--DB_USER=postgres", "--DB_POOLER=transaction",
                    "--ai-worker.sweep-interval-ms=300", "--ai-worker.gateway.sweep-interval-ms=300"));

            assertThat(logs.lines()).anyMatch(line -> line.contains("No direct database connection")
                    && line.contains("wake-up falls back to the sweep (jobs every 300 ms, replies every 300 ms)"));
            CamelContext camel = node.getBean(CamelContext.class);
            assertThat(camel.getRoute("job-listener")).as("job listener route").isNull();
            assertThat(camel.getRoute("reply-listener")).as("reply listener route").isNull();
            assertThat(camel.getRoute("job-sweep")).isNotNull();

            messageAnsweredAndDelivered(node, "sweep_only", "pooled-sweep-one");
            messageAnsweredAndDelivered(node, "sweep_only", "pooled-sweep-two");

            // migrations ran through the pooler, on the pool itself
            assertThat(url(node.getBean(DataSource.class))).isEqualTo(
                    "jdbc:postgresql://127.0.0.1:" + bouncer.port() + "/sweep_only?ApplicationName=clivy-pooled&prepareThreshold=0");
            assertThat(url(node.getBean(Flyway.class).getConfiguration().getDataSource())).contains(":" + bouncer.port() + "/sweep_only");
            assertThat(migratedBy("sweep_only")).containsExactly(PgBouncer.SERVER_USER);
            assertThat(listeners("sweep_only", "ai_jobs_channel")).isEmpty();
            assertThat(listeners("sweep_only", "ai_replies_channel")).isEmpty();
            // health claims no listener it does not have
            var health = client(node).get("/actuator/health");
            assertThat(health.body()).contains("\"listener\":\"absent\"");
            assertThat(logs.everything()).doesNotContain("prepared statement").doesNotContain("Could not stop route");
        }
    }
}
