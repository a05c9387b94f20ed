package app.clivy.aiworker.conversation;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance's own quiet period, while the default is 0 and the sweep runs only every 10 minutes:
 * the listener claims again the job's own quiet period after its message, so the burst is answered
 * once, right after the chat fell quiet, and not by the sweep.
 */
@TestPropertySource(properties = {"ai-worker.conversation.quiet-ms=0", "ai-worker.sweep-interval-ms=600000",
        "ai-worker.admin.user=operator", "ai-worker.admin.password=" + InstanceQuietPeriodTest.PASSWORD})
class InstanceQuietPeriodTest extends WorkerTest {

    static final String PASSWORD = "instance-quiet-test-password";
    private static final int QUIET_MS = 1200;

    @Autowired
    CamelContext camel;

    @Test
    void aBurstIsAnsweredAfterTheInstanceQuietPeriodWithoutWaitingForTheSweep() throws Exception {
        NotifyBuilder sweep = new NotifyBuilder(camel).fromRoute("job-sweep").whenDone(1).create();
        HttpResponse<String> saved = client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/instances/" + instance))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"quiet_ms\":" + QUIET_MS + "}"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes()))
                .build());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        String marker = "instance-quiet-" + UUID.randomUUID();
        when(marker, completion("Paket B Rp150.000", "openai/gpt-4o", 20, 5, 0.00001));
        String chat = "628777000222@s.whatsapp.net";

        long first = postMessage(chat, "halo " + marker);
        Thread.sleep(300); // the customer types: messages 300 ms apart (input pacing, not waiting for work)
        long last = postMessage(chat, "harga paket B berapa?");
        long lastPosted = System.nanoTime();

        // awaitJob waits at most 20 s: far inside the 10 minutes before the first sweep
        awaitJob(last, "done", 1);
        long answeredAfterMs = (System.nanoTime() - lastPosted) / 1_000_000;
        System.out.printf("burst answered %d ms after its last message (instance quiet period %d ms, default 0, sweep 10 min)%n",
                answeredAfterMs, QUIET_MS);
        assertThat(sweep.matches(0, TimeUnit.MILLISECONDS)).as("no sweep ran").isFalse();
        // the instance's quiet period, not the default 0: one call for both messages, the first absorbed
        assertThat(job(last).get("quiet_ms")).isEqualTo(QUIET_MS);
        assertThat(new ObjectMapper().readTree(String.valueOf(job(first).get("output_json"))).path("answered_by_job").asLong())
                .isEqualTo(last);
        assertThat(FakeOpenRouter.server().findAll(postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(containing(marker)))).hasSize(1);
    }
}
