package app.clivy.aiworker.job;

import java.time.Duration;
import java.util.Map;

import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.contextLengthExceeded;
import static app.clivy.aiworker.support.FakeOpenRouter.emptyChoices;
import static app.clivy.aiworker.support.FakeOpenRouter.error;
import static app.clivy.aiworker.support.FakeOpenRouter.finishReasonError;
import static app.clivy.aiworker.support.FakeOpenRouter.garbage;
import static app.clivy.aiworker.support.FakeOpenRouter.moderation;
import static app.clivy.aiworker.support.FakeOpenRouter.rateLimited;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.within;

/**
 * The error table of the design, row by row: each test posts a message, lets the fake answer
 * with one of OpenRouter's real shapes, and reads the job row and the log line it ends with.
 */
class OutcomeMappingTest extends WorkerTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void successStoresOutputJsonAndTheReplyAsOutboundMessage() throws Exception {
        when("alpha-success", completion("Toko buka jam 9 pagi.", "meta-llama/llama-3.3-70b-instruct", 1234, 567, 0.00042));
        long id = postMessage("alpha-success jam buka?");

        Map<String, Object> row = awaitJob(id, "done", 1);
        JsonNode out = json.readTree(row.get("output_json").toString());
        assertThat(out.path("reply").asText()).isEqualTo("Toko buka jam 9 pagi.");
        assertThat(out.path("model").asText()).isEqualTo("meta-llama/llama-3.3-70b-instruct");
        assertThat(out.path("input_tokens").asInt()).isEqualTo(1234);
        assertThat(out.path("output_tokens").asInt()).isEqualTo(567);
        assertThat(out.path("cost").asDouble()).isEqualTo(0.00042);
        assertThat(out.path("latency_ms").isIntegralNumber()).isTrue();
        assertThat(row.get("error_class")).isNull();
        assertThat(row.get("locked_by")).isNull();
        assertThat(db.queryForObject("SELECT body FROM messages WHERE job_id = ? AND direction = 'out'", String.class, id))
                .isEqualTo("Toko buka jam 9 pagi.");
        // the line follows the row's update, so it may come a moment after the row
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(logs.lines())
                .anyMatch(l -> l.matches("✅ Job #" + id + " completed in \\d+ms \\(tokens: 1234 in, 567 out\\)")));
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("📊 Context size estimate: system=") && l.contains("messages=0"));
        // the seed's monitoring SQL reads these fields
        assertThat(db.queryForObject("SELECT SUM((output_json::json->>'input_tokens')::int) FROM ai_jobs WHERE id = ?", Long.class, id))
                .isEqualTo(1234L);
    }

    @Test
    void row408TimedOutIsRetriedIn30Seconds() {
        when("row-408", error(408, "Operation timed out. Please try again later.", null));
        long id = postMessage("row-408 hello");

        Map<String, Object> row = awaitJob(id, "pending", 1);
        assertThat(row).containsEntry("error_class", "timeout").containsEntry("error_msg",
                "LLM call failed (408): Operation timed out. Please try again later.");
        assertThat(((Number) row.get("run_in_seconds")).doubleValue()).isCloseTo(30, within(3.0));
        assertThat(row.get("locked_by")).isNull();
        assertThat(logs.contains("❌ Job #" + id + " failed: LLM call failed (408)")).isTrue();
    }

    @Test
    void row429HonoursALongerRetryAfter() {
        when("row-429", rateLimited(45));
        long id = postMessage("row-429 hello");

        Map<String, Object> row = awaitJob(id, "pending", 1);
        assertThat(row).containsEntry("error_class", "rate_limited");
        assertThat(((Number) row.get("run_in_seconds")).doubleValue()).isCloseTo(45, within(3.0));
    }

    @Test
    void row502And503AreRetried() {
        when("row-502", error(502, "Provider returned error", "{\"raw\":\"upstream 502\",\"provider_name\":\"Groq\"}"));
        when("row-503", error(503, "No available providers", null).withHeader("Retry-After", "5"));
        long bad = postMessage("row-502 hello");
        long unavailable = postMessage("row-503 hello");

        assertThat(awaitJob(bad, "pending", 1)).containsEntry("error_class", "bad_gateway");
        Map<String, Object> row = awaitJob(unavailable, "pending", 1);
        assertThat(row).containsEntry("error_class", "provider_unavailable");
        // Retry-After 5 is shorter than our 30 s: the larger wins
        assertThat(((Number) row.get("run_in_seconds")).doubleValue()).isCloseTo(30, within(3.0));
    }

    @Test
    void retriesStopAfterThreeAttemptsAndTheJobFails() {
        when("row-503-max", error(503, "No available providers", null));
        long id = postMessage("row-503-max hello");

        awaitJob(id, "pending", 1);
        makeDue(id);
        awaitJob(id, "pending", 2);
        makeDue(id);
        Map<String, Object> row = awaitJob(id, "failed", 3);
        assertThat(row).containsEntry("error_class", "provider_unavailable")
                .containsEntry("error_msg", "Max attempts reached (3/3): LLM call failed (503): No available providers");
        assertThat(logs.contains("🚫 Job #" + id + " permanently failed: Max attempts reached (3/3)")).isTrue();
    }

    @Test
    void row401AuthFailsAtOnce() {
        when("row-401", error(401, "No auth credentials found", null));
        long id = postMessage("row-401 hello");

        Map<String, Object> row = awaitJob(id, "failed", 1);
        assertThat(row).containsEntry("error_class", "auth")
                .containsEntry("error_msg", "Non-retryable error: 401 - No auth credentials found");
        assertThat(logs.contains("❌ Job #" + id + " failed: LLM call failed (401): No auth credentials found")).isTrue();
        assertThat(logs.contains("🚫 Job #" + id + " permanently failed: Non-retryable error: 401 - No auth credentials found")).isTrue();
    }

    @Test
    void row402PaymentFailsAtOnce() {
        when("row-402", error(402, "This request requires more credits, or fewer max_tokens. You requested up to 1024 tokens, but can only afford 12.", null));
        long id = postMessage("row-402 hello");

        Map<String, Object> row = awaitJob(id, "failed", 1);
        assertThat(row).containsEntry("error_class", "payment");
        assertThat(row.get("error_msg").toString()).startsWith("Non-retryable error: 402 - This request requires more credits");
    }

    @Test
    void row403ModerationFailsAndKeepsTheReasons() {
        when("row-403", moderation());
        long id = postMessage("row-403 hello");

        Map<String, Object> row = awaitJob(id, "failed", 1);
        assertThat(row).containsEntry("error_class", "moderation").containsEntry("error_msg",
                "Non-retryable error: 403 - Input was flagged by moderation (reasons: harassment, violence)");
    }

    @Test
    void otherClientErrorsAnd500Fail() {
        when("row-400-model", error(400, "foo is not a valid model ID", null));
        when("row-404", error(404, "No endpoints found matching your data policy", null));
        when("row-500", error(500, "Internal Server Error", null));
        long badModel = postMessage("row-400-model hello");
        long noEndpoint = postMessage("row-404 hello");
        long server = postMessage("row-500 hello");

        assertThat(awaitJob(badModel, "failed", 1)).containsEntry("error_class", "bad_request");
        assertThat(awaitJob(noEndpoint, "failed", 1)).containsEntry("error_class", "not_found");
        assertThat(awaitJob(server, "failed", 1)).containsEntry("error_class", "server_error");
    }

    @Test
    void unparseableBodyFails() {
        when("row-garbage", garbage());
        long id = postMessage("row-garbage hello");

        assertThat(awaitJob(id, "failed", 1)).containsEntry("error_class", "invalid_response")
                .containsEntry("error_msg", "Non-retryable error: 200 - unparseable response body");
    }

    @Test
    void errorsInsideHttp200AreClassifiedByTheirInnerCode() {
        when("row-200-finish-error", finishReasonError(502, "Upstream provider crashed"));
        when("row-200-top-error", error(200, "ignored", null).withBody(
                "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{}}}"));
        when("row-200-top-402", error(200, "ignored", null).withBody(
                "{\"error\":{\"code\":402,\"message\":\"Insufficient credits\",\"metadata\":{}}}"));
        long finishError = postMessage("row-200-finish-error hello");
        long topError = postMessage("row-200-top-error hello");
        long topPayment = postMessage("row-200-top-402 hello");

        assertThat(awaitJob(finishError, "pending", 1)).containsEntry("error_class", "bad_gateway")
                .containsEntry("error_msg", "LLM call failed (502): Upstream provider crashed");
        assertThat(awaitJob(topError, "pending", 1)).containsEntry("error_class", "rate_limited");
        assertThat(awaitJob(topPayment, "failed", 1)).containsEntry("error_class", "payment")
                .containsEntry("error_msg", "Non-retryable error: 402 - Insufficient credits");
    }

    @Test
    void emptyChoicesAreRetried() {
        when("row-empty", emptyChoices());
        long id = postMessage("row-empty hello");

        assertThat(awaitJob(id, "pending", 1)).containsEntry("error_class", "empty_response")
                .containsEntry("error_msg", "LLM call failed (200): no choices in response");
    }

    @Test
    void aSlowAnswerPastTheTimeoutIsRetried() {
        when("row-slow", completion("too late", "openai/gpt-4o", 1, 1, 0).withFixedDelay(7_000));
        long id = postMessage("row-slow hello");

        Map<String, Object> row = awaitJob(id, "pending", 1);
        assertThat(row).containsEntry("error_class", "timeout")
                .containsEntry("error_msg", "LLM call failed (timeout): no answer within 5000 ms");
        assertThat(((Number) row.get("run_in_seconds")).doubleValue()).isCloseTo(30, within(3.0));
    }

    @Test
    void row400ContextLengthShrinksThenFailsWhenAlreadyAtFiveMessages() {
        when("row-context-min", contextLengthExceeded());
        long id = postMessage("row-context-min hello");

        // first run at 10 messages shrinks to 5; the 5-message run fails for good
        Map<String, Object> row = awaitJob(id, "failed", 1);
        assertThat(logs.contains("📏 Context too long, retrying job #" + id + " with 5 messages instead of 10")).isTrue();
        assertThat(row).containsEntry("error_class", "context_length").containsEntry("context_messages", 5);
        assertThat(row.get("error_msg").toString()).startsWith("Non-retryable error: context too long even with 5 messages");
        assertThat(logs.contains("🔍 Analyzing error for job #" + id + ": context length exceeded")).isTrue();
    }
}
