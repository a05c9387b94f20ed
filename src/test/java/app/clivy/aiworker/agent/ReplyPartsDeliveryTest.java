package app.clivy.aiworker.agent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.WebhookClient;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.json;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replies written for WhatsApp: Markdown sent in WhatsApp's formatting, a long answer sent as ordered
 * parts under the length limit, each part once, a failed part resumed after the parts already sent,
 * and the echo of a part not taken for a human agent.
 */
class ReplyPartsDeliveryTest extends DeliveryTest {

    private static final String CHAT = "628123456789@s.whatsapp.net";
    private static final Pattern PARAGRAPH = Pattern.compile("Paragraph (\\d+) ");

    /** About 9,000 characters: 30 numbered paragraphs of 296 characters, each naming {@code marker}. */
    static String longAnswer(String marker) {
        StringBuilder text = new StringBuilder();
        for (int p = 1; p <= 30; p++) {
            StringBuilder paragraph = new StringBuilder("Paragraph " + String.format("%02d", p) + " " + marker + ":");
            while (paragraph.length() < 295) {
                paragraph.append(" The shop explains its opening hours and prices in detail.");
            }
            paragraph.setLength(295);
            text.append(paragraph).append(".\n\n");
        }
        return text.toString().strip();
    }

    /** The paragraph numbers of the POSTs the gateway took (2xx) with {@code marker}, in arrival order. */
    static List<Integer> paragraphsSent(String marker) {
        List<ServeEvent> events = server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().endsWith(SEND) && e.getRequest().getBodyAsString().contains(marker)
                        && e.getResponse().getStatus() == 200)
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
        return events.stream().flatMap(e -> {
            Matcher m = PARAGRAPH.matcher(e.getRequest().getBodyAsString());
            java.util.List<Integer> found = new java.util.ArrayList<>();
            while (m.find()) {
                found.add(Integer.parseInt(m.group(1)));
            }
            return found.stream();
        }).toList();
    }

    @Test
    void aMarkdownReplyIsSentInWhatsAppFormattingAsOneMessage() {
        when("rp-markdown", completion("### Jam buka\n**Senin-Jumat**: 09.00-17.00\n* Sabtu: *tutup* (rp-markdown)",
                "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("rp-markdown").willReturn(sent("gw-markdown")));
        long job = postMessage("rp-markdown jam buka?");

        awaitDone(job);
        long id = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, job);
        Map<String, Object> row = awaitDelivery(id, "sent");
        assertThat(row).containsEntry("gateway_reply_id", "gw-markdown").containsEntry("delivery_parts", 1);
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(equalToJson(
                "{\"Phone\":\"628123456789\",\"Body\":\"*Jam buka*\\n*Senin-Jumat*: 09.00-17.00\\n- Sabtu: _tutup_ (rp-markdown)\"}")));
        // the history keeps the reply as the model wrote it
        assertThat(row.get("body")).isEqualTo("### Jam buka\n**Senin-Jumat**: 09.00-17.00\n* Sabtu: *tutup* (rp-markdown)");
    }

    @Test
    void aNineThousandCharacterAnswerGoesOutAsOrderedPartsEachOnce() {
        String answer = longAnswer("rp-long");
        assertThat(answer.length()).isBetween(8900, 9100);
        when("rp-long", completion(answer, "openai/gpt-4o", 10, 2000, 0.001));
        server().stubFor(send("rp-long").willReturn(sent("gw-long")));
        long job = postMessage("rp-long tell me everything");

        awaitDone(job);
        long id = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, job);
        Map<String, Object> row = awaitDelivery(id, "sent");
        List<Map<String, Object>> parts = db.queryForList(
                "SELECT part, length(body) AS chars, sent_at FROM reply_parts WHERE message_id = ? ORDER BY part", id);
        // 1,500 characters at most a part (ai-worker.agent.max-part-chars): five whole paragraphs of 296
        assertThat(parts).hasSize(6).allSatisfy(p -> {
            assertThat(((Number) p.get("chars")).intValue()).isLessThanOrEqualTo(1500);
            assertThat(p.get("sent_at")).isNotNull();
        });
        assertThat(row).containsEntry("delivery_parts", 6).containsEntry("delivery_parts_sent", 6)
                .containsEntry("delivery_attempts", 1);
        assertThat(paragraphsSent("rp-long")).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 30).boxed().toList());
        for (int p = 1; p <= 5; p++) {
            assertThat(logs.lines()).contains("📤 Reply #" + id + " part " + p + " of 6 to customer " + customer(CHAT) + " sent (gateway id gw-long)");
        }
        assertThat(logs.lines()).contains("📤 Reply #" + id + " to customer " + customer(CHAT) + " sent (gateway id gw-long), part 6 of 6");
        // nothing more later (the sweep runs every 300 ms)
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> paragraphsSent("rp-long").size() == 30);
    }

    @Test
    void aPartThatFailsIsRetriedAfterThePartsAlreadySentWithoutSendingThemAgain() {
        String answer = longAnswer("rp-resume");
        // the third part (paragraphs 11-15) is refused once with a 503, then taken
        server().stubFor(send("rp-resume").willReturn(sent("gw-resume")));
        server().stubFor(send("Paragraph 11 rp-resume").inScenario("rp-resume").whenScenarioStateIs(STARTED)
                .willReturn(json(503, "{\"error\":\"busy\"}")).willSetStateTo("up").atPriority(1));
        long id = storeReply(instance, CHAT, answer);

        Map<String, Object> row = awaitDelivery(id, "sent");
        assertThat(row).containsEntry("delivery_parts", 6).containsEntry("delivery_attempts", 2);
        assertThat(paragraphsSent("rp-resume")).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 30).boxed().toList());
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("🔁 Reply #" + id + " delivery retry in ") && l.contains("503"));
    }

    @Test
    void theEchoOfAPartIsNotAHumanAgent() {
        String answer = longAnswer("rp-echo");
        server().stubFor(send("rp-echo").willReturn(sent("gw-echo-part")));
        long id = storeReply(instance, CHAT, answer);
        awaitDelivery(id, "sent");
        String secondPart = db.queryForObject("SELECT body FROM reply_parts WHERE message_id = ? AND part = 2", String.class, id);

        // the gateway reports our own sent parts back as from-me messages: by id, and by text (no id known)
        var byId = client().post("/webhook/ai", WebhookClient.fromMeEvent(instance, "gw-echo-part", CHAT, "whatever"));
        var byText = client().post("/webhook/ai", WebhookClient.fromMeEvent(instance, "unknown-id-rp-echo", CHAT, secondPart));
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byText.statusCode()).isEqualTo(200);
        assertThat(db.queryForObject("SELECT count(*) FROM chat_handoffs WHERE instance = ?", Integer.class, instance)).isZero();
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE instance = ? AND author = 'agent'", Integer.class, instance)).isZero();
    }
}
