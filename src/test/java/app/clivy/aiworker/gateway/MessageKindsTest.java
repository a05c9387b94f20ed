package app.clivy.aiworker.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import app.clivy.aiworker.support.FakeOpenRouter;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.evolutionGoSent;
import static app.clivy.aiworker.support.FakeGateway.sendAt;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages beyond a plain text: the wrappers (ephemeral, view-once, document with caption) read like
 * their inner message, taps are the text tapped, an edit changes the stored text without a second
 * answer, a delete leaves the next prompt, groups are ignored in every dialect, and the post forms
 * some gateway versions use (wuzapi's multipart and token-only forms, Evolution GO without its
 * instanceName).
 */
class MessageKindsTest extends GatewayTest {

    private static final String CHAT = "628123456789@s.whatsapp.net";

    private String evolutionGo(String id, String message) {
        return """
                {"event":"Message","instanceName":"%s","data":{
                  "Info":{"ID":"%s","Chat":"%s","Sender":"%s","IsFromMe":false,"IsGroup":false,"PushName":"Budi",
                          "Timestamp":"2026-11-29T11:00:00Z","Type":"text"},
                  "Message":%s}}""".formatted(instance, id, CHAT, CHAT, message);
    }

    private String evolutionApi(String id, String message) {
        return """
                {"event":"messages.upsert","instance":"%s","data":{"key":{"remoteJid":"%s","fromMe":false,"id":"%s"},
                  "pushName":"Rina","message":%s,"messageTimestamp":1764414000}}""".formatted(instance, CHAT, id, message);
    }

    private String body(long job) {
        return (String) inbound(job).get("body");
    }

    @Test
    void aTextInAChatWithDisappearingMessagesIsAnswered() {
        when("still in stock", completion("Yes (k-eph).", "openai/gpt-4o", 10, 5, 0.0001));
        long job = jobId(postJson("/webhook/ai", evolutionApi("k-eph-1", """
                {"ephemeralMessage":{"message":{"extendedTextMessage":{"text":"is it still in stock?",
                  "contextInfo":{"expiration":604800}}}}}""")));
        assertThat(body(job)).isEqualTo("is it still in stock?");
        awaitDone(job);
    }

    @Test
    void viewOnceAndDocumentWithCaptionWrappersReadLikeTheirInnerMessage() {
        long v2 = jobId(postJson("/webhook/ai", evolutionGo("k-vo-2",
                "{\"viewOnceMessageV2\":{\"message\":{\"imageMessage\":{\"caption\":\"this colour?\",\"mimetype\":\"image/jpeg\"}}}}")));
        long ext = jobId(postJson("/webhook/ai", evolutionApi("k-vo-ext",
                "{\"viewOnceMessageV2Extension\":{\"message\":{\"videoMessage\":{\"caption\":\"look at this\"}}}}")));
        long v1 = jobId(postJson("/webhook/ai", evolutionApi("k-vo-1",
                "{\"ephemeralMessage\":{\"message\":{\"viewOnceMessage\":{\"message\":{\"imageMessage\":{\"caption\":\"nested\"}}}}}}")));
        long doc = jobId(postJson("/webhook/ai", evolutionGo("k-doc",
                "{\"documentWithCaptionMessage\":{\"message\":{\"documentMessage\":{\"caption\":\"my invoice\",\"mimetype\":\"application/pdf\"}}}}")));
        assertThat(body(v2)).isEqualTo("this colour?");
        assertThat(body(ext)).isEqualTo("look at this");
        assertThat(body(v1)).isEqualTo("nested");
        assertThat(body(doc)).isEqualTo("my invoice");
        assertThat(inbound(v2)).containsEntry("kind", "image");
        assertThat(inbound(doc)).containsEntry("kind", "document");
    }

    @Test
    void buttonAndListTapsAreTheTextTheCustomerTapped() {
        long buttons = jobId(postJson("/webhook/ai", evolutionGo("k-tap-1",
                "{\"buttonsResponseMessage\":{\"selectedButtonID\":\"b1\",\"selectedDisplayText\":\"Yes, order it\",\"type\":1}}")));
        long list = jobId(postJson("/webhook/ai", evolutionApi("k-tap-2",
                "{\"listResponseMessage\":{\"title\":\"Size L\",\"listType\":1,\"singleSelectReply\":{\"selectedRowId\":\"row-l\"}}}")));
        long template = jobId(postJson("/webhook/ai", evolutionApi("k-tap-3",
                "{\"templateButtonReplyMessage\":{\"selectedId\":\"t1\",\"selectedDisplayText\":\"Talk to sales\"}}")));
        String meta = """
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
                  "messaging_product":"whatsapp","metadata":{"display_phone_number":"1555","phone_number_id":"%s"},
                  "contacts":[{"profile":{"name":"Pablo"},"wa_id":"16505551234"}],
                  "messages":[{"from":"16505551234","id":"wamid.TAP%s","timestamp":"1764414000","type":"interactive",
                    "interactive":{"type":"list_reply","list_reply":{"id":"r2","title":"Tuesday 10:00","description":"x"}}}]}}]}]}"""
                .formatted(metaPhoneNumberId(), UUID.randomUUID());
        long tapped = jobId(postJson("/webhook/ai", meta, metaSigned(meta)));
        assertThat(body(buttons)).isEqualTo("Yes, order it");
        assertThat(body(list)).isEqualTo("Size L");
        assertThat(body(template)).isEqualTo("Talk to sales");
        assertThat(body(tapped)).isEqualTo("Tuesday 10:00");
        assertThat(inbound(tapped)).containsEntry("kind", "tap");
    }

    @Test
    void anEditChangesTheStoredTextWithoutASecondAnswer() {
        long job = jobId(postJson("/webhook/ai", evolutionGo("k-orig-1", "{\"conversation\":\"I want 2 boxes\"}")));
        var edit = postJson("/webhook/ai", evolutionGo("k-edit-1", """
                {"protocolMessage":{"key":{"remoteJID":"%s","fromMe":false,"ID":"k-orig-1"},"type":14,
                  "editedMessage":{"conversation":"I want 3 boxes"},"timestampMS":1790000000003}}""".formatted(CHAT)));
        assertThat(edit.statusCode()).isEqualTo(200);
        assertThat(edit.body()).isEqualTo("{\"status\":\"edited\",\"changed\":1}");
        assertThat(body(job)).isEqualTo("I want 3 boxes");
        assertThat(inbound(job).get("edited_at")).isNotNull();
        // Baileys' form, inside an ephemeral wrapper, with the type's name
        var wrapped = postJson("/webhook/ai", evolutionApi("k-edit-2", """
                {"ephemeralMessage":{"message":{"protocolMessage":{"key":{"remoteJid":"%s","fromMe":false,"id":"k-orig-1"},
                  "type":"MESSAGE_EDIT","editedMessage":{"conversation":"I want 4 boxes"}}}}}""".formatted(CHAT)));
        assertThat(wrapped.body()).isEqualTo("{\"status\":\"edited\",\"changed\":1}");
        assertThat(body(job)).isEqualTo("I want 4 boxes");
        assertThat(db.queryForObject("SELECT count(*) FROM ai_jobs WHERE instance = ?", Long.class, instance)).isEqualTo(1);
        assertThat(countMessages(instance)).isEqualTo(1);
    }

    @Test
    void aDeletedMessageLeavesTheNextPrompt() {
        when("k-after-delete", completion("Noted (k-after-delete).", "openai/gpt-4o", 10, 5, 0.0001));
        when("k-secret-42", completion("Thanks (k-del).", "openai/gpt-4o", 10, 5, 0.0001));
        long first = jobId(postJson("/webhook/ai", evolutionGo("k-del-1", "{\"conversation\":\"my card number is k-secret-42\"}")));
        awaitDone(first);
        var revoke = postJson("/webhook/ai", evolutionGo("k-del-2", """
                {"protocolMessage":{"key":{"remoteJID":"%s","fromMe":false,"ID":"k-del-1"},"type":0}}""".formatted(CHAT)));
        assertThat(revoke.body()).isEqualTo("{\"status\":\"revoked\",\"changed\":1}");
        assertThat(inbound(first).get("revoked_at")).isNotNull();

        long next = jobId(postJson("/webhook/ai", evolutionGo("k-del-3", "{\"conversation\":\"k-after-delete hello\"}")));
        awaitDone(next);
        FakeOpenRouter.server().verify(exactly(1), postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(containing("k-after-delete hello")).withRequestBody(notContaining("k-secret-42")));
    }

    @Test
    void aMetaGroupMessageIsIgnoredLikeEveryGatewaysGroups() {
        String meta = """
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
                  "messaging_product":"whatsapp","metadata":{"display_phone_number":"1555","phone_number_id":"%s"},
                  "contacts":[{"profile":{"name":"Tiago"},"wa_id":"16505551234"}],
                  "messages":[{"from":"16505551234","group_id":"HBgLMTY1MDM4Nzk0MzkVAgASGBQz","id":"wamid.GRP1",
                    "timestamp":"1764414000","type":"text","text":{"body":"what does everyone think?"}}]}}]}]}""".formatted(metaPhoneNumberId());
        assertIgnored(postJson("/webhook/ai", meta, metaSigned(meta)), "group chats are not answered");
        assertThat(countMessages(metaPhoneNumberId())).isZero();
    }

    @Test
    void evolutionGoWithoutInstanceNameIsTheInstanceOfItsInstanceId() {
        String post = evolutionGo("k-noname", "{\"conversation\":\"hello without a name\"}")
                .replace("\"instanceName\":\"" + instance + "\"", "\"instanceId\":\"" + instance + "\"");
        assertThat(post).doesNotContain("instanceName");
        long job = jobId(postJson("/webhook/ai", post));
        assertThat(inbound(job)).containsEntry("instance", instance).containsEntry("gateway", "evolution-go");
    }

    private String wuzapiEvent(String id, String text) {
        return """
                {"type":"Message","event":{"Info":{"ID":"%s","Chat":"%s","Sender":"%s","IsFromMe":false,"IsGroup":false,
                  "PushName":"Sari","Timestamp":"2026-11-29T11:00:00Z"},"Message":{"conversation":"%s"}}}"""
                .formatted(id, CHAT, CHAT, text);
    }

    @Test
    void wuzapisMultipartPostIsReadLikeItsForm() {
        String boundary = "----wuzapiBoundary7MA4YWxkTrZu0gW";
        String multipart = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jsonData\"\r\n\r\n" + wuzapiEvent("k-mp-1", "hola multipart") + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"instanceName\"\r\n\r\n" + instance + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"a.ogg\"\r\nContent-Type: audio/ogg\r\n\r\n"
                + "OggS\u0000\u0001binary\r\n"
                + "--" + boundary + "--\r\n";
        byte[] body = multipart.getBytes(StandardCharsets.UTF_8);
        long job = jobId(post("/webhook/ai/wuzapi", "multipart/form-data; boundary=" + boundary, body, wuzapiSigned(body)));
        assertThat(inbound(job)).containsEntry("instance", instance).containsEntry("body", "hola multipart")
                .containsEntry("gateway", "wuzapi");
    }

    @Test
    void aWuzapiFormWithOnlyItsTokenBelongsToTheInstanceWithThatGatewayToken() {
        String id = "k-tok-" + UUID.randomUUID();
        byte[] body = ("jsonData=" + java.net.URLEncoder.encode(wuzapiEvent(id, "legacy form"), StandardCharsets.UTF_8)
                + "&token=" + OWN_TOKEN).getBytes(StandardCharsets.UTF_8);
        long job = jobId(post("/webhook/ai", "application/x-www-form-urlencoded", body, wuzapiSigned(body)));
        assertThat(inbound(job)).containsEntry("instance", OWN_INSTANCE).containsEntry("body", "legacy form");
        // the token is a credential: never stored
        assertThat(db.queryForObject("SELECT input_json::text FROM ai_jobs WHERE id = ?", String.class, job)).doesNotContain(OWN_TOKEN);
    }

    @Test
    void aReactionStartsNoJob() {
        assertIgnored(postJson("/webhook/ai", evolutionApi("k-react",
                "{\"reactionMessage\":{\"key\":{\"remoteJid\":\"" + CHAT + "\",\"fromMe\":true,\"id\":\"x\"},\"text\":\"👍\"}}")),
                "a reaction starts no job");
    }
}
