package app.clivy.aiworker.context;

import java.util.List;

import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeOpenRouter.chat;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage 5: what the model sees, read in one statement (sql/context.sql): the chat's recent
 * messages oldest first as user and assistant turns, this chat's only; the instance's knowledge
 * passages that match the question in the system prompt; the question last and whole.
 */
class ContextTest extends WorkerTest {

    @Test
    void thePromptHoldsTheChatsRecentTurnsAndTheInstancesBestDocuments() throws Exception {
        String chat = "628555000111@s.whatsapp.net";
        earlierMessages(chat, 12, i -> "turn " + i);
        // another chat of the instance, and the same chat on another instance: never in this prompt
        db.update("INSERT INTO messages (instance, chat, direction, body) VALUES (?, 'other@s.whatsapp.net', 'in', 'not this chat')", instance);
        db.update("INSERT INTO messages (instance, chat, direction, body) VALUES ('elsewhere', ?, 'in', 'not this instance')", chat);
        db.update("INSERT INTO documents (instance, title, content) VALUES (?, 'Ongkir', 'Ongkos kirim ke Bandung 15 ribu')", instance);
        db.update("INSERT INTO documents (instance, title, content) VALUES (?, 'Jam buka', ?)", instance,
                "Toko buka jam 9 pagi sampai jam 9 malam. " + "x".repeat(600));
        db.update("INSERT INTO documents (instance, title, content) VALUES (?, 'Alamat', 'Jalan Merdeka 10')", instance);
        db.update("INSERT INTO documents (instance, title, content) VALUES ('elsewhere', 'Jam buka', 'jam buka lain')");

        awaitKnowledgeIndexed();
        server().stubFor(chat("context-e2e").willReturn(completion("Buka jam 9.", "openai/gpt-4o", 300, 5, 0.0001)));

        long id = postMessage(chat, "context-e2e jam buka toko?");
        awaitDone(id);

        List<LoggedRequest> calls = server().findAll(postRequestedFor(urlEqualTo("/api/v1/chat/completions"))
                .withRequestBody(containing("context-e2e")));
        assertThat(calls).hasSize(1);
        JsonNode messages = new ObjectMapper().readTree(calls.get(0).getBodyAsString()).path("messages");
        // system + the newest 10 of the chat's 12 earlier messages + the question
        assertThat(messages.size()).isEqualTo(12);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        String system = messages.get(0).path("content").asText();
        // the passage that matches the question's words, whole (no longer cut at 500 chars); documents
        // that share no word with the question stay out (without meaning search), as do other instances'
        assertThat(system).contains("Knowledge documents:").doesNotContain("jam buka lain");
        assertThat(system).contains("\u27E6passage 1: Jam buka\u27E7\nToko buka jam 9 pagi sampai jam 9 malam. " + "x".repeat(600) + "\n\u27E6end of passage 1\u27E7");
        assertThat(system).doesNotContain("Alamat").doesNotContain("Ongkir");
        for (int k = 1; k <= 10; k++) {
            int turn = k + 1; // turns 2..11, oldest first
            assertThat(messages.get(k).path("content").asText()).isEqualTo("turn " + turn);
            assertThat(messages.get(k).path("role").asText()).isEqualTo(turn % 2 == 0 ? "user" : "assistant");
        }
        assertThat(messages.get(11).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(11).path("content").asText()).isEqualTo("context-e2e jam buka toko?");
        assertThat(calls.get(0).getBodyAsString()).doesNotContain("not this chat").doesNotContain("not this instance");
    }
}
