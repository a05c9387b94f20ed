package app.clivy.aiworker.gateway;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.cloudApiSent;
import static app.clivy.aiworker.support.FakeGateway.evolutionApiSent;
import static app.clivy.aiworker.support.FakeGateway.evolutionGoSent;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sendAt;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeGateway.wahaSent;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A customer known to the gateway only by a LID ({@code ...@lid}, or Meta's business-scoped user id)
 * is answered at that id, in the form each gateway's send API routes to that customer: the whatsmeow
 * gateways (Evolution GO, wuzapi) turn bare digits into a phone JID, so they get the full LID JID.
 */
class LidOnlyChatTest extends GatewayTest {

    private static final String LID = "270412651193@lid";

    private String whatsmeowInfo(String id, String text) {
        return """
                {"Info":{"ID":"%s","Chat":"%s","Sender":"%s","SenderAlt":"","IsFromMe":false,"IsGroup":false,
                         "PushName":"Alex","Timestamp":"2026-11-29T11:00:00Z","Type":"text"},
                 "Message":{"conversation":"%s"}}""".formatted(id, LID, LID, text);
    }

    @Test
    void evolutionGoAnswersALidChatAtItsFullJid() {
        when("lid-evogo", completion("Hi Alex (lid-evogo).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/send/text", "lid-evogo").willReturn(evolutionGoSent("3EB0LIDGO1")));

        long job = jobId(postJson("/webhook/ai", """
                {"event":"Message","instanceName":"%s","instanceId":"b7c1","data":%s}"""
                .formatted(instance, whatsmeowInfo("lid-go-1", "lid-evogo hello"))));

        assertThat(inbound(job)).containsEntry("chat", LID).containsEntry("reply_to", LID);
        awaitReplySent(job);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/send/text"))
                .withRequestBody(equalToJson("{\"number\":\"" + LID + "\",\"text\":\"Hi Alex (lid-evogo).\"}")));
    }

    @Test
    void wuzapiAnswersALidChatAtItsFullJid() {
        when("lid-wuzapi", completion("Hi Alex (lid-wuzapi).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("lid-wuzapi").willReturn(sent("3EB0LIDWZ1")));
        String body = """
                {"instanceName":"%s","userID":"u-1","type":"Message","event":%s}"""
                .formatted(instance, whatsmeowInfo("lid-wz-1", "lid-wuzapi hello"));

        long job = jobId(postJson("/webhook/ai", body, wuzapiSigned(body.getBytes(StandardCharsets.UTF_8))));

        assertThat(inbound(job)).containsEntry("chat", LID).containsEntry("reply_to", LID);
        awaitReplySent(job);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/chat/send/text"))
                .withRequestBody(equalToJson("{\"Phone\":\"" + LID + "\",\"Body\":\"Hi Alex (lid-wuzapi).\"}")));
    }

    @Test
    void evolutionApiAnswersALidWithoutItsPhoneJidAtTheLid() {
        when("lid-evoapi", completion("Hi Alex (lid-evoapi).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/message/sendText/" + instance, "lid-evoapi").willReturn(evolutionApiSent("BAE5LID1")));

        long job = jobId(postJson("/webhook/ai", """
                {"event":"messages.upsert","instance":"%s","data":{
                  "key":{"remoteJid":"%s","fromMe":false,"id":"lid-ea-1"},"pushName":"Alex",
                  "message":{"conversation":"lid-evoapi hello"},"messageType":"conversation","messageTimestamp":1764414000}}"""
                .formatted(instance, LID)));

        assertThat(inbound(job)).containsEntry("chat", LID).containsEntry("reply_to", LID);
        awaitReplySent(job);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/message/sendText/" + instance))
                .withRequestBody(equalToJson("{\"number\":\"" + LID + "\",\"text\":\"Hi Alex (lid-evoapi).\"}")));
    }

    @Test
    void wahaAnswersALidChatAtItsChatId() {
        when("lid-waha", completion("Hi Alex (lid-waha).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/api/sendText", "lid-waha").willReturn(wahaSent("true_" + LID + "_3EB0W1")));

        long job = jobId(postJson("/webhook/ai", """
                {"id":"evt_01","timestamp":1764414000123,"session":"%s","event":"message","payload":{
                  "id":"false_%s_3EB0LID","timestamp":1764414000,"from":"%s","fromMe":false,
                  "body":"lid-waha hello","hasMedia":false,"_data":{"notifyName":"Alex"}}}"""
                .formatted(instance, LID, LID)));

        assertThat(inbound(job)).containsEntry("chat", LID).containsEntry("reply_to", LID);
        awaitReplySent(job);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/api/sendText"))
                .withRequestBody(equalToJson("{\"session\":\"" + instance + "\",\"chatId\":\"" + LID
                        + "\",\"text\":\"Hi Alex (lid-waha).\"}")));
    }

    @Test
    void wahaAnswersALidWhoseEngineKnowsThePhoneAtThePhonesChatId() {
        when("lid-waha-alt", completion("Hi (lid-waha-alt).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/api/sendText", "lid-waha-alt").willReturn(wahaSent("true_628555000111@c.us_3EB0W2")));

        long job = jobId(postJson("/webhook/ai", """
                {"id":"evt_02","session":"%s","event":"message","payload":{
                  "id":"false_%s_3EB0ALT","timestamp":1764414000,"from":"%s","fromMe":false,"body":"lid-waha-alt hello",
                  "_data":{"key":{"remoteJid":"%s","remoteJidAlt":"628555000111@s.whatsapp.net","addressingMode":"lid"}}}}"""
                .formatted(instance, LID, LID, LID)));

        assertThat(inbound(job)).containsEntry("chat", "628555000111@s.whatsapp.net").containsEntry("reply_to", "628555000111@c.us");
        awaitReplySent(job);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/api/sendText"))
                .withRequestBody(equalToJson("{\"session\":\"" + instance + "\",\"chatId\":\"628555000111@c.us\",\"text\":\"Hi (lid-waha-alt).\"}")));
    }

    @Test
    void metaAnswersACustomerWithoutAPhoneNumberAtTheirBusinessScopedUserId() {
        String bsuid = "US.13491208655302741918";
        String phoneNumberId = "1065403522" + (System.nanoTime() % 100_000);
        when("lid-meta", completion("Hi Alex (lid-meta).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/" + phoneNumberId + "/messages", "lid-meta").willReturn(cloudApiSent("wamid.LID1")));
        String json = """
                {"object":"whatsapp_business_account","entry":[{"id":"1022","changes":[{"field":"messages","value":{
                  "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
                  "contacts":[{"profile":{"name":"Alex"},"user_id":"%s"}],
                  "messages":[{"user_id":"%s","id":"wamid.LIDIN1","timestamp":"1764414000","type":"text",
                               "text":{"body":"lid-meta hello"}}]}}]}]}""".formatted(phoneNumberId, bsuid, bsuid);

        long job = jobId(postJson("/webhook/ai", json, metaSigned(json)));

        assertThat(inbound(job)).containsEntry("chat", bsuid).containsEntry("reply_to", bsuid).containsEntry("push_name", "Alex");
        awaitReplySent(job);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/" + phoneNumberId + "/messages"))
                .withRequestBody(equalToJson("""
                        {"messaging_product":"whatsapp","recipient_type":"individual","recipient":"%s","type":"text",
                         "text":{"body":"Hi Alex (lid-meta)."}}""".formatted(bsuid))));
    }
}
