package app.clivy.aiworker.gateway;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.TOKEN;
import static app.clivy.aiworker.support.FakeGateway.evolutionGoSent;
import static app.clivy.aiworker.support.FakeGateway.sendAt;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Evolution GO, the reference card's shape, at /webhook/ai: its reply at /send/text {number, text} with apikey. */
class EvolutionGoGatewayTest extends GatewayTest {

    private String event(String id, String message, boolean fromMe) {
        return """
                {"event":"Message","instanceName":"%s","instanceId":"b7c1","instanceToken":"tok-of-the-instance","data":{
                  "Info":{"ID":"%s","Chat":"628123456789@s.whatsapp.net","Sender":"628123456789@s.whatsapp.net",
                          "IsFromMe":%s,"IsGroup":false,"PushName":"Budi","Timestamp":"2026-11-29T10:59:58+07:00","Type":"text"},
                  "Message":%s}}""".formatted(instance, id, fromMe, message);
    }

    @Test
    void aTextMessageIsStoredWithItsGatewayAndTheReplyGoesBackThroughEvolutionGo() {
        when("evo-go-text", completion("Buka jam 9 (evo-go-text).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/send/text", "evo-go-text").willReturn(evolutionGoSent("3EB0EVOGO0001")));

        long job = jobId(postJson("/webhook/ai", event("evo-1", "{\"conversation\":\"evo-go-text jam buka?\"}", false)));

        assertThat(inbound(job)).containsEntry("gateway", "evolution-go").containsEntry("chat", "628123456789@s.whatsapp.net")
                .containsEntry("reply_to", "628123456789").containsEntry("push_name", "Budi")
                .containsEntry("body", "evo-go-text jam buka?");
        assertThat(inbound(job).get("sent_at").toString()).startsWith("2026-11-29");
        Map<String, Object> reply = awaitReplySent(job);
        assertThat(reply).containsEntry("gateway", "evolution-go").containsEntry("gateway_reply_id", "3EB0EVOGO0001");
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/send/text"))
                .withHeader("apikey", equalTo(TOKEN))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("{\"number\":\"628123456789\",\"text\":\"Buka jam 9 (evo-go-text).\"}")));
        assertThat(logs.everything()).doesNotContain(TOKEN);
    }

    @Test
    void anExtendedTextAndACaptionAreTheCustomerText() {
        jobId(postJson("/webhook/ai", event("evo-2", "{\"extendedTextMessage\":{\"text\":\"a link https://x.y\"}}", false)));
        jobId(postJson("/webhook/ai", event("evo-3", "{\"imageMessage\":{\"caption\":\"this size?\",\"mimetype\":\"image/jpeg\"}}", false)));
        assertThat(db.queryForList("SELECT body FROM messages WHERE instance = ? ORDER BY id", String.class, instance))
                .containsExactly("a link https://x.y", "this size?");
    }

    @Test
    void fromMeReceiptsAndDuplicatesStartNoJob() {
        assertAgentMessage(postJson("/webhook/ai", event("evo-4", "{\"conversation\":\"our own\"}", true)), "evo-4",
                "628123456789@s.whatsapp.net");
        assertIgnored(postJson("/webhook/ai", """
                {"event":"Receipt","instanceName":"%s","data":{"MessageIDs":["evo-1"],"Type":"read"}}""".formatted(instance)),
                "event Receipt is not a Message");
        String text = event("evo-5", "{\"conversation\":\"twice\"}", false);
        long job = jobId(postJson("/webhook/ai", text));
        var again = postJson("/webhook/ai", text);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo("{\"status\":\"duplicate\",\"job_id\":" + job + "}");
        assertThat(countMessages(instance)).isEqualTo(1);
    }

    @Test
    void theGatewayPathForcesTheShapeAndAnUnknownGatewayIs404() {
        long job = jobId(postJson("/webhook/ai/evolution-go", event("evo-6", "{\"conversation\":\"forced\"}", false)));
        assertThat(inbound(job)).containsEntry("gateway", "evolution-go");
        var unknown = postJson("/webhook/ai/evolution-gone", event("evo-7", "{\"conversation\":\"typo\"}", false));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"error\":\"unknown_gateway\"").contains("evolution-gone");
        // forced to another gateway, the reference shape is that gateway's bad input
        var wrong = postJson("/webhook/ai/wuzapi", event("evo-8", "{\"conversation\":\"wrong\"}", false));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("type is missing");
        assertThat(countMessages(instance)).isEqualTo(1);
    }
}
