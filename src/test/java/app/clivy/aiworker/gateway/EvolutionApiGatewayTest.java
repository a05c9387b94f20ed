package app.clivy.aiworker.gateway;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.TOKEN;
import static app.clivy.aiworker.support.FakeGateway.evolutionApiSent;
import static app.clivy.aiworker.support.FakeGateway.sendAt;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Evolution API v2: messages.upsert (the LID trap included); replies at /message/sendText/{instance} with apikey. */
class EvolutionApiGatewayTest extends GatewayTest {

    private String upsert(String key, String message) {
        return """
                {"event":"messages.upsert","instance":"%s","data":{"key":%s,"pushName":"Rina","message":%s,
                  "messageType":"conversation","messageTimestamp":1764414000},
                 "destination":"http://worker/webhook/ai","date_time":"2026-11-29T11:00:00.000Z",
                 "sender":"6281111111111@s.whatsapp.net","server_url":"http://evolution:8080","apikey":null}""".formatted(instance, key, message);
    }

    private static String key(String id, String remoteJid, boolean fromMe) {
        return "{\"remoteJid\":\"%s\",\"fromMe\":%s,\"id\":\"%s\"}".formatted(remoteJid, fromMe, id);
    }

    @Test
    void aTextMessageIsAnsweredAtTheInstancesSendText() {
        when("evo-api-text", completion("Siap Rina (evo-api-text).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/message/sendText/" + instance, "evo-api-text").willReturn(evolutionApiSent("BAE5EVOAPI01")));

        long job = jobId(postJson("/webhook/ai", upsert(key("ea-1", "628123456789@s.whatsapp.net", false),
                "{\"conversation\":\"evo-api-text halo\"}")));

        assertThat(inbound(job)).containsEntry("gateway", "evolution-api").containsEntry("chat", "628123456789@s.whatsapp.net")
                .containsEntry("gateway_account", instance).containsEntry("push_name", "Rina");
        assertThat(inbound(job).get("sent_at").toString()).startsWith("2025-11-29");
        Map<String, Object> reply = awaitReplySent(job);
        assertThat(reply).containsEntry("gateway_reply_id", "BAE5EVOAPI01");
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/message/sendText/" + instance))
                .withHeader("apikey", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"number\":\"628123456789\",\"text\":\"Siap Rina (evo-api-text).\"}")));
    }

    @Test
    void aLidAddressedMessageIsStoredUnderThePhoneChatAndAnsweredAtThePhoneNumber() {
        when("evo-api-lid", completion("Nomor benar (evo-api-lid).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/message/sendText/" + instance, "evo-api-lid").willReturn(evolutionApiSent("BAE5EVOAPI02")));
        String lidKey = """
                {"remoteJid":"123456789012345@lid","fromMe":false,"id":"ea-lid-1","addressingMode":"lid",
                 "remoteJidAlt":"628123456789@s.whatsapp.net"}""";

        long job = jobId(postJson("/webhook/ai", upsert(lidKey, "{\"extendedTextMessage\":{\"text\":\"evo-api-lid halo\"}}")));

        assertThat(inbound(job)).containsEntry("chat", "628123456789@s.whatsapp.net").containsEntry("reply_to", "628123456789")
                .containsEntry("body", "evo-api-lid halo");
        awaitReplySent(job);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/message/sendText/" + instance))
                .withRequestBody(equalToJson("{\"number\":\"628123456789\",\"text\":\"Nomor benar (evo-api-lid).\"}")));
    }

    @Test
    void aCaptionFromMeOtherEventsAndDuplicates() {
        String caption = upsert(key("ea-2", "628123456789@s.whatsapp.net", false), "{\"imageMessage\":{\"caption\":\"warna lain?\"}}");
        long job = jobId(postJson("/webhook/ai", caption));
        assertThat(inbound(job)).containsEntry("body", "warna lain?");
        assertThat(postJson("/webhook/ai", caption).body()).isEqualTo("{\"status\":\"duplicate\",\"job_id\":" + job + "}");

        assertAgentMessage(postJson("/webhook/ai", upsert(key("ea-3", "628123456789@s.whatsapp.net", true),
                "{\"conversation\":\"typed on the phone\"}")), "ea-3", "628123456789@s.whatsapp.net");
        assertIgnored(postJson("/webhook/ai", """
                {"event":"messages.update","instance":"%s","data":{"keyId":"ea-2","status":"READ"}}""".formatted(instance)),
                "event messages.update is not messages.upsert");
        assertIgnored(postJson("/webhook/ai", """
                {"event":"connection.update","instance":"%s","data":{"state":"open"}}""".formatted(instance)),
                "is not messages.upsert");
        assertIgnored(postJson("/webhook/ai", upsert(key("ea-4", "120363000000000000@g.us", false),
                "{\"conversation\":\"group\"}")), "group chats are not answered");
        assertThat(countMessages(instance)).isEqualTo(1);
    }
}
