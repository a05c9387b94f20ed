package app.clivy.aiworker.job;

import java.time.Duration;
import java.util.Map;

import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.core.JsonParseException;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.garbage;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The catch-all outcome: an exception no outcome expects (a bug in a bean, a JSON parse error of
 * our own) ends the run through the retry outcome with error class {@code internal}, the
 * exception's class and message in {@code error_msg}, logged once with its stack trace, and
 * {@code failed} when the attempts are spent. The job never waits in {@code processing} for its
 * lease. A 200 whose body cannot be read stays a permanent failure (the outcome table).
 */
@DirtiesContext // the context stage is woven with a failure for this class's markers
class UnexpectedErrorTest extends WorkerTest {

    @Autowired
    CamelContext camel;

    @Test
    void anUnexpectedExceptionIsRetriedAsInternalThenFailed() throws Exception {
        AdviceWith.adviceWith(camel, "build-context", route -> route.weaveById("build-request").before().process(exchange -> {
            String question = exchange.getVariable("question", String.class);
            if (question.contains("npe-marker")) {
                throw new NullPointerException("Cannot invoke \"String.length()\" because \"title\" is null");
            }
            if (question.contains("json-marker")) {
                throw new JsonParseException(null, "Unexpected character ('<' (code 60))");
            }
        }));
        when("npe-marker", completion("never", "openai/gpt-4o", 1, 1, 0));
        when("json-marker", completion("never", "openai/gpt-4o", 1, 1, 0));
        when("garbage-marker", garbage());

        long npe = postMessage("npe-marker question");
        long parse = postMessage("628999@s.whatsapp.net", "json-marker question");
        long garbage = postMessage("628998@s.whatsapp.net", "garbage-marker question");

        for (int attempt = 1; attempt <= 2; attempt++) {
            for (long id : new long[] {npe, parse}) {
                Map<String, Object> row = awaitJob(id, "pending", attempt);
                assertThat(row).containsEntry("error_class", "internal").containsEntry("locked_by", null);
                makeDue(id);
            }
        }
        Map<String, Object> npeRow = awaitJob(npe, "failed", 3);
        assertThat(npeRow).containsEntry("error_class", "internal").containsEntry("error_msg",
                "Max attempts reached (3/3): Internal error: NullPointerException: Cannot invoke \"String.length()\" because \"title\" is null");
        Map<String, Object> parseRow = awaitJob(parse, "failed", 3);
        assertThat(parseRow).containsEntry("error_class", "internal");
        assertThat((String) parseRow.get("error_msg")).startsWith("Max attempts reached (3/3): Internal error: JsonParseException: Unexpected character");

        // logged once per run, with the stack trace
        await().atMost(Duration.ofSeconds(20)).until(() -> logs.events().stream()
                .filter(e -> e.getFormattedMessage().startsWith("💥 Job #" + npe + " hit an unexpected error")).count() == 3);
        assertThat(logs.events().stream().filter(e -> e.getFormattedMessage().startsWith("💥 Job #" + npe))
                .allMatch(e -> e.getThrowableProxy() != null && e.getThrowableProxy().getClassName().equals("java.lang.NullPointerException")))
                .isTrue();
        assertThat(logs.lines()).contains("🚫 Job #" + npe + " permanently failed: " + npeRow.get("error_msg"));

        // an unreadable 200 from OpenRouter is the provider's fault: permanent, as the table says
        Map<String, Object> garbageRow = awaitJob(garbage, "failed", 1);
        assertThat(garbageRow).containsEntry("error_class", "invalid_response")
                .containsEntry("error_msg", "Non-retryable error: 200 - unparseable response body");
    }
}
