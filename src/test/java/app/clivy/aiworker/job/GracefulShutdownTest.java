package app.clivy.aiworker.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.AiWorkerApplication;
import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.LogCapture;
import app.clivy.aiworker.support.WebhookClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the application (what SIGTERM does) with a job in flight against a slow OpenRouter: the
 * reference card's five lines in order, the job handed back to pending with its attempt given
 * back, no row left processing, and the job completes on the next start.
 */
class GracefulShutdownTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start(boolean worker) {
        return start(worker, null);
    }

    private ConfigurableApplicationContext start(boolean worker, LogCapture logs) {
        SpringApplicationBuilder app = new SpringApplicationBuilder(AiWorkerApplication.class);
        if (logs != null) {
            app.listeners((ApplicationListener<ApplicationPreparedEvent>) prepared -> logs.reattach());
        }
        return app.run("--server.port=0", "--management.server.port=0", "--ai-worker.embedded-db.port=0", "--ai-worker.embedded-db.data-dir=" + dataDir,
                        "--ai-worker.worker.enabled=" + worker, "--ai-worker.node-id=shutdown-test-node",
                        "--ai-worker.openrouter.base-url=" + FakeOpenRouter.baseUrl(),
                        "--ai-worker.openrouter.api-key=sk-or-v1-shutdown-test",
                        "--ai-worker.openrouter.timeout-ms=20000", "--ai-worker.shutdown-timeout-seconds=2",
                        "--ai-worker.sweep-interval-ms=500", "--ai-worker.credits.startup-delay-ms=600000");
    }

    @Test
    void aJobInFlightAtShutdownIsHandedBackAndCompletesOnTheNextStart() {
        when("slow-at-shutdown", completion("late reply", "openai/gpt-4o", 10, 2, 0).withFixedDelay(5000));
        long jobId;
        try (LogCapture logs = new LogCapture()) {
            ConfigurableApplicationContext first = start(true, logs);
            int port = ((WebServerApplicationContext) first).getWebServer().getPort();
            assertThat(logs.contains("🤖 AI Worker started")).isTrue();
            assertThat(logs.contains("🚀 Server starting on port " + port)).isTrue();

            var res = new WebhookClient(port).post("/webhook/ai",
                    WebhookClient.textEvent("shutdown", "s1", "628@s.whatsapp.net", "slow-at-shutdown please"));
            assertThat(res.statusCode()).isEqualTo(202);
            jobId = Long.parseLong(res.body().replaceAll("\\D", ""));
            JdbcTemplate db = first.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    "processing".equals(db.queryForObject("SELECT status FROM ai_jobs WHERE id = ?", String.class, jobId)));

            // SIGTERM runs the close on a thread of its own; meanwhile the worker drains and the
            // web server still accepts: a webhook now gets 503 shutting_down, not a reset
            Thread closing = new Thread(first::close, "sigterm");
            closing.start();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                    .until(() -> logs.contains("🛑 Shutting down server..."));
            var refused = new WebhookClient(port).post("/webhook/ai",
                    WebhookClient.textEvent("shutdown", "s2", "628@s.whatsapp.net", "while stopping"));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(refused.body()).startsWith("{\"error\":\"shutting_down\",");
            await().atMost(Duration.ofSeconds(30)).until(() -> !closing.isAlive());

            List<String> order = List.of("🛑 Shutting down server...", "🤖 Stopping AI Worker...", "🔕 Stopping job listener...",
                    "✅ AI Worker stopped", "✅ Server exited gracefully");
            List<String> lines = logs.lines("app.clivy.aiworker.Server");
            assertThat(lines.stream().filter(order::contains).toList()).containsExactlyElementsOf(order);
            assertThat(logs.contains("↩️  Handed back 1 unfinished job(s) to pending: [" + jobId + "]")).isTrue();
            // the database stops after the worker has handed its jobs back
            assertThat(logs.lines().indexOf("✅ AI Worker stopped"))
                    .isLessThan(logs.lines().indexOf("🐘 Stopping embedded PostgreSQL"));
        }

        // after exit: nothing processing, the job pending again with its attempt given back
        try (ConfigurableApplicationContext intakeOnly = start(false)) {
            JdbcTemplate db = intakeOnly.getBean(JdbcTemplate.class);
            assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE status = 'processing'", Long.class)).isZero();
            assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE body = 'while stopping'", Long.class))
                    .as("the refused webhook stored nothing").isZero();
            Map<String, Object> job = db.queryForMap("SELECT status, attempts, locked_by FROM ai_jobs WHERE id = ?", jobId);
            assertThat(job).containsEntry("status", "pending").containsEntry("attempts", 0).containsEntry("locked_by", null);
        }

        when("slow-at-shutdown", completion("on time now", "openai/gpt-4o", 10, 2, 0));
        try (ConfigurableApplicationContext next = start(true)) {
            JdbcTemplate db = next.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    "done".equals(db.queryForObject("SELECT status FROM ai_jobs WHERE id = ?", String.class, jobId)));
            assertThat(db.queryForObject("SELECT attempts FROM ai_jobs WHERE id = ?", Integer.class, jobId)).isEqualTo(1);
            // the late reply of the first node was never written
            assertThat(db.queryForList("SELECT body FROM messages WHERE job_id = ? AND direction = 'out'", String.class, jobId))
                    .containsExactly("on time now");
        }
    }
}
