package app.clivy.aiworker.gateway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.TOKEN;
import static app.clivy.aiworker.support.FakeGateway.cloudApiSent;
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

/**
 * Meta's WhatsApp Cloud API: the GET verification handshake, signed posts (X-Hub-Signature-256 with
 * the app secret) with several entries and messages, statuses ignored; replies at
 * /{phone_number_id}/messages with a Bearer token.
 */
class CloudApiGatewayTest extends GatewayTest {

    /** The business number's id: the instance of its messages. */
    String phoneNumberId;

    @BeforeEach
    void businessNumber() {
        phoneNumberId = String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000_000_000L, 999_999_999_999_999L));
    }

    private String post(String... values) {
        return """
                {"object":"whatsapp_business_account","entry":[%s]}""".formatted(String.join(",", values));
    }

    private String entry(String... changes) {
        return """
                {"id":"102290129340398","changes":[%s]}""".formatted(String.join(",", changes));
    }

    private String messages(String... messages) {
        return """
                {"field":"messages","value":{"messaging_product":"whatsapp",
                  "metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
                  "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
                  "messages":[%s]}}""".formatted(phoneNumberId, String.join(",", messages));
    }

    private static String text(String id, String body) {
        return """
                {"from":"16505551234","id":"%s","timestamp":"1764414000","type":"text","text":{"body":"%s"}}""".formatted(id, body);
    }

    private HttpResponse<String> signed(String json) {
        return postJson("/webhook/ai", json, metaSigned(json));
    }

    private HttpResponse<String> verify(String query) {
        return client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + query)).GET().build());
    }

    @Test
    void theVerificationHandshakeEchoesTheChallengeOnlyForTheRightToken() {
        HttpResponse<String> ok = verify("/webhook/ai?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=1158201444");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("1158201444");
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(verify("/webhook/ai/cloud-api?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=42").body())
                .isEqualTo("42");

        HttpResponse<String> wrong = verify("/webhook/ai?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain("1158201444").doesNotContain(VERIFY_TOKEN);
        assertThat(verify("/webhook/ai?hub.mode=subscribe&hub.challenge=1").statusCode()).isEqualTo(403);
        assertThat(logs.everything()).doesNotContain(VERIFY_TOKEN);
    }

    @Test
    void aTextMessageIsAnsweredAtThePhoneNumbersMessagesWithABearerToken() {
        when("cloud-text", completion("Hi Sheena (cloud-text).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(sendAt("/" + phoneNumberId + "/messages", "cloud-text").willReturn(cloudApiSent("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI")));

        long job = jobId(signed(post(entry(messages(text("wamid.in-1", "cloud-text opening hours?"))))));

        assertThat(inbound(job)).containsEntry("gateway", "cloud-api").containsEntry("instance", phoneNumberId)
                .containsEntry("chat", "16505551234@s.whatsapp.net").containsEntry("reply_to", "16505551234")
                .containsEntry("gateway_account", phoneNumberId).containsEntry("push_name", "Sheena Nelson");
        Map<String, Object> reply = awaitReplySent(job);
        assertThat(reply).containsEntry("gateway_reply_id", "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI");
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/" + phoneNumberId + "/messages"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
                         "type":"text","text":{"body":"Hi Sheena (cloud-text)."}}""")));
        assertThat(logs.everything()).doesNotContain(TOKEN).doesNotContain(APP_SECRET);
    }

    @Test
    void onePostWithTwoEntriesAndMessagesQueuesEachOnce() {
        String image = """
                {"from":"16505551234","id":"wamid.in-3","timestamp":"1764414001","type":"image",
                 "image":{"caption":"this one?","mime_type":"image/jpeg","id":"1003383421387256"}}""";
        String json = post(entry(messages(text("wamid.in-2", "first"), image)), entry(messages(text("wamid.in-4", "third"))));

        HttpResponse<String> res = signed(json);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        assertThat(res.body()).startsWith("{\"status\":\"queued\",\"results\":[{\"status\":\"queued\",\"job_id\":");
        assertThat(db.queryForList("SELECT body FROM messages WHERE instance = ? ORDER BY id", String.class, phoneNumberId))
                .containsExactly("first", "this one?", "third");
        assertThat(db.queryForObject("SELECT count(*) FROM ai_jobs WHERE instance = ?", Long.class, phoneNumberId)).isEqualTo(3);
        // Meta posts it again: nothing more is stored
        HttpResponse<String> again = signed(json);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).startsWith("{\"status\":\"nothing_queued\",\"results\":[{\"status\":\"duplicate\"");
        assertThat(countMessages(phoneNumberId)).isEqualTo(3);
    }

    @Test
    void aHostilePhoneNumberIdIsRefusedAndNothingIsSent() {
        int before = server().getAllServeEvents().size();
        for (String hostile : new String[] {"../../v9/evil?x=", "123/../../evil", "123?x=", "%2e%2e", "12 34", "+123"}) {
            phoneNumberId = hostile;
            HttpResponse<String> res = signed(post(entry(messages(text("wamid.evil-" + hostile.length(), "hostile")))));
            assertThat(res.statusCode()).as(hostile + ": " + res.body()).isEqualTo(400);
            assertThat(res.body()).contains("phone_number_id must be digits");
            assertThat(countMessages(hostile)).isZero();
        }
        assertThat(server().getAllServeEvents().size()).as("nothing sent to the gateway").isEqualTo(before);
    }

    @Test
    void statusesAndOtherFieldsStartNoJob() {
        String statuses = post(entry("""
                {"field":"messages","value":{"messaging_product":"whatsapp",
                  "metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
                  "statuses":[{"id":"wamid.out-1","status":"delivered","timestamp":"1764414005","recipient_id":"16505551234"}]}}"""
                .formatted(phoneNumberId)));
        assertIgnored(signed(statuses), "delivery and read statuses start no job");
        assertIgnored(signed(post(entry("{\"field\":\"account_update\",\"value\":{\"event\":\"VERIFIED_ACCOUNT\"}}"))),
                "field account_update is not messages");
        assertThat(countMessages(phoneNumberId)).isZero();
    }

    @Test
    void aBadOrMissingSignatureIs401AndStoresNothing() {
        String json = post(entry(messages(text("wamid.in-5", "forged"))));
        HttpResponse<String> forged = postJson("/webhook/ai", json, "X-Hub-Signature-256", "sha256=" + "0".repeat(64));
        assertThat(forged.statusCode()).isEqualTo(401);
        HttpResponse<String> unsigned = postJson("/webhook/ai", json);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("X-Hub-Signature-256 header is missing");
        assertThat(List.of(forged.body(), unsigned.body())).noneMatch(b -> b.contains(APP_SECRET));
        assertThat(countMessages(phoneNumberId)).isZero();
    }
}
