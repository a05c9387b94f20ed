package app.clivy.aiworker.security;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import app.clivy.aiworker.support.FakeOpenRouter;
import app.clivy.aiworker.support.WebhookClient;
import app.clivy.aiworker.support.WorkerTest;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.error;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenRouter key and the webhook token never leave the process: not in any log line of a run
 * with a completed job, a failed job and refused webhooks, not in an error body, not in health,
 * metrics or Prometheus output. The credit alert URL (its path and query may carry a token) is in
 * no log line and no endpoint URI (Camel's registry, JMX, so Hawtio).
 */
@AutoConfigureObservability
@DisableJmx(false)
@TestPropertySource(properties = {"ai-worker.intake.token=" + SecretsTest.TOKEN,
        "management.endpoint.health.show-details=always", "management.endpoint.health.show-components=always",
        "ai-worker.credits.startup-delay-ms=86400000"})
class SecretsTest extends WorkerTest {

    static final String API_KEY = "sk-or-v1-test-secret-0123456789"; // WorkerTest's key
    static final String TOKEN = "whk-Secret-Token-7f3a9c";
    static final String ALERT_PATH = "/hooks/T0ALERT/B0PATH-secret-5d1e";
    static final String ALERT_QUERY_SECRET = "alert-query-secret-93bc";

    @Autowired
    ProducerTemplate template;
    @Autowired
    CamelContext camel;
    final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

    @DynamicPropertySource
    static void alertHook(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.credits.alert-url", () -> FakeOpenRouter.baseUrl() + ALERT_PATH + "?token=" + ALERT_QUERY_SECRET);
    }

    private HttpResponse<String> post(String body, String token) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhook/ai"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            req.header("X-Webhook-Token", token);
        }
        return client().send(req.build());
    }

    private long postJob(String text) {
        HttpResponse<String> res = post(WebhookClient.textEvent(instance, "m-" + UUID.randomUUID(), "628@s.whatsapp.net", text), TOKEN);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        return Long.parseLong(res.body().replaceAll("\\D", ""));
    }

    @Test
    void noSecretAppearsInLogsErrorBodiesHealthOrMetrics() {
        when("secret-ok", completion("Buka jam 9.", "openai/gpt-4o", 20, 5, 0.0001));
        when("secret-denied", error(401, "Invalid API key " + API_KEY.substring(0, 8) + "...", null));
        long done = postJob("secret-ok: jam buka?");
        long failed = postJob("secret-denied: halo");
        awaitJob(done, "done", 1);
        awaitJob(failed, "failed", 1);

        List<String> exposed = new ArrayList<>();
        // refused webhooks: no token, a wrong one, a near miss, bad JSON with the right one
        exposed.add(post(WebhookClient.textEvent(instance, "x1", "628@s.whatsapp.net", "hi"), null).body());
        exposed.add(post(WebhookClient.textEvent(instance, "x2", "628@s.whatsapp.net", "hi"), "wrong").body());
        exposed.add(post(WebhookClient.textEvent(instance, "x3", "628@s.whatsapp.net", "hi"), TOKEN + "x").body());
        exposed.add(post("{\"event\":", TOKEN).body());
        exposed.add(post("{\"event\":\"Message\",\"instanceName\":1}", TOKEN).body());
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/actuator/prometheus", "/actuator/metrics", "/actuator/info", "/actuator/env", "/actuator/configprops")) {
            HttpResponse<String> res = client().get(path);
            exposed.add(path + " " + res.statusCode() + " " + res.body());
        }
        assertThat(exposed).filteredOn(t -> t.startsWith("/actuator/prometheus 200")).singleElement()
                .asString().contains("hikaricp_connections");
        exposed.add(logs.everything());

        for (String text : exposed) {
            assertThat(text).doesNotContain(API_KEY).doesNotContain(TOKEN).doesNotContain(API_KEY.substring(10));
        }
    }

    @Test
    void theCreditAlertUrlIsInNoLogLineEndpointUriOrMBean() throws Exception {
        String hook = ALERT_PATH + "?token=" + ALERT_QUERY_SECRET;
        FakeOpenRouter.server().stubFor(get(urlEqualTo("/api/v1/credits"))
                .willReturn(okJson("{\"data\":{\"total_credits\":50,\"total_usage\":49.55}}")));
        FakeOpenRouter.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(hook)).willReturn(aResponse().withStatus(204)));

        template.sendBody("direct:credits-check", null); // $0.45 left: CRITICAL, worse than before: an alert
        FakeOpenRouter.server().verify(1, postRequestedFor(urlEqualTo(hook)));
        assertThat(logs.lines()).contains("📣 Credit alert sent: CRITICAL (was OK)");

        List<String> exposed = new ArrayList<>(logs.lines());
        for (Endpoint endpoint : camel.getEndpoints()) {
            exposed.add(endpoint.getEndpointUri());
            exposed.add(endpoint.toString());
        }
        Set<ObjectName> names = mbeans.queryNames(new ObjectName("org.apache.camel:*"), null);
        assertThat(names).anyMatch(n -> "endpoints".equals(n.getKeyProperty("type")));
        for (ObjectName name : names) {
            exposed.add(name.toString());
            for (MBeanAttributeInfo attribute : mbeans.getMBeanInfo(name).getAttributes()) {
                if (attribute.isReadable() && attribute.getType().equals(String.class.getName())) {
                    try {
                        exposed.add(String.valueOf(mbeans.getAttribute(name, attribute.getName())));
                    } catch (Exception unreadable) {
                        // an attribute that cannot be read now exposes nothing
                    }
                }
            }
        }
        for (String text : exposed) {
            assertThat(text).doesNotContain("B0PATH-secret").doesNotContain(ALERT_QUERY_SECRET).doesNotContain(API_KEY);
        }
        assertThat(exposed).as("the alert's endpoint is listed, without the URL").anyMatch(t -> t.contains("credit-alert-url"));
    }
}
