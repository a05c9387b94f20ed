package app.clivy.aiworker.instances;

import java.time.Duration;
import java.util.Map;

import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.CHAT;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The global daily spend cap (ai-worker.instances.global-daily-spend-cap-usd): once all instances
 * together spent it today, another instance's job (with no cap of its own) fails with class budget
 * without a call, and the cap is logged and alerted once.
 */
@TestPropertySource(properties = "ai-worker.instances.global-daily-spend-cap-usd=0.01")
class GlobalSpendCapTest extends WorkerTest {

    private static final String ALERT = "/global-alert-hook/T0KEN";
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void alertHook(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.credits.alert-url", () -> server().baseUrl() + ALERT);
    }

    @Test
    void anotherInstancesJobIsNotCalledOnceAllInstancesSpentTheGlobalCap() throws Exception {
        server().stubFor(post(urlEqualTo(ALERT)).willReturn(aResponse().withStatus(204)));
        when("global-cap-first", completion("ok", "openai/gpt-4o", 100, 20, 0.02));
        when("global-cap-other", completion("should not be asked", "openai/gpt-4o", 100, 20, 0.02));

        long first = postMessage("global-cap-first berapa ongkir?");
        awaitDone(first);

        instance = instance + "-other";
        long second = postMessage("global-cap-other halo");
        long third = postMessage("global-cap-other lagi");
        for (long id : new long[] {second, third}) {
            Map<String, Object> row = awaitJob(id, "failed", 1);
            assertThat(row.get("error_class")).isEqualTo("budget");
            assertThat(String.valueOf(row.get("error_msg"))).isEqualTo("Non-retryable error: budget - all instances together"
                    + " spent 0.02 USD today (UTC), the global cap is 0.01 USD; no call made until the day ends");
        }
        assertThat(server().findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing("global-cap-other")))).isEmpty();

        var alerts = postRequestedFor(urlEqualTo(ALERT)).withRequestBody(containing("global_spend_cap"));
        await().atMost(Duration.ofSeconds(10)).until(() -> server().findAll(alerts).size() >= 1);
        // the second refused job posts and logs nothing more today
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> server().findAll(alerts).size() == 1);
        JsonNode alert = JSON.readTree(server().findAll(alerts).get(0).getBodyAsString());
        assertThat(alert.path("global_daily_spend_cap_usd").decimalValue()).isEqualByComparingTo("0.01");
        assertThat(alert.path("spent_today_usd").decimalValue()).isEqualByComparingTo("0.02");
        assertThat(logs.everything())
                .containsOnlyOnce("🛑 Global daily spend cap reached: all instances spent")
                .contains("📣 Spend cap alert sent: all instances reached the global daily cap")
                .doesNotContain("T0KEN");
        // the marker row of the alert costs nothing: the sum stays what the instances spent
        assertThat(db.queryForObject("SELECT SUM(cost_usd) FROM instance_spend", java.math.BigDecimal.class))
                .isEqualByComparingTo("0.02");
    }
}
