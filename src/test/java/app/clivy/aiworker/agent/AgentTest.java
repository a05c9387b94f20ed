package app.clivy.aiworker.agent;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.FakeGateway;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The agent's tests share one bundle: delivery on against the fake gateway, an admin login, the
 * alert hook on the fake gateway at {@link #ALERT}, a marked hand-over message, hand-over after 3
 * failed jobs.
 */
@TestPropertySource(properties = {"ai-worker.admin.user=operator", "ai-worker.admin.password=" + AgentTest.PASSWORD,
        "ai-worker.agent.handover-message=Kami sambungkan ke tim kami (handover-message).",
        "ai-worker.agent.handover-after-failed-jobs=3"})
abstract class AgentTest extends DeliveryTest {

    static final String PASSWORD = "agent-test-password-0123";
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    static final String ALERT = "/hand-over-alert";

    @DynamicPropertySource
    static void alertHook(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.credits.alert-url", () -> FakeGateway.baseUrl() + ALERT);
    }

    protected HttpResponse<String> adminApi(String method, String path, String body) {
        return client().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", BASIC).build());
    }
}
