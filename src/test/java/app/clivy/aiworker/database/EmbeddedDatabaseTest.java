package app.clivy.aiworker.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import app.clivy.aiworker.AiWorkerApplication;
import app.clivy.aiworker.support.WebhookClient;
import app.clivy.aiworker.support.WorkerProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With no database configured the bundle runs its own PostgreSQL, and its data outlives a restart;
 * a port another server holds is refused, and the orphan clean-up never stops a postmaster that is
 * not this folder's orphan.
 */
class EmbeddedDatabaseTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path siblingDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(AiWorkerApplication.class)
                .run("--server.port=0", "--management.server.port=0", "--ai-worker.embedded-db.port=0",
                        "--ai-worker.embedded-db.data-dir=" + dataDir, "--ai-worker.worker.enabled=false");
    }

    @Test
    void dataSurvivesARestartAndTheSeedMonitoringSqlRuns() {
        String jobId;
        try (ConfigurableApplicationContext first = start()) {
            int port = ((WebServerApplicationContext) first).getWebServer().getPort();
            var res = new WebhookClient(port).post("/webhook/ai",
                    WebhookClient.textEvent("restart", "r1", "628@s.whatsapp.net", "still there?"));
            assertThat(res.statusCode()).isEqualTo(202);
            jobId = res.body().replaceAll("\\D", "");
        }
        try (ConfigurableApplicationContext second = start()) {
            JdbcTemplate db = second.getBean(JdbcTemplate.class);
            assertThat(db.queryForObject("SELECT status FROM ai_jobs WHERE id = " + jobId, String.class)).isEqualTo("pending");
            // the reference card's monitoring SQL, verbatim
            List<String> seedSql = List.of(
                    "SELECT COUNT(*) FROM ai_jobs WHERE status='pending';",
                    "SELECT COUNT(*) FROM ai_jobs \nWHERE status='failed' AND updated_at > NOW() - INTERVAL '1 hour';",
                    "SELECT AVG((output_json::json->>'latency_ms')::int) \nFROM ai_jobs \nWHERE status='done' AND updated_at > NOW() - INTERVAL '1 hour';",
                    "SELECT \n  SUM((output_json::json->>'input_tokens')::int) as input_tokens,\n  SUM((output_json::json->>'output_tokens')::int) as output_tokens\nFROM ai_jobs \nWHERE status='done' AND DATE(updated_at) = CURRENT_DATE;",
                    "SELECT error_msg, COUNT(*) \nFROM ai_jobs \nWHERE status='failed' \n  AND updated_at > NOW() - INTERVAL '24 hours'\nGROUP BY error_msg \nORDER BY COUNT(*) DESC \nLIMIT 10;");
            for (String sql : seedSql) {
                db.queryForList(sql.replace(";", ""));
            }
            assertThat(db.queryForObject(seedSql.get(0).replace(";", ""), Long.class)).isEqualTo(1);
        }
    }

    private static EmbeddedPostgres sibling(Path folder) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(folder).setCleanDataDirectory(true)
                .setPort(WorkerProcess.freePort()).setRegisterShutdownHook(false).start();
    }

    private static boolean answers(EmbeddedPostgres pg) {
        return new JdbcTemplate(pg.getPostgresDatabase()).queryForObject("SELECT 1", Integer.class) == 1;
    }

    @Test
    void aPortAnotherPostgresHoldsIsRefusedWithThePortAndTheSetting() throws Exception {
        try (EmbeddedPostgres other = sibling(siblingDir)) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir, other.getPort(), "clivy_support", 20))
                    .isInstanceOf(EmbeddedDatabase.PortTakenException.class)
                    .hasMessageContaining("Port " + other.getPort() + " is taken")
                    .satisfies(e -> assertThat(((EmbeddedDatabase.PortTakenException) e).action())
                            .contains("AI_WORKER_EMBEDDED_DB_PORT=0"));
            assertThat(answers(other)).isTrue();
            assertThat(new JdbcTemplate(other.getPostgresDatabase())
                    .queryForList("SELECT datname FROM pg_database", String.class)).doesNotContain("clivy_support");
        }
    }

    @Test
    void theOrphanCleanUpLeavesASiblingsAndALiveWorkersPostmasterRunning() throws Exception {
        try (EmbeddedPostgres other = sibling(siblingDir)) {
            List<String> pidFile = Files.readAllLines(siblingDir.resolve("postmaster.pid"));
            Files.createDirectories(dataDir);
            // a folder copied from a running sibling: its postmaster.pid names the sibling's folder
            Files.write(dataDir.resolve("postmaster.pid"), pidFile);
            EmbeddedPostgresProcesses.stopOrphan(dataDir);
            assertThat(answers(other)).isTrue();

            // a pid file that names this folder, but the process with that pid runs on another folder
            List<String> forged = new java.util.ArrayList<>(pidFile);
            forged.set(1, dataDir.toString());
            Files.write(dataDir.resolve("postmaster.pid"), forged);
            EmbeddedPostgresProcesses.stopOrphan(dataDir);
            assertThat(answers(other)).isTrue();

            // the sibling's own folder, while its worker (this JVM) still runs it
            EmbeddedPostgresProcesses.stopOrphan(siblingDir);
            assertThat(answers(other)).isTrue();
        }
    }
}
