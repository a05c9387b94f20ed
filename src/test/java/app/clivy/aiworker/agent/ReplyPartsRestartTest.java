package app.clivy.aiworker.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import app.clivy.aiworker.AiWorkerApplication;
import app.clivy.aiworker.support.FakeGateway;
import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.LogCapture;
import app.clivy.aiworker.support.WebhookClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static app.clivy.aiworker.agent.ReplyPartsDeliveryTest.longAnswer;
import static app.clivy.aiworker.agent.ReplyPartsDeliveryTest.paragraphsSent;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 9,000-character answer sent in parts, and the worker stopped between two of them: the parts
 * already sent are recorded, the rest handed back; the next start on the same database sends the
 * rest, so the gateway takes every part once, in order.
 */
class ReplyPartsRestartTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start(long partPauseMs, LogCapture logs) {
        SpringApplicationBuilder app = new SpringApplicationBuilder(AiWorkerApplication.class);
        app.listeners((ApplicationListener<ApplicationPreparedEvent>) prepared -> logs.reattach());
        return app.run("--server.port=0", "--management.server.port=0", "--ai-worker.embedded-db.port=0", "--ai-worker.embedded-db.data-dir=" + dataDir,
                "--ai-worker.node-id=reply-parts-restart", "--ai-worker.conversation.quiet-ms=0",
                "--ai-worker.openrouter.base-url=" + FakeOpenRouter.baseUrl(), "--ai-worker.openrouter.api-key=sk-or-v1-parts-test",
                "--ai-worker.gateway.url=" + FakeGateway.baseUrl(), "--ai-worker.gateway.token=" + FakeGateway.TOKEN,
                "--ai-worker.gateway.type=wuzapi", "--ai-worker.gateway.sweep-interval-ms=300",
                "--ai-worker.agent.part-pause-ms=" + partPauseMs,
                "--ai-worker.shutdown-timeout-seconds=2", "--ai-worker.sweep-interval-ms=500",
                "--ai-worker.credits.startup-delay-ms=600000");
    }

    @Test
    void aLongAnswerStoppedBetweenTwoPartsIsFinishedByTheNextStartEachPartSentOnceInOrder() {
        when("rp-restart", completion(longAnswer("rp-restart"), "openai/gpt-4o", 10, 2000, 0.001));
        server().stubFor(send("rp-restart").willReturn(sent("gw-restart")));
        long id;
        try (LogCapture logs = new LogCapture()) {
            // a long pause between parts: the stop comes while the reply is half sent
            ConfigurableApplicationContext first = start(1500, logs);
            int port = ((WebServerApplicationContext) first).getWebServer().getPort();
            var res = new WebhookClient(port).post("/webhook/ai",
                    WebhookClient.textEvent("parts-restart", "pr-1", "628555@s.whatsapp.net", "rp-restart tell me all"));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
            JdbcTemplate db = first.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    db.queryForObject("SELECT count(*) FROM reply_parts WHERE sent_at IS NOT NULL", Integer.class) >= 2);
            id = db.queryForObject("SELECT message_id FROM reply_parts LIMIT 1", Long.class);

            first.close();
            long handedBackAfter = logs.lines().stream().filter(l -> l.startsWith("↩️  Reply #" + id + " handed back before part ")).count();
            assertThat(handedBackAfter).as("hand-back line").isEqualTo(1);
        }
        int sentBefore;
        try (LogCapture logs = new LogCapture()) {
            ConfigurableApplicationContext second = start(100, logs);
            try (second) {
                JdbcTemplate db = second.getBean(JdbcTemplate.class);
                Map<String, Object> left = db.queryForMap("SELECT delivery_status, delivery_parts, delivery_parts_sent, "
                        + "delivery_lease_token FROM messages WHERE id = ?", id);
                sentBefore = ((Number) left.get("delivery_parts_sent")).intValue();
                assertThat(sentBefore).as("parts sent before the stop").isBetween(2, 5);
                assertThat(left).containsEntry("delivery_status", "pending").containsEntry("delivery_parts", 6);

                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                        "sent".equals(db.queryForObject("SELECT delivery_status FROM messages WHERE id = ?", String.class, id)));
                assertThat(db.queryForObject("SELECT count(*) FROM reply_parts WHERE message_id = ? AND sent_at IS NOT NULL",
                        Integer.class, id)).isEqualTo(6);
                // the customer by the salted id, never the number
                String customer = second.getBean(app.clivy.aiworker.openrouter.OpenRouterUser.class)
                        .idOf("parts-restart", "628555@s.whatsapp.net");
                assertThat(logs.lines()).contains("📤 Reply #" + id + " part " + (sentBefore + 1) + " of 6 to customer " + customer
                        + " sent (gateway id gw-restart)");
            }
        }
        // the gateway took all 30 paragraphs once each, in order, across both starts
        assertThat(paragraphsSent("rp-restart")).containsExactlyElementsOf(IntStream.rangeClosed(1, 30).boxed().toList());
    }
}
