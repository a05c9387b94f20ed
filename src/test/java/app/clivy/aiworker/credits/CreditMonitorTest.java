package app.clivy.aiworker.credits;

import java.util.List;
import java.util.Map;

import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.LogCapture;
import ch.qos.logback.classic.Level;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage 8 against a fake OpenRouter (WireMock, the real shapes of openrouter-api.md): every level,
 * the /key fallback, unlimited keys, failures, the alert hook and the Prometheus gauges. The cron
 * and the start-up timer are pushed out of the way; each test runs the check itself.
 */
@AutoConfigureObservability
@TestPropertySource(properties = {
        "ai-worker.worker.enabled=false",
        "ai-worker.openrouter.api-key=" + CreditMonitorTest.KEY,
        "ai-worker.credits.cron=0 0 0 1 1 ? 2099",
        "ai-worker.credits.startup-delay-ms=86400000",
        "ai-worker.credits.timeout-ms=2000"})
class CreditMonitorTest extends BundleTest {

    static final String KEY = "sk-or-v1-test-secret-0123456789";
    static final String LOGGER = "app.clivy.aiworker.credits";
    static final WireMockServer OPENROUTER = new WireMockServer(options().dynamicPort());

    static {
        OPENROUTER.start();
        // the fake's first answer is slow on a busy machine: warm it up before the timeouts count
        new app.clivy.aiworker.support.WebhookClient(OPENROUTER.port()).get("/__admin/mappings");
    }

    @DynamicPropertySource
    static void fakeOpenRouter(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.openrouter.base-url", OPENROUTER::baseUrl);
        registry.add("ai-worker.credits.alert-url", () -> OPENROUTER.baseUrl() + "/hooks/credits?token=alert-secret");
    }

    @AfterAll
    static void stopFake() {
        OPENROUTER.stop();
    }

    @Autowired
    ProducerTemplate template;
    @Autowired
    CamelContext camel;

    LogCapture logs;

    @BeforeEach
    void setUp() {
        OPENROUTER.resetAll();
        OPENROUTER.stubFor(post(urlEqualTo("/hooks/credits?token=alert-secret")).willReturn(aResponse().withStatus(204)));
        db.update("DELETE FROM credit_snapshots");
        logs = new LogCapture();
    }

    @AfterEach
    void neverLogTheKeyNorAStackTrace() {
        logs.close();
        assertThat(logs.everything()).doesNotContain(KEY).doesNotContain("alert-secret").doesNotContain("Failed delivery");
    }

    void check() {
        template.sendBody("direct:credits-check", null);
    }

    static void credits(ResponseDefinitionBuilder answer) {
        OPENROUTER.stubFor(get(urlEqualTo("/api/v1/credits")).willReturn(answer));
    }

    static void key(ResponseDefinitionBuilder answer) {
        OPENROUTER.stubFor(get(urlEqualTo("/api/v1/key")).willReturn(answer));
    }

    /** /credits refused (a key that is not a management key), /key answers with these figures. */
    static void keyOnly(String limit, String remaining, String usage, String daily) {
        credits(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":403,\"message\":\"Only management keys can perform this operation\"}}"));
        key(okJson("""
                {"data":{"label":"sk-or-v1-au7...890","limit":%s,"limit_remaining":%s,"limit_reset":"monthly",
                 "usage":%s,"usage_daily":%s,"usage_weekly":9.5,"usage_monthly":25.5,
                 "is_free_tier":false,"is_management_key":false,"rate_limit":{"requests":1000,"interval":"1h"}}}"""
                .formatted(limit, remaining, usage, daily)));
    }

    List<String> lines() {
        return logs.lines(LOGGER);
    }

    Map<String, Object> lastSnapshot() {
        return db.queryForMap("SELECT * FROM credit_snapshots ORDER BY id DESC LIMIT 1");
    }

    @Test
    void creditsEndpointGivesTheBalanceLine() {
        credits(okJson("{\"data\":{\"total_credits\":50.0,\"total_usage\":26.55}}"));

        check();

        assertThat(lines()).containsExactly(
                "🔍 Checking OpenRouter credits...",
                "💰 OpenRouter Credits: $23.45 / $50.00 (46.9%)",
                "   Usage today: n/a | Rate: n/a");
        OPENROUTER.verify(1, getRequestedFor(urlEqualTo("/api/v1/credits"))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("HTTP-Referer", equalTo("https://clivy.app"))
                .withHeader("X-Title", equalTo("Clivy")));
        OPENROUTER.verify(0, getRequestedFor(urlEqualTo("/api/v1/key")));
        assertThat(lastSnapshot()).containsEntry("source", "credits").containsEntry("level", "OK");
        assertThat((java.math.BigDecimal) lastSnapshot().get("balance")).isEqualByComparingTo("23.45");
    }

    @Test
    void forbiddenCreditsFallBackToTheKey() {
        keyOnly("50", "23.45", "26.55", "0.23");

        check();

        assertThat(lines()).containsExactly(
                "🔍 Checking OpenRouter credits...",
                "💰 OpenRouter Credits: $23.45 / $50.00 (46.9%)",
                "   Usage today: $0.23 | Rate: $0.23/day");
        OPENROUTER.verify(1, getRequestedFor(urlEqualTo("/api/v1/key")).withHeader("Authorization", equalTo("Bearer " + KEY)));
        assertThat(lastSnapshot()).containsEntry("source", "key").containsEntry("level", "OK");
    }

    @Test
    void missingCreditsEndpointFallsBackToTheKey() {
        credits(aResponse().withStatus(404));
        key(okJson("{\"data\":{\"limit\":20,\"limit_remaining\":12.5,\"usage\":7.5,\"usage_daily\":0.4}}"));

        check();

        assertThat(lines()).contains("💰 OpenRouter Credits: $12.50 / $20.00 (62.5%)", "   Usage today: $0.40 | Rate: $0.40/day");
    }

    @Test
    void balanceBelowOneDollarIsCritical() {
        keyOnly("50", "0.45", "49.55", "0.23");

        check();

        assertThat(logs.lines(LOGGER, Level.ERROR)).containsExactly("🔴 CRITICAL: OpenRouter balance is $0.45 (below $1 threshold)");
        assertThat(lastSnapshot()).containsEntry("level", "CRITICAL");
    }

    @Test
    void balanceBelowFiveDollarsIsAWarning() {
        keyOnly("50", "3.45", "46.55", "0.23");

        check();

        assertThat(logs.lines(LOGGER, Level.WARN)).containsExactly("🟡 WARNING: OpenRouter balance is $3.45 (below $5 threshold)");
        assertThat(logs.lines(LOGGER, Level.ERROR)).isEmpty();
        assertThat(lastSnapshot()).containsEntry("level", "WARNING");
    }

    @Test
    void spendAboveOneDollarADayIsHighUsage() {
        keyOnly("100", "60", "40", "1.25");

        check();

        assertThat(logs.lines(LOGGER, Level.WARN)).containsExactly("🟡 HIGH USAGE: OpenRouter spend is $1.25/day (above $1/day threshold)");
        assertThat(lastSnapshot()).containsEntry("level", "HIGH_USAGE");
    }

    @Test
    void aKeyWithoutALimitIsUnlimited() {
        keyOnly("null", "null", "25.5", "0.5");

        check();

        assertThat(lines()).containsExactly(
                "🔍 Checking OpenRouter credits...",
                "💰 OpenRouter Credits: unlimited (key without a limit, $25.50 used)",
                "   Usage today: $0.50 | Rate: $0.50/day");
        assertThat(lastSnapshot()).containsEntry("level", "OK").containsEntry("balance", null).containsEntry("total", null);
    }

    @Test
    void failedChecksLogOneLineAndTheNextCheckWorks() {
        Map<String, ResponseDefinitionBuilder> failures = Map.of(
                "GET /api/v1/credits answered HTTP 401: No auth credentials found",
                aResponse().withStatus(401).withBody("{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}"),
                "GET /api/v1/credits answered HTTP 500: Internal Server Error",
                aResponse().withStatus(500).withBody("{\"error\":{\"code\":500,\"message\":\"Internal Server Error\"}}"),
                "GET /api/v1/credits answered HTTP 503",
                aResponse().withStatus(503).withHeader("Retry-After", "1"),
                "GET /api/v1/credits answered 200 with a body that is not JSON: <html>oops</html>",
                aResponse().withStatus(200).withBody("<html>oops</html>"),
                "SocketTimeoutException: Read timed out",
                okJson("{\"data\":{\"total_credits\":50.0,\"total_usage\":1}}").withFixedDelay(5000));
        failures.forEach((expected, answer) -> {
            OPENROUTER.resetRequests();
            credits(answer);
            try (LogCapture one = new LogCapture()) {
                check();
                assertThat(one.lines(LOGGER)).as(expected).containsExactly(
                        "🔍 Checking OpenRouter credits...",
                        "⚠  OpenRouter credit check failed: " + expected + " (the next check tries again)");
            }
            // one request: the HTTP client does not retry 503 on its own
            OPENROUTER.verify(1, getRequestedFor(urlEqualTo("/api/v1/credits")));
        });
        assertThat(db.queryForObject("SELECT count(*) FROM credit_snapshots", Long.class)).isZero();
        assertThat(camel.getRouteController().getRouteStatus("credits-check")).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getRouteController().getRouteStatus("credits-hourly")).isEqualTo(ServiceStatus.Started);

        credits(okJson("{\"data\":{\"total_credits\":50.0,\"total_usage\":1}}"));
        check();
        assertThat(lines()).contains("💰 OpenRouter Credits: $49.00 / $50.00 (98.0%)");
    }

    @Test
    void aFailedFallbackNamesTheKeyEndpoint() {
        credits(aResponse().withStatus(403));
        key(aResponse().withStatus(401).withBody("{\"error\":{\"code\":401,\"message\":\"User not found.\"}}"));

        check();

        assertThat(logs.lines(LOGGER, Level.WARN))
                .containsExactly("⚠  OpenRouter credit check failed: GET /api/v1/key answered HTTP 401: User not found. (the next check tries again)");
    }

    @Test
    void theAlertIsPostedOncePerWorseLevel() {
        keyOnly("50", "3.45", "46.55", "0.23");
        check();
        check(); // still WARNING: no second alert
        OPENROUTER.verify(1, postRequestedFor(urlEqualTo("/hooks/credits?token=alert-secret"))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"event":"openrouter_credits","level":"WARNING","previous_level":"OK",
                         "message":"🟡 WARNING: OpenRouter balance is $3.45 (below $5 threshold)",
                         "balance":3.45,"total":50,"percentage":6.9,"usage_today":0.23,"rate_per_day":0.23,
                         "unlimited":false,"source":"key"}""", true, true)));
        assertThat(lines()).contains("📣 Credit alert sent: WARNING (was OK)");

        keyOnly("50", "0.45", "49.55", "0.23");
        check(); // worse: CRITICAL
        check();
        keyOnly("50", "3.45", "46.55", "0.23");
        check(); // better: no alert
        keyOnly("50", "0.45", "49.55", "0.23");
        check(); // worse again: alert

        assertThat(OPENROUTER.findAll(postRequestedFor(urlEqualTo("/hooks/credits?token=alert-secret"))))
                .extracting(r -> r.getBodyAsString().replaceAll(".*\"level\":\"(\\w+)\",\"previous_level\":\"(\\w+)\".*", "$2->$1"))
                .containsExactly("OK->WARNING", "WARNING->CRITICAL", "WARNING->CRITICAL");
    }

    @Test
    void aFailedAlertIsLoggedAndTheCheckStillCounts() {
        OPENROUTER.stubFor(post(urlEqualTo("/hooks/credits?token=alert-secret")).willReturn(aResponse().withStatus(500)));
        keyOnly("50", "0.45", "49.55", "0.23");

        check();

        assertThat(logs.lines(LOGGER, Level.WARN)).containsExactly("⚠  Credit alert not accepted: HTTP 500");
        assertThat(lastSnapshot()).containsEntry("level", "CRITICAL");
    }

    @Test
    void gaugesAppearOnPrometheus() {
        keyOnly("50", "3.45", "46.55", "0.23");
        check();
        credits(aResponse().withStatus(500));
        check();

        String metrics = client().get("/actuator/prometheus").body();

        assertThat(metrics).contains("openrouter_credits_balance_usd 3.45", "openrouter_credits_usage_today_usd 0.23",
                "openrouter_credits_rate_per_day_usd 0.23", "openrouter_credits_level 2.0");
        assertThat(metrics).containsPattern("openrouter_credits_check_failures_total [1-9]");
    }
}
