package app.clivy.aiworker.gateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.TOKEN;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * wuzapi: {"type":"Message","event":{Info, Message}} as JSON or, by default, as a form post with
 * jsonData; signed with x-hmac-signature (the key is configured, so unsigned posts are refused).
 * Replies at /chat/send/text {Phone, Body} with the token header.
 */
class WuzapiGatewayTest extends GatewayTest {

    private String event(String type, String id, String message, boolean fromMe) {
        return """
                {"type":"%s","event":{
                  "Info":{"ID":"%s","Chat":"628123456789@s.whatsapp.net","Sender":"628123456789@s.whatsapp.net",
                          "IsFromMe":%s,"IsGroup":false,"PushName":"Sari","Timestamp":"2026-11-29T11:00:00Z"},
                  "Message":%s}}""".formatted(type, id, fromMe, message);
    }

    /** WEBHOOK_FORMAT=json: the object with instanceName and userID added. */
    private String json(String type, String id, String message, boolean fromMe) {
        String e = event(type, id, message, fromMe);
        return "{\"instanceName\":\"" + instance + "\",\"userID\":\"u-1\"," + e.substring(1);
    }

    private byte[] form(String event) {
        return ("jsonData=" + URLEncoder.encode(event, StandardCharsets.UTF_8) + "&instanceName=" + instance
                + "&token=" + URLEncoder.encode("user-token-never-logged", StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private static final String FORM = "application/x-www-form-urlencoded";

    @Test
    void aSignedJsonMessageIsAnsweredThroughWuzapisSendApi() {
        when("wz-json", completion("Halo Sari (wz-json).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("wz-json").willReturn(sent("3EB0WUZAPI01")));
        String body = json("Message", "wz-1", "{\"conversation\":\"wz-json halo\"}", false);

        long job = jobId(postJson("/webhook/ai", body, wuzapiSigned(body.getBytes(StandardCharsets.UTF_8))));

        assertThat(inbound(job)).containsEntry("gateway", "wuzapi").containsEntry("push_name", "Sari")
                .containsEntry("reply_to", "628123456789");
        Map<String, Object> reply = awaitReplySent(job);
        assertThat(reply).containsEntry("gateway", "wuzapi").containsEntry("gateway_reply_id", "3EB0WUZAPI01");
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/chat/send/text"))
                .withHeader("token", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"Phone\":\"628123456789\",\"Body\":\"Halo Sari (wz-json).\"}")));
    }

    @Test
    void theDefaultFormPostIsReadAndItsSignatureIsOverTheEncodedBody() {
        byte[] body = form(event("Message", "wz-form-1", "{\"extendedTextMessage\":{\"text\":\"dari form & co = ok?\"}}", false));

        long job = jobId(post("/webhook/ai", FORM, body, wuzapiSigned(body)));

        assertThat(inbound(job)).containsEntry("gateway", "wuzapi").containsEntry("instance", instance)
                .containsEntry("body", "dari form & co = ok?");
        // the form's token field is neither stored nor logged
        assertThat(logs.everything()).doesNotContain("user-token-never-logged");
        assertThat(db.queryForObject("SELECT input_json::text FROM ai_jobs WHERE id = ?", String.class, job))
                .doesNotContain("user-token-never-logged");
    }

    @Test
    void aCaptionFromMeOtherEventsAndDuplicates() {
        String caption = json("Message", "wz-2", "{\"imageMessage\":{\"caption\":\"foto produk\"}}", false);
        long job = jobId(postJson("/webhook/ai", caption, wuzapiSigned(caption.getBytes(StandardCharsets.UTF_8))));
        assertThat(inbound(job)).containsEntry("body", "foto produk");

        var again = postJson("/webhook/ai", caption, wuzapiSigned(caption.getBytes(StandardCharsets.UTF_8)));
        assertThat(again.body()).isEqualTo("{\"status\":\"duplicate\",\"job_id\":" + job + "}");

        String fromMe = json("Message", "wz-3", "{\"conversation\":\"sent from the phone\"}", true);
        assertAgentMessage(postJson("/webhook/ai", fromMe, wuzapiSigned(fromMe.getBytes(StandardCharsets.UTF_8))), "wz-3",
                "628123456789@s.whatsapp.net");

        byte[] receipt = form("{\"type\":\"ReadReceipt\",\"event\":{\"MessageIDs\":[\"wz-2\"]}}");
        assertIgnored(post("/webhook/ai", FORM, receipt, wuzapiSigned(receipt)), "event type ReadReceipt is not a Message");
        assertThat(countMessages(instance)).isEqualTo(1);
    }

    @Test
    void aBadOrMissingSignatureIs401AndStoresNothing() {
        String body = json("Message", "wz-4", "{\"conversation\":\"forged\"}", false);
        var forged = postJson("/webhook/ai", body, "x-hmac-signature", "00".repeat(32));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("x-hmac-signature does not match the body");

        var unsigned = postJson("/webhook/ai", body);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("x-hmac-signature header is missing");

        byte[] form = form(body);
        var tampered = post("/webhook/ai", FORM, form, wuzapiSigned(form(json("Message", "wz-5", "{}", false))));
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(countMessages(instance)).isZero();
    }
}
