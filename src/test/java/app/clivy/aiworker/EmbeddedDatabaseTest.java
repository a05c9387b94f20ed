package app.clivy.aiworker;

import java.nio.file.Path;
import java.util.List;

import app.clivy.aiworker.support.WebhookClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** With no database configured the bundle runs its own PostgreSQL, and its data outlives a restart. */
class EmbeddedDatabaseTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(AiWorkerApplication.class)
                .run("--server.port=0", "--ai-worker.embedded-db.port=0",
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
}
