package app.clivy.aiworker.gateway;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.TOKEN;
import static app.clivy.aiworker.support.FakeGateway.sendAt;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeGateway.wahaSent;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** WAHA: the message event (@c.us chat ids); replies at /api/sendText {session, chatId, text} with X-Api-Key. */
class WahaGatewayTest extends GatewayTest {

    private String event(String type, String id, boolean fromMe, String body) {
        return """
                {"id":"evt_01JDW","timestamp":1764414000123,"session":"%s","event":"%s","payload":{
                  "id":"%s","timestamp":1764414000,"from":"%s","fromMe":%s,"to":"%s",
                  "body":"%s","hasMedia":false,"_data":{"notifyName":"Dewi"}},
                 "me":{"id":"6281111111111@c.us","pushName":"Toko"},"engine":"WEBJS"}"""
                .formatted(instance, type, id, fromMe ? "6281111111111@c.us" : "628123456789@c.us", fromMe,
                        fromMe ? "628123456789@c.us" : "6281111111111@c.us", body);
    }

    @Test
    void aTextMessageIsStoredUnderThePhoneChatAndAnsweredAtItsChatId() {
        when("waha-text", completion("Halo Dewi (waha-text).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/api/sendText", "waha-text").willReturn(wahaSent("true_628123456789@c.us_3EB0WAHA01")));

        long job = jobId(postJson("/webhook/ai", event("message", "false_628123456789@c.us_3EB0A1", false, "waha-text halo")));

        // the same chat form as every other gateway's, so history is one chat
        assertThat(inbound(job)).containsEntry("gateway", "waha").containsEntry("chat", "628123456789@s.whatsapp.net")
                .containsEntry("reply_to", "628123456789@c.us").containsEntry("gateway_account", instance)
                .containsEntry("push_name", "Dewi");
        Map<String, Object> reply = awaitReplySent(job);
        assertThat(reply).containsEntry("gateway_reply_id", "true_628123456789@c.us_3EB0WAHA01");
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/api/sendText"))
                .withHeader("X-Api-Key", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"session\":\"" + instance
                        + "\",\"chatId\":\"628123456789@c.us\",\"text\":\"Halo Dewi (waha-text).\"}")));
    }

    @Test
    void aMediaCaptionFromMeOtherEventsAndDuplicates() {
        String caption = event("message", "false_628123456789@c.us_3EB0A2", false, "ukuran XL ada?")
                .replace("\"hasMedia\":false", "\"hasMedia\":true");
        long job = jobId(postJson("/webhook/ai/waha", caption));
        assertThat(inbound(job)).containsEntry("body", "ukuran XL ada?");
        assertThat(postJson("/webhook/ai", caption).body()).isEqualTo("{\"status\":\"duplicate\",\"job_id\":" + job + "}");

        assertAgentMessage(postJson("/webhook/ai", event("message.any", "true_628123456789@c.us_3EB0A3", true, "agent")),
                "true_628123456789@c.us_3EB0A3", "628123456789@s.whatsapp.net");
        assertIgnored(postJson("/webhook/ai", """
                {"event":"message.ack","session":"%s","payload":{"id":"true_628@c.us_X","ack":3}}""".formatted(instance)),
                "event message.ack is not a message");
        assertIgnored(postJson("/webhook/ai", """
                {"event":"session.status","session":"%s","payload":{"status":"WORKING"}}""".formatted(instance)),
                "event session.status is not a message");
        assertThat(countMessages(instance)).isEqualTo(1);
    }
}
