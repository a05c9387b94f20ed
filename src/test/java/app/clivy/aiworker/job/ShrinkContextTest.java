package app.clivy.aiworker.job;

import java.time.Duration;
import java.util.List;

import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeOpenRouter.chat;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.contextLengthExceeded;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Context length exceeded at 10 messages: the job re-runs at once with 5 and completes. */
class ShrinkContextTest extends WorkerTest {

    @Test
    void aContextLengthErrorReRunsTheJobWithFiveMessagesAndItCompletes() throws Exception {
        String chat = "628123456789@s.whatsapp.net";
        earlierMessages(chat, 12, i -> "earlier message " + i + " " + "x".repeat(300));
        server().stubFor(chat("shrink-e2e").inScenario("shrink").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(contextLengthExceeded()).willSetStateTo("shrunk"));
        server().stubFor(chat("shrink-e2e").inScenario("shrink").whenScenarioStateIs("shrunk")
                .willReturn(completion("Jawaban singkat.", "openai/gpt-4o", 900, 20, 0.0003)));

        long id = postMessage("shrink-e2e pertanyaan panjang");

        var row = awaitJob(id, "done", 1);
        assertThat(row).containsEntry("context_messages", 5);
        assertThat(logs.lines()).contains("🔍 Analyzing error for job #" + id + ": context length exceeded",
                "📏 Context too long, retrying job #" + id + " with 5 messages instead of 10");
        // the line follows the row's update, so it may come a moment after the row
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(logs.lines())
                .anyMatch(l -> l.matches("✅ Job #" + id + " completed with smaller context in \\d+ms")));

        List<LoggedRequest> calls = server().findAll(postRequestedFor(urlEqualTo("/api/v1/chat/completions"))
                .withRequestBody(containing("shrink-e2e")));
        assertThat(calls).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        // system + 10 history + question, then system + 5 history + question; history cut to 200 chars
        var first = json.readTree(calls.get(0).getBodyAsString()).path("messages");
        var second = json.readTree(calls.get(1).getBodyAsString()).path("messages");
        assertThat(first.size()).isEqualTo(12);
        assertThat(second.size()).isEqualTo(7);
        assertThat(second.get(1).path("content").asText()).startsWith("earlier message 7 ").hasSize(201);
        assertThat(second.get(6).path("content").asText()).isEqualTo("shrink-e2e pertanyaan panjang");
    }
}
