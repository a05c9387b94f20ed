package app.clivy.aiworker.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import app.clivy.aiworker.instances.InstanceSettingsCache;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static app.clivy.aiworker.support.FakeGateway.TOKEN;
import static app.clivy.aiworker.support.FakeGateway.cloudApiSent;
import static app.clivy.aiworker.support.FakeGateway.down;
import static app.clivy.aiworker.support.FakeGateway.evolutionApiSent;
import static app.clivy.aiworker.support.FakeGateway.evolutionGoSent;
import static app.clivy.aiworker.support.FakeGateway.json;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sendAt;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeGateway.wahaSent;
import static app.clivy.aiworker.support.FakeOpenRouter.CHAT;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Read" ticks and "typing..." before the model works (docs/agent.md, agent/ChatSignals): at each
 * gateway's fake, its read and typing calls arrive once, with its path, auth header and body, while the
 * model (one second here) is still working, so before the reply's send; a signal endpoint that fails
 * leaves the reply delivered once; an instance with the setting off gets no signal. The tests' global
 * setting is off (bundle-test.properties): each instance here turns it on in its own settings.
 */
class ReadAndTypingTest extends GatewayTest {

    /** The model's working time: the typing indicator shows meanwhile. */
    private static final int MODEL_MS = 1000;

    @Autowired
    InstanceSettingsCache instanceSettings;

    /** The instance's own {@code agent.read_and_typing}, as the admin API stores it. */
    private void readAndTyping(String instance, boolean on) {
        db.update("""
                INSERT INTO instance_settings (instance, agent) VALUES (?, CAST(? AS jsonb))
                ON CONFLICT (instance) DO UPDATE SET agent = EXCLUDED.agent, updated_at = now()""",
                instance, "{\"read_and_typing\":" + on + "}");
        instanceSettings.forget();
    }

    private static void slowModel(String marker, String reply) {
        when(marker, completion(reply, "openai/gpt-4o", 10, 5, 0.0001).withFixedDelay(MODEL_MS));
    }

    private static LoggedRequest one(RequestPatternBuilder pattern) {
        List<LoggedRequest> found = server().findAll(pattern);
        assertThat(found).as("one request like " + pattern.build()).hasSize(1);
        return found.get(0);
    }

    /** The model's request of this test (its marker in the body). */
    private static LoggedRequest modelCall(String marker) {
        List<LoggedRequest> calls = app.clivy.aiworker.support.FakeOpenRouter.server()
                .findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing(marker)));
        assertThat(calls).hasSize(1);
        return calls.get(0);
    }

    /** Each signal arrived while the model was working (before its answer), so before the reply's send. */
    private static void beforeTheReply(LoggedRequest model, LoggedRequest reply, LoggedRequest... signals) {
        for (LoggedRequest signal : signals) {
            assertThat(signal.getLoggedDate()).as(signal.getUrl() + " before the model's answer")
                    .isBefore(new java.util.Date(model.getLoggedDate().getTime() + MODEL_MS));
            assertThat(signal.getLoggedDate()).as(signal.getUrl() + " before the reply's send").isBeforeOrEqualTo(reply.getLoggedDate());
        }
    }

    @Test
    void evolutionApiMarksTheMessageReadAndShowsComposingBeforeTheReply() {
        readAndTyping(instance, true);
        String id = "EA-RT-" + UUID.randomUUID();
        slowModel("rt-evo-api", "Siap (rt-evo-api).");
        server().stubFor(sendAt("/message/sendText/" + instance, "rt-evo-api").willReturn(evolutionApiSent("BAE5RT01")));
        server().stubFor(WireMock.post(urlEqualTo("/chat/markMessageAsRead/" + instance)).willReturn(json(201, "{\"message\":\"Read messages\",\"read\":\"success\"}")));
        server().stubFor(WireMock.post(urlEqualTo("/chat/sendPresence/" + instance)).willReturn(json(201, "{\"presence\":\"composing\"}")));

        long job = jobId(postJson("/webhook/ai", """
                {"event":"messages.upsert","instance":"%s","data":{"key":{"remoteJid":"628123456789@s.whatsapp.net",
                  "fromMe":false,"id":"%s"},"pushName":"Rina","message":{"conversation":"rt-evo-api halo"},
                  "messageTimestamp":1764414000}}""".formatted(instance, id)));
        awaitReplySent(job);

        LoggedRequest read = one(postRequestedFor(urlEqualTo("/chat/markMessageAsRead/" + instance)).withHeader("apikey", equalTo(TOKEN))
                .withRequestBody(equalToJson("""
                        {"readMessages":[{"remoteJid":"628123456789@s.whatsapp.net","fromMe":false,"id":"%s"}]}""".formatted(id))));
        LoggedRequest typing = one(postRequestedFor(urlEqualTo("/chat/sendPresence/" + instance)).withHeader("apikey", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"number\":\"628123456789\",\"presence\":\"composing\",\"delay\":20000}")));
        LoggedRequest reply = one(postRequestedFor(urlEqualTo("/message/sendText/" + instance)).withRequestBody(containing("rt-evo-api")));
        beforeTheReply(modelCall("rt-evo-api"), reply, read, typing);
    }

    @Test
    void wahaSendsSeenAndStartsTypingBeforeTheReply() {
        readAndTyping(instance, true);
        String id = "false_628123456789@c.us_RT" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
        slowModel("rt-waha", "Halo (rt-waha).");
        server().stubFor(sendAt("/api/sendText", "rt-waha").willReturn(wahaSent("true_628123456789@c.us_3EB0RT02")));
        server().stubFor(WireMock.post(urlEqualTo("/api/sendSeen")).willReturn(json(201, "{}")));
        server().stubFor(WireMock.post(urlEqualTo("/api/startTyping")).willReturn(json(201, "{}")));

        long job = jobId(postJson("/webhook/ai", """
                {"id":"evt_RT","timestamp":1764414000123,"session":"%s","event":"message","payload":{
                  "id":"%s","timestamp":1764414000,"from":"628123456789@c.us","fromMe":false,"to":"6281111111111@c.us",
                  "body":"rt-waha halo","hasMedia":false,"_data":{"notifyName":"Dewi"}},"engine":"WEBJS"}""".formatted(instance, id)));
        awaitReplySent(job);

        LoggedRequest seen = one(postRequestedFor(urlEqualTo("/api/sendSeen")).withHeader("X-Api-Key", equalTo(TOKEN))
                .withRequestBody(equalToJson("""
                        {"session":"%s","chatId":"628123456789@c.us","messageIds":["%s"],"messageId":"%s","participant":null}"""
                        .formatted(instance, id, id))));
        LoggedRequest typing = one(postRequestedFor(urlEqualTo("/api/startTyping")).withHeader("X-Api-Key", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"session\":\"%s\",\"chatId\":\"628123456789@c.us\"}".formatted(instance))));
        LoggedRequest reply = one(postRequestedFor(urlEqualTo("/api/sendText")).withRequestBody(containing("rt-waha")));
        beforeTheReply(modelCall("rt-waha"), reply, seen, typing);
    }

    @Test
    void wuzapiMarksReadAndSetsThePresenceBeforeTheReply() {
        readAndTyping(instance, true);
        String id = "WZRT" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
        slowModel("rt-wuzapi", "Halo Sari (rt-wuzapi).");
        server().stubFor(send("rt-wuzapi").willReturn(sent("3EB0WZRT01")));
        server().stubFor(WireMock.post(urlEqualTo("/chat/markread")).willReturn(json(200, "{\"code\":200,\"data\":{\"Details\":\"Message(s) marked as read\"},\"success\":true}")));
        server().stubFor(WireMock.post(urlEqualTo("/chat/presence")).willReturn(json(200, "{\"code\":200,\"data\":{\"Details\":\"Chat presence set successfuly\"},\"success\":true}")));
        String body = """
                {"instanceName":"%s","userID":"u-1","type":"Message","event":{
                  "Info":{"ID":"%s","Chat":"628123456789@s.whatsapp.net","Sender":"628123456789@s.whatsapp.net",
                          "IsFromMe":false,"IsGroup":false,"PushName":"Sari","Timestamp":"2026-11-29T11:00:00Z"},
                  "Message":{"conversation":"rt-wuzapi halo"}}}""".formatted(instance, id);

        java.util.Date start = new java.util.Date();
        long job = jobId(postJson("/webhook/ai", body, wuzapiSigned(body.getBytes(StandardCharsets.UTF_8))));
        awaitReplySent(job);

        LoggedRequest read = one(postRequestedFor(urlEqualTo("/chat/markread")).withHeader("Token", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"Id\":[\"%s\"],\"Chat\":\"628123456789@s.whatsapp.net\"}".formatted(id))));
        // the presence body names no message: this test's is the one that came after its post
        LoggedRequest typing = since(start, postRequestedFor(urlEqualTo("/chat/presence")).withHeader("Token", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"Phone\":\"628123456789\",\"State\":\"composing\",\"Media\":\"\"}")));
        LoggedRequest model = modelCall("rt-wuzapi");
        LoggedRequest reply = one(postRequestedFor(urlEqualTo("/chat/send/text")).withRequestBody(containing("rt-wuzapi")));
        beforeTheReply(model, reply, read, typing);
    }

    @Test
    void evolutionGoMarksReadAndSetsThePresenceBeforeTheReply() {
        readAndTyping(instance, true);
        String id = "EGRT" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
        slowModel("rt-evo-go", "Buka jam 9 (rt-evo-go).");
        server().stubFor(sendAt("/send/text", "rt-evo-go").willReturn(evolutionGoSent("3EB0EGRT01")));
        server().stubFor(WireMock.post(urlEqualTo("/message/markread")).willReturn(json(200, "{\"message\":\"success\"}")));
        server().stubFor(WireMock.post(urlEqualTo("/message/presence")).willReturn(json(200, "{\"message\":\"success\"}")));

        java.util.Date start = new java.util.Date();
        long job = jobId(postJson("/webhook/ai", evolutionGoEvent(id, "rt-evo-go jam buka?")));
        awaitReplySent(job);

        LoggedRequest read = one(postRequestedFor(urlEqualTo("/message/markread")).withHeader("apikey", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"id\":[\"%s\"],\"number\":\"628123456789\"}".formatted(id))));
        LoggedRequest model = modelCall("rt-evo-go");
        LoggedRequest typing = since(start, postRequestedFor(urlEqualTo("/message/presence")).withHeader("apikey", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"number\":\"628123456789\",\"state\":\"composing\",\"isAudio\":false}")));
        LoggedRequest reply = one(postRequestedFor(urlEqualTo("/send/text")).withRequestBody(containing("rt-evo-go")));
        beforeTheReply(model, reply, read, typing);
    }

    @Test
    void metaGetsOneReadReceiptWithTheTypingIndicatorBeforeTheReply() {
        String phoneNumberId = metaPhoneNumberId();
        readAndTyping(phoneNumberId, true);
        String wamid = "wamid.RT" + UUID.randomUUID().toString().replace("-", "");
        slowModel("rt-cloud", "Hi Sheena (rt-cloud).");
        String messages = "/" + phoneNumberId + "/messages";
        server().stubFor(sendAt(messages, "rt-cloud").willReturn(cloudApiSent("wamid.OUT-RT")));
        server().stubFor(sendAt(messages, "\"status\":\"read\"").willReturn(json(200, "{\"success\":true}")));
        String event = """
                {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
                  "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
                  "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
                  "messages":[{"from":"16505551234","id":"%s","timestamp":"1764414000","type":"text","text":{"body":"rt-cloud hours?"}}]}}]}]}"""
                .formatted(phoneNumberId, wamid);

        long job = jobId(postJson("/webhook/ai", event, metaSigned(event)));
        awaitReplySent(job);

        LoggedRequest read = one(postRequestedFor(urlEqualTo(messages)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {"messaging_product":"whatsapp","status":"read","message_id":"%s","typing_indicator":{"type":"text"}}"""
                        .formatted(wamid))));
        LoggedRequest reply = one(postRequestedFor(urlEqualTo(messages)).withRequestBody(containing("rt-cloud")));
        beforeTheReply(modelCall("rt-cloud"), reply, read);
    }

    @Test
    void failingSignalEndpointsLeaveTheReplyDeliveredOnce() {
        readAndTyping(instance, true);
        String id = "EGFAIL" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
        slowModel("rt-failing", "Tetap terkirim (rt-failing).");
        server().stubFor(sendAt("/send/text", "rt-failing").willReturn(evolutionGoSent("3EB0EGFAIL1")));
        // the read call is refused, the typing call's connection dropped
        server().stubFor(WireMock.post(urlEqualTo("/message/markread")).withRequestBody(containing(id)).willReturn(json(500, "{\"error\":\"not connected\"}")));
        server().stubFor(WireMock.post(urlEqualTo("/message/presence")).willReturn(down()));

        long job = jobId(postJson("/webhook/ai", evolutionGoEvent(id, "rt-failing masih buka?")));
        var reply = awaitReplySent(job);

        assertThat(reply).containsEntry("delivery_attempts", 1);
        assertThat(job(job)).containsEntry("status", "done").containsEntry("attempts", 1);
        one(postRequestedFor(urlEqualTo("/message/markread")).withRequestBody(containing(id)));
        one(postRequestedFor(urlEqualTo("/send/text")).withRequestBody(containing("rt-failing")));
        // one warning for the run of failures (the read's 500 or the typing's dropped connection, whichever ends first)
        await(() -> logs.lines().stream().anyMatch(l -> l.startsWith("⚠  Read/typing signal (")
                && l.contains(") of instance " + instance + " not taken by the evolution-go gateway: ")));
        assertThat(logs.lines().stream().filter(l -> l.startsWith("⚠  Read/typing signal ("))).hasSize(1);
        assertThat(logs.everything()).doesNotContain(TOKEN).doesNotContain("628123456789");
    }

    @Test
    void anInstanceWithTheSettingOffSendsNoSignal() throws Exception {
        readAndTyping(instance, false);
        String id = "EGOFF" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
        slowModel("rt-off", "Tanpa tanda (rt-off).");
        server().stubFor(sendAt("/send/text", "rt-off").willReturn(evolutionGoSent("3EB0EGOFF1")));

        java.util.Date start = new java.util.Date();
        long job = jobId(postJson("/webhook/ai", evolutionGoEvent(id, "rt-off halo")));
        awaitReplySent(job);
        Thread.sleep(500); // a signal would have been started a second before the reply: none comes late either

        assertThat(server().findAll(postRequestedFor(urlEqualTo("/message/markread")).withRequestBody(containing(id)))).isEmpty();
        assertThat(server().findAll(postRequestedFor(urlEqualTo("/message/presence"))).stream()
                .filter(p -> !p.getLoggedDate().before(start))).isEmpty();
    }

    /** The one request like {@code pattern} that came since {@code start}. */
    private static LoggedRequest since(java.util.Date start, RequestPatternBuilder pattern) {
        List<LoggedRequest> found = server().findAll(pattern).stream().filter(r -> !r.getLoggedDate().before(start)).toList();
        assertThat(found).as("one request like " + pattern.build() + " since the post").hasSize(1);
        return found.get(0);
    }

    private String evolutionGoEvent(String id, String text) {
        return """
                {"event":"Message","instanceName":"%s","instanceId":"b7c1","data":{
                  "Info":{"ID":"%s","Chat":"628123456789@s.whatsapp.net","Sender":"628123456789@s.whatsapp.net",
                          "IsFromMe":false,"IsGroup":false,"PushName":"Budi","Timestamp":"2026-11-29T10:59:58+07:00","Type":"text"},
                  "Message":{"conversation":"%s"}}}""".formatted(instance, id, text);
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(condition);
    }
}
