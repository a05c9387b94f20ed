package app.clivy.aiworker.credits;

import java.time.Duration;

import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.LogCapture;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The schedule as configured: the one check after start-up and the quartz cron (here every
 * second). No alert URL is set, as by default: a worse level posts nothing.
 */
@DisableJmx(false)
@TestPropertySource(properties = {
        "ai-worker.worker.enabled=false",
        "ai-worker.openrouter.api-key=sk-or-v1-schedule-test",
        "ai-worker.credits.cron=0/1 * * * * ?",
        "ai-worker.credits.startup-delay-ms=2000"})
// its every-second cron must not outlive this class in the cached test contexts
@org.springframework.test.annotation.DirtiesContext
class CreditScheduleTest extends BundleTest {

    static final WireMockServer OPENROUTER = new WireMockServer(options().dynamicPort());

    static {
        OPENROUTER.start();
        OPENROUTER.stubFor(get(urlEqualTo("/api/v1/credits")).willReturn(aResponse().withStatus(403)));
        OPENROUTER.stubFor(get(urlEqualTo("/api/v1/key")).willReturn(okJson(
                "{\"data\":{\"limit\":50,\"limit_remaining\":3.45,\"usage\":46.55,\"usage_daily\":0.23,\"is_free_tier\":false}}")));
    }

    @DynamicPropertySource
    static void fakeOpenRouter(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.openrouter.base-url", OPENROUTER::baseUrl);
    }

    @AfterAll
    static void stopFake() {
        OPENROUTER.stop();
    }

    @Autowired
    CamelContext camel;

    LogCapture logs;

    @BeforeEach
    void capture() {
        logs = new LogCapture();
    }

    @AfterEach
    void release() {
        logs.close();
    }

    long completed(String routeId) {
        return camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(routeId).getExchangesCompleted();
    }

    @Test
    void theStartupCheckAndTheCronBothRunTheCheck() {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> completed("credits-startup") == 1 && completed("credits-hourly") >= 2);

        assertThat(logs.lines("app.clivy.aiworker.credits")).contains(
                "🔍 Checking OpenRouter credits...",
                "💰 OpenRouter Credits: $3.45 / $50.00 (6.9%)",
                "   Usage today: $0.23 | Rate: $0.23/day",
                "🟡 WARNING: OpenRouter balance is $3.45 (below $5 threshold)");
        assertThat(logs.lines("app.clivy.aiworker.credits")).noneMatch(line -> line.contains("alert"));
        assertThat(db.queryForObject("SELECT count(*) FROM credit_snapshots WHERE level = 'WARNING'", Long.class))
                .isGreaterThanOrEqualTo(3);
    }
}
