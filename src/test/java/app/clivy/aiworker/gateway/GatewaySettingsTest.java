package app.clivy.aiworker.gateway;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.TOKEN;
import static app.clivy.aiworker.support.FakeGateway.evolutionApiSent;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sendAt;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Which dialect, URL and credential a reply gets: per instance settings, and the default for an unknown gateway. */
class GatewaySettingsTest extends GatewayTest {

    @Test
    void anInstanceWithItsOwnGatewayTypeUrlAndTokenGetsItsRepliesThere() {
        String marker = "own-" + UUID.randomUUID();
        server().stubFor(sendAt(OWN_PREFIX + "/message/sendText/" + OWN_INSTANCE, marker).willReturn(evolutionApiSent("BAE5OWN")));
        // a reply whose message came through another gateway: the instance's type decides
        long id = storeReply(OWN_INSTANCE, "628555000111@s.whatsapp.net", "reply " + marker);

        Map<String, Object> row = awaitDelivery(id, "sent");
        assertThat(row).containsEntry("gateway_reply_id", "BAE5OWN");
        server().verify(exactly(1), postRequestedFor(urlEqualTo(OWN_PREFIX + "/message/sendText/" + OWN_INSTANCE))
                .withHeader("apikey", equalTo(OWN_TOKEN))
                .withRequestBody(equalToJson("{\"number\":\"628555000111\",\"text\":\"reply " + marker + "\"}")));
        assertThat(logs.everything()).doesNotContain(OWN_TOKEN);
    }

    @Test
    void aReplyWhoseGatewayIsUnknownIsSentInTheConfiguredWuzapiDialectAsBefore() {
        // no inbound message in that chat: nothing to inherit (a row stored before gateways were told apart)
        long id = storeReply(instance, "628777000222@s.whatsapp.net", "legacy reply gw-legacy");
        server().stubFor(send("gw-legacy").willReturn(sent("3EB0LEGACY")));

        Map<String, Object> row = awaitDelivery(id, "sent");
        assertThat(row).containsEntry("gateway", null).containsEntry("gateway_reply_id", "3EB0LEGACY");
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withHeader("Token", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"Phone\":\"628777000222\",\"Body\":\"legacy reply gw-legacy\"}")));
    }

    @Test
    void aReplyStoredWithoutAJobInheritsTheGatewayOfItsChatsLastMessage() {
        String chat = "628999000333@c.us";
        jobId(postJson("/webhook/ai", """
                {"event":"message","session":"%s","payload":{"id":"false_%s_A1","from":"%s","fromMe":false,
                 "body":"a question","timestamp":1764414000}}""".formatted(instance, chat, chat)));
        long id = storeReply(instance, "628999000333@s.whatsapp.net", "a human-written reply");

        assertThat(reply(id)).containsEntry("gateway", "waha").containsEntry("reply_to", chat)
                .containsEntry("gateway_account", instance);
    }
}
