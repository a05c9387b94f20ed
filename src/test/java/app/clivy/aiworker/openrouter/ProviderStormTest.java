package app.clivy.aiworker.openrouter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import app.clivy.aiworker.support.WorkerTest;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.CHAT;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.contextLengthExceeded;
import static app.clivy.aiworker.support.FakeOpenRouter.emptyChoices;
import static app.clivy.aiworker.support.FakeOpenRouter.error;
import static app.clivy.aiworker.support.FakeOpenRouter.finishReasonError;
import static app.clivy.aiworker.support.FakeOpenRouter.garbage;
import static app.clivy.aiworker.support.FakeOpenRouter.json;
import static app.clivy.aiworker.support.FakeOpenRouter.moderation;
import static app.clivy.aiworker.support.FakeOpenRouter.rateLimited;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.github.resilience4j.circuitbreaker.CircuitBreaker.StateTransition.CLOSED_TO_OPEN;
import static io.github.resilience4j.circuitbreaker.CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED;
import static io.github.resilience4j.circuitbreaker.CircuitBreaker.StateTransition.HALF_OPEN_TO_OPEN;
import static io.github.resilience4j.circuitbreaker.CircuitBreaker.StateTransition.OPEN_TO_HALF_OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider storm: 300 jobs, each answered (every time it calls) with one answer drawn from
 * OpenRouter's error catalogue by a seeded random, a third of them replies. Every job must end as
 * the outcome table prescribes for its answer (status, error_class, attempts, error_msg, and the
 * number of calls the fake saw), whatever the breaker did meanwhile; the breaker opens and
 * recovers, again and again. Retries are due after 1 s and the breaker stays open 50 ms here, so
 * the storm passes in under a minute.
 */
@TestPropertySource(properties = {"ai-worker.retry-delay-seconds=1", "ai-worker.breaker.open-seconds=0.05"})
class ProviderStormTest extends WorkerTest {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderStormTest.class);
    private static final int JOBS = 300;
    private static final int REPLY_WEIGHT = 10; // of 29 draws: the other 19 are one error kind each
    private static final Pattern QUESTION = Pattern.compile("storm-[a-z0-9]+ question #(\\d+)#");

    private static final String RETRIED = "Max attempts reached (3/3): LLM call failed (";
    private static final String PERMANENT = "Non-retryable error: ";
    private static final String TOO_LONG = "Non-retryable error: context too long even with 5 messages";

    /**
     * One kind of answer and the final job the outcome table prescribes for it: status,
     * error_class, attempts, the start of error_msg, and how many calls reach the provider.
     */
    record Kind(String name, ResponseDefinitionBuilder answer, String status, String errorClass, int attempts,
                String errorMsgStart, int calls) {

        static Kind reply(String name, ResponseDefinitionBuilder answer) {
            return new Kind(name, answer, "done", null, 1, null, 1);
        }

        /** Retried after the delay, failed when the 3 attempts are spent; counts against the breaker. */
        static Kind retried(String name, ResponseDefinitionBuilder answer, String errorClass) {
            return new Kind(name, answer, "failed", errorClass, 3, RETRIED, 3);
        }

        static Kind permanent(String name, ResponseDefinitionBuilder answer, String errorClass) {
            return new Kind(name, answer, "failed", errorClass, 1, PERMANENT, 1);
        }

        /** Re-run at once with 5 messages (the attempt given back), then failed: two calls. */
        static Kind contextTooLong(String name, ResponseDefinitionBuilder answer) {
            return new Kind(name, answer, "failed", "context_length", 1, TOO_LONG, 2);
        }
    }

    private static List<Kind> catalogue() {
        return List.of(
                Kind.reply("ok", completion("storm reply", "openai/gpt-4o", 10, 2, 0.00001)),
                Kind.retried("r408", error(408, "Operation timed out. Please try again later.", null), "timeout"),
                Kind.retried("r429", rateLimited(1), "rate_limited"),
                Kind.retried("r502", error(502, "Provider returned error", "{\"raw\":\"upstream 502\",\"provider_name\":\"Groq\"}"),
                        "bad_gateway"),
                Kind.retried("r503", error(503, "No available providers", null).withHeader("Retry-After", "1"),
                        "provider_unavailable"),
                Kind.retried("rnochoices", emptyChoices(), "empty_response"),
                Kind.retried("rnocontent", completion("", "openai/gpt-4o", 10, 0, 0), "empty_response"),
                Kind.retried("rfinish", finishReasonError(502, "Upstream provider crashed"), "bad_gateway"),
                Kind.retried("rtop429", json(200, "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{}}}"),
                        "rate_limited"),
                Kind.retried("rdrop", aResponse().withFault(Fault.EMPTY_RESPONSE), "network"),
                Kind.permanent("p401", error(401, "No auth credentials found", null), "auth"),
                Kind.permanent("p402", error(402, "Insufficient credits", null), "payment"),
                Kind.permanent("ptop402", json(200, "{\"error\":{\"code\":402,\"message\":\"Insufficient credits\",\"metadata\":{}}}"),
                        "payment"),
                Kind.permanent("p500", error(500, "Internal Server Error", null), "server_error"),
                Kind.permanent("pgarbage", garbage(), "invalid_response"),
                Kind.permanent("p403", moderation(), "moderation"),
                Kind.permanent("p400", error(400, "foo is not a valid model ID", null), "bad_request"),
                Kind.permanent("p404", error(404, "No endpoints found matching your data policy", null), "not_found"),
                Kind.contextTooLong("ctx", contextLengthExceeded()),
                Kind.contextTooLong("ctxtype", error(400, "Prompt is over this model's limit",
                        "{\"error_type\":\"context_length_exceeded\"}")));
    }

    @Test
    void everyJobEndsAsTheTableSaysAndTheBreakerOpensAndRecovers() throws Exception {
        List<Kind> kinds = catalogue();
        List<Kind> draw = new ArrayList<>(kinds);
        for (int i = 1; i < REPLY_WEIGHT; i++) {
            draw.add(kinds.get(0));
        }
        for (Kind kind : kinds) {
            when("storm-" + kind.name() + " ", kind.answer());
        }
        List<CircuitBreaker.StateTransition> transitions = Collections.synchronizedList(new ArrayList<>());
        openRouterCircuitBreaker.getEventPublisher().onStateTransition(e -> transitions.add(e.getStateTransition()));

        // a burst from the gateway: 300 messages over 6 connections at once, each job in a chat of its own
        // (so no other job's text is in its prompt), its answer drawn by a seeded random
        Random random = new Random(20261129);
        List<Kind> kindOfQuestion = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            kindOfQuestion.add(draw.get(random.nextInt(draw.size())));
        }
        long start = System.nanoTime();
        ExecutorService gateway = Executors.newFixedThreadPool(6);
        List<Future<Long>> posted = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            int q = i;
            posted.add(gateway.submit(() -> postMessage("62899" + q + "@s.whatsapp.net",
                    "storm-" + kindOfQuestion.get(q).name() + " question #" + q + "#")));
        }
        Map<Long, Kind> jobs = new LinkedHashMap<>();
        Map<Integer, Long> jobOfQuestion = new HashMap<>();
        for (int i = 0; i < JOBS; i++) {
            long id = posted.get(i).get();
            jobs.put(id, kindOfQuestion.get(i));
            jobOfQuestion.put(i, id);
        }
        gateway.shutdown();
        double postedAfter = (System.nanoTime() - start) / 1e9;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ? AND status IN ('done', 'failed')",
                        Long.class, instance) == JOBS);
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("Provider storm: {} jobs posted in {} s, all ended in {} s; breaker transitions: {}", JOBS,
                String.format("%.1f", postedAfter), String.format("%.1f", seconds), transitions.size());

        // each job's row is what the table prescribes for its answer
        List<String> wrong = new ArrayList<>();
        jobs.forEach((id, kind) -> {
            Map<String, Object> row = job(id);
            String errorMsg = (String) row.get("error_msg");
            boolean msgOk = kind.errorMsgStart() == null ? errorMsg == null : errorMsg != null && errorMsg.startsWith(kind.errorMsgStart());
            if (!kind.status().equals(row.get("status")) || !Objects.equals(kind.errorClass(), row.get("error_class"))
                    || ((Number) row.get("attempts")).intValue() != kind.attempts() || !msgOk || row.get("locked_by") != null) {
                wrong.add("job " + id + " (" + kind.name() + "): " + row.get("status") + "/" + row.get("error_class")
                        + "/attempts " + row.get("attempts") + "/" + errorMsg + "/locked by " + row.get("locked_by"));
            }
        });
        assertThat(wrong).isEmpty();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM ai_jobs WHERE instance = ? AND error_class = 'context_length'"
                + " AND context_messages <> 5", Long.class, instance)).isZero();

        // no job reached the provider more often than its attempts allow: the fake saw exactly the table's calls
        Map<Long, Integer> calls = new HashMap<>();
        for (LoggedRequest request : server().findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing("storm-")))) {
            Matcher m = QUESTION.matcher(request.getBodyAsString());
            assertThat(m.find()).as(request.getBodyAsString()).isTrue();
            calls.merge(jobOfQuestion.get(Integer.parseInt(m.group(1))), 1, Integer::sum);
        }
        List<String> wrongCalls = new ArrayList<>();
        jobs.forEach((id, kind) -> {
            if (calls.getOrDefault(id, 0) != kind.calls()) {
                wrongCalls.add("job " + id + " (" + kind.name() + "): " + calls.getOrDefault(id, 0) + " calls, expected " + kind.calls());
            }
        });
        assertThat(wrongCalls).isEmpty();

        // no job completed twice: a done job has one reply and one completion line, a failed job none
        // and one final failure line
        assertThat(db.queryForObject("""
                SELECT COUNT(*) FROM ai_jobs j WHERE j.instance = ? AND (j.status = 'done') <>
                       (SELECT COUNT(*) = 1 FROM messages m WHERE m.job_id = j.id AND m.direction = 'out')""",
                Long.class, instance)).isZero();
        List<String> lines = logs.lines();
        jobs.forEach((id, kind) -> {
            String done = "✅ Job #" + id + " completed ";
            String failed = "🚫 Job #" + id + " permanently failed: ";
            assertThat(lines.stream().filter(l -> l.startsWith(done)).count()).as(done).isEqualTo("done".equals(kind.status()) ? 1 : 0);
            assertThat(lines.stream().filter(l -> l.startsWith(failed)).count()).as(failed).isEqualTo("failed".equals(kind.status()) ? 1 : 0);
        });

        // the breaker opened, probed and closed again during the storm, with the reference card's lines
        assertThat(transitions).contains(CLOSED_TO_OPEN, OPEN_TO_HALF_OPEN, HALF_OPEN_TO_OPEN, HALF_OPEN_TO_CLOSED);
        assertThat(lines).contains("⚠  Circuit breaker [openrouter] is OPEN (5 consecutive failures)",
                "ℹ  Circuit breaker [openrouter] entering Half-Open state (testing recovery)",
                "✅ Circuit breaker [openrouter] is now Closed (recovered)");

        // and once the provider answers again, the next message is answered and the breaker is closed
        long after = postMessage("628990000@s.whatsapp.net", "storm-ok question #" + JOBS + "#");
        assertThat(awaitJob(after, "done", 1)).containsEntry("error_class", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> openRouterCircuitBreaker.getState() == CircuitBreaker.State.CLOSED);
    }
}
