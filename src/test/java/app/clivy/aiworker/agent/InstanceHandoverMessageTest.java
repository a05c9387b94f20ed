package app.clivy.aiworker.agent;

import java.time.Duration;
import java.util.UUID;

import app.clivy.aiworker.support.WebhookClient;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.json;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance's own hand-over message ({@code agent.handover_message} in the admin API): its customers get
 * it at the model's hand-over and at the hand-over after failed jobs; another instance's customers get the
 * default ({@code ai-worker.agent.handover-message}).
 */
class InstanceHandoverMessageTest extends AgentTest {

    private static final String OWN = "Tim Toko Bunga segera membalas (own-handover).";

    private long postTo(String instance, String chat, String text) {
        var res = client().post("/webhook/ai", WebhookClient.textEvent(instance, "m-" + UUID.randomUUID(), chat, text));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        return Long.parseLong(res.body().replaceAll("\\D", ""));
    }

    private String replyOf(long job) {
        long id = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, job);
        return String.valueOf(awaitDelivery(id, "sent").get("body"));
    }

    @Test
    void twoInstancesEachCustomerGetsItsOwnInstancesHandOverText() throws Exception {
        String other = instance + "-default";
        var res = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"handover_message\":\"" + OWN + "\"}}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(adminApi("GET", "/api/instances/" + instance, null).body()).contains("\"handover_message\":\"" + OWN + "\"");
        var bad = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"handover_message\":\"\"}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("agent.handover_message must be a text of 1 to 1000 characters");
        var notABoolean = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"read_and_typing\":\"yes\"}}");
        assertThat(notABoolean.statusCode()).isEqualTo(400);
        assertThat(notABoolean.body()).contains("agent.read_and_typing must be true or false");

        when("ho-own", completion(HandoverTest.structured("handover", "", "customer_request", "wants a person (ho-own)"),
                "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("own-handover").willReturn(sent("gw-own-handover")));
        server().stubFor(send("handover-message").willReturn(sent("gw-default-handover")));
        server().stubFor(post(urlEqualTo(ALERT)).willReturn(json(200, "{}")));

        long own = postTo(instance, "628111000021@s.whatsapp.net", "ho-own saya mau bicara dengan orang");
        long byDefault = postTo(other, "628111000022@s.whatsapp.net", "ho-own saya mau bicara dengan orang");
        awaitDone(own);
        awaitDone(byDefault);

        assertThat(replyOf(own)).isEqualTo(OWN);
        assertThat(replyOf(byDefault)).isEqualTo("Kami sambungkan ke tim kami (handover-message).");
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(equalToJson(
                "{\"Phone\":\"628111000021\",\"Body\":\"" + OWN + "\"}")));
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(equalToJson(
                "{\"Phone\":\"628111000022\",\"Body\":\"Kami sambungkan ke tim kami (handover-message).\"}")));
    }

    @Test
    void theHandOverAfterFailedJobsSaysTheInstancesOwnText() {
        var res = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"handover_message\":\"" + OWN + "\"}}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        when("ho-own-failing", app.clivy.aiworker.support.FakeOpenRouter.error(400, "Invalid request (ho-own-failing)", null));
        server().stubFor(send("own-handover").willReturn(sent("gw-own-failures")));
        String chat = "628111000023@s.whatsapp.net";
        long last = 0;
        for (int i = 0; i < 3; i++) {
            long id = postTo(instance, chat, "ho-own-failing question " + i);
            await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(job(id).get("status")));
            last = id;
        }

        long third = last;
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryForObject(
                "SELECT count(*) FROM messages WHERE job_id = ? AND direction = 'out'", Integer.class, third) == 1);
        assertThat(replyOf(third)).isEqualTo(OWN);
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(equalToJson(
                "{\"Phone\":\"628111000023\",\"Body\":\"" + OWN + "\"}")));
    }
}
