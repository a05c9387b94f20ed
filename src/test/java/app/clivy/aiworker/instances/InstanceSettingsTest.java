package app.clivy.aiworker.instances;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
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
 * Settings per instance through the admin API and in the worker: each instance's call carries its
 * own prompt and model, fallbacks reach the request as OpenRouter's {@code models}, a daily spend cap
 * stops calls and alerts once, a disabled instance is answered without a call, and a change is used
 * without a restart.
 */
@TestPropertySource(properties = {"ai-worker.admin.user=operator", "ai-worker.admin.password=" + InstanceSettingsTest.PASSWORD})
class InstanceSettingsTest extends WorkerTest {

    static final String PASSWORD = "inst-Secret-7";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes());
    private static final String ALERT = "/alert-hook/T0KEN";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private InstanceSettingsCache settings;
    @Autowired
    private MeterRegistry registry;
    @Autowired
    private ProducerTemplate camel;
    @Value("${ai-worker.openrouter.model}")
    private String defaultModel;
    @Value("${ai-worker.system-prompt}")
    private String defaultPrompt;

    @DynamicPropertySource
    static void alertHook(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.credits.alert-url", () -> server().baseUrl() + ALERT);
    }

    private HttpResponse<String> api(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", BASIC);
        return client().send(request.build());
    }

    private JsonNode ok(HttpResponse<String> res) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    /** The one chat request whose body contains {@code marker}, as JSON. */
    private JsonNode requestWith(String marker) throws Exception {
        List<LoggedRequest> found = server().findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing(marker)));
        assertThat(found).hasSize(1);
        return JSON.readTree(found.get(0).getBodyAsString());
    }

    private JsonNode output(long id) throws Exception {
        return JSON.readTree(String.valueOf(job(id).get("output_json")));
    }

    @Test
    void eachInstanceCallCarriesItsOwnPromptAndModel() throws Exception {
        String alpha = instance;
        String beta = instance + "-beta";
        ok(api("PUT", "/api/instances/" + alpha, """
                {"system_prompt":"Kamu asisten Toko Alpha.","model":"openai/gpt-4o-mini"}"""));
        ok(api("PUT", "/api/instances/" + beta, """
                {"system_prompt":"You are the helper of Beta Bikes.","model":"anthropic/claude-3.5-haiku"}"""));
        when("inst-alpha-q", completion("halo dari alpha", "openai/gpt-4o-mini", 20, 4, 0.0001));
        when("inst-beta-q", completion("hello from beta", "anthropic/claude-3.5-haiku", 20, 4, 0.0001));

        long a = postMessage("inst-alpha-q harga paket B?");
        instance = beta;
        long b = postMessage("inst-beta-q do you fix brakes?");
        awaitDone(a);
        awaitDone(b);

        JsonNode ra = requestWith("inst-alpha-q");
        assertThat(ra.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(ra.path("messages").get(0).path("content").asText()).startsWith("Kamu asisten Toko Alpha.");
        assertThat(ra.has("models")).as("no fallbacks, no models list").isFalse();
        JsonNode rb = requestWith("inst-beta-q");
        assertThat(rb.path("model").asText()).isEqualTo("anthropic/claude-3.5-haiku");
        assertThat(rb.path("messages").get(0).path("content").asText()).startsWith("You are the helper of Beta Bikes.");
        assertThat(output(a).path("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(output(b).path("model").asText()).isEqualTo("anthropic/claude-3.5-haiku");
    }

    @Test
    void fallbackModelsReachTheRequestAndTheAnsweringModelIsRecorded() throws Exception {
        ok(api("PATCH", "/api/instances/" + instance, """
                {"fallback_models":["anthropic/claude-3.5-haiku","meta-llama/llama-3.3-70b-instruct"]}"""));
        // the primary is down: OpenRouter answered with the first fallback
        when("inst-fallback-q", completion("dijawab cadangan", "anthropic/claude-3.5-haiku", 30, 5, 0.0002));

        long id = postMessage("inst-fallback-q jam buka?");
        awaitDone(id);

        JsonNode request = requestWith("inst-fallback-q");
        assertThat(request.path("model").asText()).isEqualTo(defaultModel);
        assertThat(JSON.convertValue(request.path("models"), List.class))
                .containsExactly(defaultModel, "anthropic/claude-3.5-haiku", "meta-llama/llama-3.3-70b-instruct");
        assertThat(output(id).path("model").asText()).isEqualTo("anthropic/claude-3.5-haiku");
        assertThat(output(id).path("reply").asText()).isEqualTo("dijawab cadangan");
    }

    @Test
    void aSpendCapStopsCallsAndTheAlertFiresOnce() throws Exception {
        ok(api("PATCH", "/api/instances/" + instance, "{\"daily_spend_cap_usd\":0.01}"));
        server().stubFor(post(urlEqualTo(ALERT)).willReturn(aResponse().withStatus(204)));
        when("inst-cap-first", completion("ok", "openai/gpt-4o", 100, 20, 0.02));
        when("inst-cap-after", completion("should not be asked", "openai/gpt-4o", 100, 20, 0.02));

        long first = postMessage("inst-cap-first berapa ongkir?");
        awaitDone(first);
        assertThat(ok(api("GET", "/api/instances/" + instance, null)).path("spent_today_usd").decimalValue())
                .isEqualByComparingTo("0.02");

        long second = postMessage("inst-cap-after satu");
        long third = postMessage("inst-cap-after dua");
        for (long id : new long[] {second, third}) {
            Map<String, Object> row = awaitJob(id, "failed", 1);
            assertThat(row.get("error_class")).isEqualTo("budget");
            assertThat(String.valueOf(row.get("error_msg")))
                    .isEqualTo("Non-retryable error: budget - instance " + instance
                            + " spent 0.02 USD today (UTC), its cap is 0.01 USD; no call made until the day ends");
        }
        assertThat(server().findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing("inst-cap-after")))).isEmpty();

        var alerts = postRequestedFor(urlEqualTo(ALERT)).withRequestBody(containing(instance));
        await().atMost(Duration.ofSeconds(10)).until(() -> server().findAll(alerts).size() >= 1);
        // the second refused job posts nothing more today
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> server().findAll(alerts).size() == 1);
        JsonNode alert = JSON.readTree(server().findAll(alerts).get(0).getBodyAsString());
        assertThat(alert.path("event").asText()).isEqualTo("instance_spend_cap");
        assertThat(alert.path("daily_spend_cap_usd").decimalValue()).isEqualByComparingTo("0.01");
        assertThat(logs.everything()).contains("📣 Spend cap alert sent: instance " + instance).doesNotContain("T0KEN");
    }

    @Test
    void jobsRefusedAtTheSameMomentPostOneAlert() throws Exception {
        server().stubFor(post(urlEqualTo(ALERT)).willReturn(aResponse().withStatus(204)));
        // eight refused jobs of one instance reach the alert route at once (as on several nodes)
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(pool.submit(() -> {
                start.await();
                return camel.send("direct:spend-cap-alert", exchange -> {
                    exchange.setVariable("job", Map.of("instance", instance));
                    exchange.setVariable("spentUsd", new BigDecimal("5.01"));
                    exchange.setVariable("capUsd", new BigDecimal("5"));
                });
            }));
        }
        start.countDown();
        for (var f : sent) {
            assertThat(f.get().getException()).isNull();
        }
        pool.shutdown();
        assertThat(server().findAll(postRequestedFor(urlEqualTo(ALERT)).withRequestBody(containing(instance)))).hasSize(1);
        assertThat(db.queryForObject("SELECT cap_alerted_at IS NOT NULL FROM instance_spend WHERE instance = ?", Boolean.class, instance)).isTrue();
    }

    @Test
    void aDisabledInstanceIsAnsweredWithoutACall() throws Exception {
        ok(api("PATCH", "/api/instances/" + instance, "{\"enabled\":false}"));
        when("inst-disabled-q", completion("should not be asked", "openai/gpt-4o", 10, 2, 0.001));
        double skippedBefore = skipped();

        long id = postMessage("inst-disabled-q halo");
        Map<String, Object> row = awaitJob(id, "done", 1);

        JsonNode out = output(id);
        assertThat(out.path("skipped").asText()).isEqualTo("instance_disabled");
        assertThat(out.path("message").asText()).isEqualTo("instance " + instance + " is disabled in its settings; no call made");
        assertThat(out.has("latency_ms")).as("nothing to average").isFalse();
        assertThat(row.get("error_class")).isNull();
        assertThat(server().findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(containing("inst-disabled-q")))).isEmpty();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, id)).isZero();
        assertThat(skipped()).isEqualTo(skippedBefore + 1);
        assertThat(logs.everything()).contains("⏭  Job #" + id + " skipped: instance " + instance + " is disabled");
        assertThat(api("GET", "/api/jobs/" + id, null).body()).contains("instance_disabled");

        // enabled again: the next job is answered
        ok(api("PATCH", "/api/instances/" + instance, "{\"enabled\":null}"));
        long next = postMessage("inst-disabled-q lagi");
        awaitDone(next);
        assertThat(output(next).path("reply").asText()).isEqualTo("should not be asked");
    }

    private double skipped() {
        var counter = registry.find("ai_worker_jobs_finished").tag("outcome", "skipped").tag("error_class", "instance_disabled").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void theAdminApiValidatesKeepsAndForgetsSettings() throws Exception {
        String path = "/api/instances/" + instance;
        for (String[] bad : new String[][] {
                {"{\"model\":\"gpt 4o\"}", "model"},
                {"{\"model\":7}", "model"},
                {"{\"system_prompt\":\"  \"}", "system_prompt"},
                {"{\"fallback_models\":\"openai/gpt-4o\"}", "fallback_models"},
                {"{\"fallback_models\":[\"a/b\",\"a/b\"]}", "fallback_models"},
                {"{\"enabled\":\"yes\"}", "enabled"},
                {"{\"quiet_ms\":-1}", "quiet_ms"},
                {"{\"handoff_minutes\":1.5}", "handoff_minutes"},
                {"{\"daily_spend_cap_usd\":-0.5}", "daily_spend_cap_usd"},
                {"{\"daily_spend_cap_usd\":\"5\"}", "daily_spend_cap_usd"},
                {"{\"temperature\":0.2}", "temperature"},
                {"{broken", "malformed JSON"},
                {"[1]", "body must be a JSON object"}}) {
            for (String method : new String[] {"PUT", "PATCH"}) {
                var res = api(method, path, bad[0]);
                assertThat(res.statusCode()).as(method + " " + bad[0]).isEqualTo(400);
                assertThat(JSON.readTree(res.body()).path("message").asText()).as(bad[0]).startsWith(bad[1]);
            }
        }
        assertThat(db.queryForObject("SELECT COUNT(*) FROM instance_settings WHERE instance = ?", Long.class, instance)).isZero();
        var anonymous = client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build());
        assertThat(anonymous.statusCode()).isIn(401, 403);

        // no settings of its own: every effective value is a default
        JsonNode none = ok(api("GET", path, null));
        assertThat(none.path("stored").path("model").isNull()).isTrue();
        assertThat(none.path("effective").path("model").asText()).isEqualTo(defaultModel);
        assertThat(none.path("effective").path("system_prompt").asText()).isEqualTo(defaultPrompt);
        assertThat(none.path("effective").path("enabled").asBoolean()).isTrue();

        JsonNode put = ok(api("PUT", path, """
                {"system_prompt":"Toko Gamma menjawab.","model":"openai/gpt-4o-mini","quiet_ms":0,"handoff_minutes":5,
                 "daily_spend_cap_usd":2.5}"""));
        assertThat(put.path("effective").path("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(put.path("effective").path("handoff_minutes").asInt()).isEqualTo(5);
        assertThat(put.path("effective").path("daily_spend_cap_usd").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(api("GET", "/api/instances", null).body()).contains("\"instance\": \"" + instance + "\"");

        // a change through the API is used by the next job, no restart
        when("inst-api-q", completion("ok", "x/y", 10, 2, 0.0001));
        ok(api("PATCH", path, "{\"model\":\"mistralai/mistral-small-3.1-24b-instruct:free\"}"));
        long id = postMessage("inst-api-q satu");
        awaitDone(id);
        JsonNode request = requestWith("inst-api-q satu");
        assertThat(request.path("model").asText()).isEqualTo("mistralai/mistral-small-3.1-24b-instruct:free");
        assertThat(request.path("messages").get(0).path("content").asText()).startsWith("Toko Gamma menjawab.");

        // PATCH keeps what it does not name; PUT sets back to the default what it does not name
        JsonNode patched = ok(api("GET", path, null));
        assertThat(patched.path("stored").path("quiet_ms").asInt()).isZero();
        assertThat(patched.path("stored").path("system_prompt").asText()).isEqualTo("Toko Gamma menjawab.");
        JsonNode replaced = ok(api("PUT", path, "{\"model\":\"openai/gpt-4o-mini\"}"));
        assertThat(replaced.path("stored").path("system_prompt").isNull()).isTrue();
        assertThat(replaced.path("effective").path("system_prompt").asText()).isEqualTo(defaultPrompt);
        assertThat(replaced.path("effective").path("quiet_ms").asLong()).isEqualTo(settings.of("no-such-instance").quietMs());

        // a change another node made (straight in the table) is read within the cache period
        db.update("UPDATE instance_settings SET model = 'google/gemini-2.0-flash-001' WHERE instance = ?", instance);
        await().atMost(Duration.ofSeconds(15)).until(() -> settings.of(instance).model().equals("google/gemini-2.0-flash-001"));
        long other = postMessage("inst-api-q dua");
        awaitDone(other);
        assertThat(requestWith("inst-api-q dua").path("model").asText()).isEqualTo("google/gemini-2.0-flash-001");

        assertThat(api("DELETE", path, null).statusCode()).isEqualTo(204);
        assertThat(api("DELETE", path, null).statusCode()).isEqualTo(404);
        assertThat(ok(api("GET", path, null)).path("effective").path("model").asText()).isEqualTo(defaultModel);
    }
}
