package app.clivy.aiworker.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.CHAT;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Opening hours per instance, with the time set by the test's clock: each after-hours mode (answer
 * with the after-hours prompt, one message per chat per closed period, silence), a schedule in
 * Asia/Jakarta against the same instant in UTC, a range crossing midnight, a hand-over outside hours
 * naming the opening time, and the admin API's checks.
 */
@Import(OpeningHoursTest.TestClock.class)
class OpeningHoursTest extends AgentTest {

    /** Monday 2026-12-07 11:00 UTC = 18:00 in Jakarta (WIB, UTC+7). */
    static final Instant MONDAY_11_UTC = Instant.parse("2026-12-07T11:00:00Z");
    static final AtomicReference<Instant> NOW = new AtomicReference<>(MONDAY_11_UTC);

    /** The clock opening hours are read at: the instant the test set. */
    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        Clock testClock() {
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return NOW.get();
                }
            };
        }
    }

    @AfterEach
    void resetClock() {
        NOW.set(MONDAY_11_UTC);
    }

    private void settings(String agentJson) {
        var res = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":" + agentJson + "}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    }

    private JsonNode output(long job) throws Exception {
        return new ObjectMapper().readTree(db.queryForObject("SELECT output_json::text FROM ai_jobs WHERE id = ?", String.class, job));
    }

    private String replyOf(long job) {
        return db.queryForList("SELECT body FROM messages WHERE job_id = ? AND direction = 'out'", String.class, job)
                .stream().findFirst().orElse(null);
    }

    private int modelCalls(String marker) {
        return app.clivy.aiworker.support.FakeOpenRouter.server()
                .findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing(marker))).size();
    }

    private String systemPrompt(String marker) throws Exception {
        var requests = app.clivy.aiworker.support.FakeOpenRouter.server()
                .findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing(marker)));
        JsonNode body = new ObjectMapper().readTree(requests.get(requests.size() - 1).getBodyAsString());
        return body.at("/messages/0/content").asText();
    }

    @Test
    void messageModeTellsEachChatOncePerClosedPeriodAndNeverCallsTheModel() throws Exception {
        settings("{\"opening_hours\": \"mon-fri 08:00-17:00\", \"time_zone\": \"Asia/Jakarta\", \"after_hours\": \"message\","
                + " \"after_hours_message\": \"Kami tutup (oh-msg), buka lagi {opens}.\"}");
        when("oh-msg", completion("Buka (oh-msg).", "openai/gpt-4o", 10, 5, 0.0001));
        String chat = "628333000001@s.whatsapp.net";
        server().stubFor(send("628333000001").willReturn(sent("gw-oh-msg")));

        // Monday 18:00 in Jakarta: closed since 17:00, opens Tuesday 08:00
        long first = postMessage(chat, "oh-msg halo?");
        awaitDone(first);
        assertThat(replyOf(first)).isEqualTo("Kami tutup (oh-msg), buka lagi Tue 2026-12-08 08:00 WIB.");
        JsonNode out = output(first);
        assertThat(out.at("/after_hours/mode").asText()).isEqualTo("message");
        assertThat(out.at("/after_hours/opens_at").asText()).isEqualTo("2026-12-08T08:00+07:00");
        assertThat(out.at("/after_hours/closed_since").asText()).isEqualTo("2026-12-07T17:00+07:00");
        long firstReply = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, first);
        awaitDelivery(firstReply, "sent");

        // later in the same closed period (22:00 and the night): done in silence
        NOW.set(Instant.parse("2026-12-07T15:00:00Z"));
        long second = postMessage(chat, "oh-msg masih tutup?");
        awaitDone(second);
        assertThat(replyOf(second)).as("told once per closed period").isNull();
        assertThat(output(second).path("skipped").asText()).isEqualTo("after_hours");
        NOW.set(Instant.parse("2026-12-07T23:30:00Z"));
        long third = postMessage(chat, "oh-msg pagi?");
        awaitDone(third);
        assertThat(replyOf(third)).isNull();
        // another chat of the instance is told on its own
        long other = postMessage("628333000009@s.whatsapp.net", "oh-msg chat lain");
        awaitDone(other);
        assertThat(replyOf(other)).startsWith("Kami tutup (oh-msg)");

        // Tuesday 09:00 in Jakarta: open, the model answers
        NOW.set(Instant.parse("2026-12-08T02:00:00Z"));
        long open = postMessage(chat, "oh-msg sudah buka?");
        awaitDone(open);
        assertThat(replyOf(open)).isEqualTo("Buka (oh-msg).");
        assertThat(output(open).has("after_hours")).isFalse();
        assertThat(modelCalls("oh-msg")).isEqualTo(1);

        // Tuesday 18:00: a new closed period, told again (until Wednesday 08:00)
        NOW.set(Instant.parse("2026-12-08T11:00:00Z"));
        long next = postMessage(chat, "oh-msg halo lagi");
        awaitDone(next);
        assertThat(replyOf(next)).isEqualTo("Kami tutup (oh-msg), buka lagi Wed 2026-12-09 08:00 WIB.");
        assertThat(modelCalls("oh-msg")).isEqualTo(1);
        assertThat(db.queryForObject("SELECT count(*) FROM after_hours_notices WHERE instance = ? AND chat = ?", Integer.class,
                instance, chat)).isEqualTo(2);
        server().verify(exactly(1), postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("628333000001"))
                .withRequestBody(containing("buka lagi Tue 2026-12-08 08:00 WIB")));
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("🌙 Job #" + first + ": outside opening hours until Tue 2026-12-08 08:00 WIB;"));
    }

    @Test
    void theClosedPeriodsNoticeIsClaimedOnceEvenWhenAnotherRunClaimedItFirst() {
        settings("{\"opening_hours\": \"mon-fri 08:00-17:00\", \"time_zone\": \"Asia/Jakarta\", \"after_hours\": \"message\"}");
        String chat = "628333000002@s.whatsapp.net";
        // another node (or an earlier run) told this chat in this closed period already
        db.update("INSERT INTO after_hours_notices (instance, chat, closed_since, job_id) VALUES (?, ?, ?::timestamptz, 0)",
                instance, chat, "2026-12-07T17:00+07:00");
        long job = postMessage(chat, "oh-race halo");
        awaitDone(job);
        assertThat(replyOf(job)).isNull();
        assertThat(db.queryForObject("SELECT count(*) FROM after_hours_notices WHERE instance = ? AND chat = ?", Integer.class,
                instance, chat)).isEqualTo(1);
    }

    @Test
    void silentModeEndsTheJobDoneWithoutACallOrAReply() throws Exception {
        settings("{\"opening_hours\": \"mon-fri 08:00-17:00\", \"time_zone\": \"Asia/Jakarta\", \"after_hours\": \"silent\"}");
        when("oh-silent", completion("Halo (oh-silent).", "openai/gpt-4o", 10, 5, 0.0001));
        long job = postMessage("628333000003@s.whatsapp.net", "oh-silent halo?");
        awaitDone(job);
        assertThat(replyOf(job)).isNull();
        JsonNode out = output(job);
        assertThat(out.path("skipped").asText()).isEqualTo("after_hours");
        assertThat(out.path("message").asText()).isEqualTo("outside opening hours until Tue 2026-12-08 08:00 WIB");
        assertThat(modelCalls("oh-silent")).isZero();
    }

    @Test
    void answerModeAddsTheAfterHoursPromptInTheInstancesTimeZoneOnly() throws Exception {
        // the default mode is answer; Jakarta is closed at 18:00 WIB while the same instant is 11:00 in UTC
        settings("{\"opening_hours\": \"daily 08:00-17:00\", \"time_zone\": \"Asia/Jakarta\"}");
        when("oh-answer", completion("Kami tutup, buka besok jam 8 (oh-answer).", "openai/gpt-4o", 10, 5, 0.0001));
        long closed = postMessage("628333000004@s.whatsapp.net", "oh-answer bisa pesan?");
        awaitDone(closed);
        assertThat(replyOf(closed)).isEqualTo("Kami tutup, buka besok jam 8 (oh-answer).");
        assertThat(systemPrompt("oh-answer")).contains("The business is closed now and opens again Tue 2026-12-08 08:00 WIB.")
                .contains("promise nothing only a person of the business can do");
        assertThat(output(closed).at("/after_hours/mode").asText()).isEqualTo("answer");

        settings("{\"opening_hours\": \"daily 08:00-17:00\", \"time_zone\": \"UTC\"}");
        long open = postMessage("628333000004@s.whatsapp.net", "oh-answer bisa pesan sekarang?");
        awaitDone(open);
        assertThat(modelCalls("oh-answer")).isEqualTo(2);
        assertThat(systemPrompt("oh-answer")).doesNotContain("closed now");
        assertThat(output(open).has("after_hours")).isFalse();
    }

    @Test
    void aRangeCrossingMidnightIsOpenUntilItsEndTheNextDay() throws Exception {
        settings("{\"opening_hours\": \"fri 20:00-02:00\", \"time_zone\": \"UTC\", \"after_hours\": \"silent\"}");
        when("oh-night", completion("Malam (oh-night).", "openai/gpt-4o", 10, 5, 0.0001));
        String chat = "628333000005@s.whatsapp.net";

        NOW.set(Instant.parse("2026-12-12T01:30:00Z")); // Saturday 01:30: still Friday's opening
        long saturdayNight = postMessage(chat, "oh-night sabtu dini hari");
        awaitDone(saturdayNight);
        assertThat(replyOf(saturdayNight)).isEqualTo("Malam (oh-night).");

        NOW.set(Instant.parse("2026-12-12T02:00:00Z")); // Saturday 02:00: closed until next Friday 20:00
        long after = postMessage(chat, "oh-night sudah tutup");
        awaitDone(after);
        assertThat(output(after).path("message").asText()).isEqualTo("outside opening hours until Fri 2026-12-18 20:00 UTC");

        NOW.set(Instant.parse("2026-12-11T19:59:00Z")); // Friday 19:59: not yet
        long before = postMessage(chat, "oh-night belum buka");
        awaitDone(before);
        assertThat(output(before).path("message").asText()).isEqualTo("outside opening hours until Fri 2026-12-11 20:00 UTC");
        assertThat(modelCalls("oh-night")).isEqualTo(1);
    }

    @Test
    void aHandOverOutsideHoursSaysWhenHumansAreBack() throws Exception {
        settings("{\"opening_hours\": \"mon-fri 08:00-17:00\", \"time_zone\": \"Asia/Jakarta\"}");
        when("oh-handover", completion(HandoverTest.structured("handover", "", "customer_request", "wants a person (oh-handover)"),
                "openai/gpt-4o", 10, 5, 0.0001));
        long job = postMessage("628333000006@s.whatsapp.net", "oh-handover saya mau bicara dengan orang");
        awaitDone(job);
        assertThat(replyOf(job)).isEqualTo("Kami sambungkan ke tim kami (handover-message). "
                + "Tim kami kembali Tue 2026-12-08 08:00 WIB. (Our team is back Tue 2026-12-08 08:00 WIB.)");
        assertThat(output(job).at("/handover/reason").asText()).isEqualTo("customer_request");

        // the failed-jobs hand-over too (3 failed jobs in a row in a chat)
        when("oh-failing", app.clivy.aiworker.support.FakeOpenRouter.error(400, "Invalid request (oh-failing)", null));
        String chat = "628333000007@s.whatsapp.net";
        long last = 0;
        for (int i = 0; i < 3; i++) {
            long id = postMessage(chat, "oh-failing question " + i);
            await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(job(id).get("status")));
            last = id;
        }
        long failed = last;
        await().atMost(Duration.ofSeconds(10)).until(() -> replyOf(failed) != null);
        assertThat(replyOf(failed)).isEqualTo("Kami sambungkan ke tim kami (handover-message). "
                + "Tim kami kembali Tue 2026-12-08 08:00 WIB. (Our team is back Tue 2026-12-08 08:00 WIB.)");
    }

    @Test
    void theAdminApiRefusesABadScheduleZoneOrModeNamingIt() {
        var schedule = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"opening_hours\":\"mon-fri 8-17\"}}");
        assertThat(schedule.statusCode()).isEqualTo(400);
        assertThat(schedule.body()).contains("agent.opening_hours").contains("HH:MM-HH:MM").contains("mon-fri 08:00-17:00, sat 09:00-13:00");
        var day = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"opening_hours\":\"mon-fry 08:00-17:00\"}}");
        assertThat(day.statusCode()).isEqualTo(400);
        assertThat(day.body()).contains("agent.opening_hours").contains("mon-fry");
        var time = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"opening_hours\":\"sat 09:00-25:00\"}}");
        assertThat(time.statusCode()).isEqualTo(400);
        assertThat(time.body()).contains("times from 00:00 to 24:00");
        var zone = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"time_zone\":\"Asia/Jakartaa\"}}");
        assertThat(zone.statusCode()).isEqualTo(400);
        assertThat(zone.body()).contains("agent.time_zone must be an IANA time zone such as Asia/Jakarta");
        var mode = adminApi("PATCH", "/api/instances/" + instance, "{\"agent\":{\"after_hours\":\"sleep\"}}");
        assertThat(mode.statusCode()).isEqualTo(400);
        assertThat(mode.body()).contains("agent.after_hours must be one of answer, message, silent");

        settings("{\"opening_hours\": \"mon-fri 08:00-17:00, fri 20:00-02:00; sat 09:00-13:00\", \"time_zone\": \"Asia/Jakarta\","
                + " \"after_hours\": \"message\"}");
        var read = adminApi("GET", "/api/instances/" + instance, null);
        assertThat(read.body()).contains("\"opening_hours\":\"mon-fri 08:00-17:00, fri 20:00-02:00; sat 09:00-13:00\"")
                .contains("\"time_zone\":\"Asia/Jakarta\"").contains("\"after_hours\":\"message\"");
    }
}
