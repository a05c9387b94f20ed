package app.clivy.aiworker.conversation;

import java.util.UUID;

import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.WorkerTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ai-worker.conversation.quiet-ms=0}: the reference card's behaviour, every message answered on its own. */
@TestPropertySource(properties = "ai-worker.conversation.quiet-ms=0")
class QuietPeriodOffTest extends WorkerTest {

    @Test
    void threeQuickMessagesAreThreeCallsAndThreeReplies() {
        String marker = "quiet-off-" + UUID.randomUUID();
        when(marker, completion("jawaban", "openai/gpt-4o", 10, 2, 0.00001));
        String chat = "628777000111@s.whatsapp.net";
        long[] jobs = {postMessage(chat, "halo " + marker), postMessage(chat, "mau tanya " + marker),
                postMessage(chat, "harga paket B berapa? " + marker)};
        for (long job : jobs) {
            assertThat(awaitJob(job, "done", 1).get("quiet_ms")).isEqualTo(0);
            assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, job))
                    .isEqualTo(1);
            assertThat(String.valueOf(job(job).get("output_json"))).doesNotContain("answered_by_job");
        }
        assertThat(FakeOpenRouter.server().findAll(postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(containing(marker)))).hasSize(3);
    }
}
