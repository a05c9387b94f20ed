package app.clivy.aiworker.agent;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.CHAT;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keywords per instance: STOP silences the AI for the contact (confirmed once), the start word turns
 * it on again (confirmed once) and so does an operator; an instance with start words answers a chat
 * only after one.
 */
class KeywordsTest extends AgentTest {

    private String output(long job, String field) {
        return db.queryForObject("SELECT output_json ->> '" + field + "' FROM ai_jobs WHERE id = ?", String.class, job);
    }

    private String replyOf(long job) {
        return db.queryForList("SELECT body FROM messages WHERE job_id = ? AND direction = 'out'", String.class, job)
                .stream().findFirst().orElse(null);
    }

    private int modelCalls(String marker) {
        return app.clivy.aiworker.support.FakeOpenRouter.server()
                .findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing(marker))).size();
    }

    @Test
    void stopSilencesTheContactUntilTheirStartWordEachConfirmedOnce() {
        String chat = "628222000001@s.whatsapp.net";
        when("kw-stop", completion("Buka jam 9 (kw-stop).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("628222000001").willReturn(sent("gw-kw")));

        long stop = postMessage(chat, "STOP");
        awaitDone(stop);
        assertThat(output(stop, "keyword")).isEqualTo("opt_out");
        assertThat(replyOf(stop)).startsWith("Anda tidak akan menerima");
        long again = postMessage(chat, " stop! ");
        awaitDone(again);
        assertThat(output(again, "skipped")).isEqualTo("opted_out");
        assertThat(replyOf(again)).as("confirmed once").isNull();
        long question = postMessage(chat, "kw-stop jam buka?");
        awaitDone(question);
        assertThat(output(question, "skipped")).isEqualTo("opted_out");
        assertThat(modelCalls("kw-stop")).isZero();

        long start = postMessage(chat, "Mulai");
        awaitDone(start);
        assertThat(output(start, "keyword")).isEqualTo("start");
        assertThat(replyOf(start)).startsWith("Asisten AI aktif kembali");
        long answered = postMessage(chat, "kw-stop jam buka sekarang?");
        awaitDone(answered);
        assertThat(replyOf(answered)).isEqualTo("Buka jam 9 (kw-stop).");
        assertThat(modelCalls("kw-stop")).isEqualTo(1);
        // a word inside a sentence is no keyword
        long sentence = postMessage(chat, "kw-stop jangan stop pengiriman saya");
        awaitDone(sentence);
        assertThat(output(sentence, "keyword")).isNull();
        assertThat(modelCalls("kw-stop")).isEqualTo(2);
        // the customer got both confirmations and the answers, each once
        long id = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, start);
        awaitDelivery(id, "sent");
        assertThat(server().findAll(postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("Anda tidak akan menerima")))
                .stream().filter(r -> r.getBodyAsString().contains("628222000001")).count()).isEqualTo(1);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("🔕 Job #" + stop + ": the contact opted out"));
    }

    @Test
    void anOperatorTurnsTheAiOnAgainForAContactWhoOptedOut() {
        String chat = "628222000002@s.whatsapp.net";
        when("kw-operator", completion("Halo (kw-operator).", "openai/gpt-4o", 10, 5, 0.0001));
        awaitDone(postMessage(chat, "BERHENTI"));
        long silenced = postMessage(chat, "kw-operator halo");
        awaitDone(silenced);
        assertThat(output(silenced, "skipped")).isEqualTo("opted_out");

        var res = adminApi("DELETE", "/api/chats/" + instance + "/" + chat + "/opt-out", null);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).contains("\"opted_out\": false", "\"changed\": true");
        long answered = postMessage(chat, "kw-operator halo lagi");
        awaitDone(answered);
        assertThat(replyOf(answered)).isEqualTo("Halo (kw-operator).");
    }

    @Test
    void anInstanceWithStartWordsAnswersAChatOnlyAfterOne() {
        var res = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"start_words\":[\"halo bot\"]}}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        var read = adminApi("GET", "/api/instances/" + instance, null);
        assertThat(read.body()).contains("\"start_words\":[\"halo bot\"]");
        var bad = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"start_word\":[\"x\"]}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("agent.start_word is not a setting");

        String chat = "628222000003@s.whatsapp.net";
        when("kw-start", completion("Silakan (kw-start).", "openai/gpt-4o", 10, 5, 0.0001));
        long early = postMessage(chat, "kw-start ada promo?");
        awaitDone(early);
        assertThat(output(early, "skipped")).isEqualTo("waiting_for_start_word");
        assertThat(modelCalls("kw-start")).isZero();

        long hello = postMessage(chat, "Halo bot!");
        awaitDone(hello);
        await().atMost(Duration.ofSeconds(20)).until(() -> replyOf(hello) != null);
        assertThat(replyOf(hello)).isEqualTo("Silakan (kw-start).");
        long later = postMessage(chat, "kw-start promo apa saja?");
        awaitDone(later);
        assertThat(replyOf(later)).isEqualTo("Silakan (kw-start).");
    }
}
