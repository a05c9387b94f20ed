package app.clivy.aiworker.platform.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import app.clivy.aiworker.support.BundleTest;
import app.clivy.aiworker.support.WebhookClient;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The switches that keep routes stopped (platform/routes/RouteSwitches): intake only, no gateway URL, no
 * demo. The routes are loaded and stopped, as with {@code autoStartup: false}: Camel's route health
 * checks count them UP, and an operator can still start one by hand.
 */
@TestPropertySource(properties = {"ai-worker.worker.enabled=false", "ai-worker.demo.enabled=false"})
class RouteSwitchesTest extends BundleTest {

    @Autowired
    CamelContext camel;

    @Test
    void switchedOffRoutesAreLoadedButStoppedAndTheRestRuns() {
        for (String id : new String[] {"job-listener", "job-sweep", "reply-listener", "reply-sweep", "demo-openrouter"}) {
            assertThat(camel.getRoute(id)).as(id + " is loaded").isNotNull();
            assertThat(camel.getRouteController().getRouteStatus(id)).as(id).isEqualTo(ServiceStatus.Stopped);
        }
        for (String id : new String[] {"intake", "claim-jobs", "run-job", "credits-check"}) {
            assertThat(camel.getRouteController().getRouteStatus(id)).as(id).isEqualTo(ServiceStatus.Started);
        }

        // a route stopped by its switch is not a failed route: Camel's route checks stay UP
        assertThat(client().get("/actuator/health").body()).contains("\"camelHealth\":{\"status\":\"UP\"");

        // intake only: a message is stored and its job waits
        var res = client().post("/webhook/ai", WebhookClient.textEvent("inst-" + UUID.randomUUID(), "m-" + UUID.randomUUID(),
                "628123456789@s.whatsapp.net", "switches question"));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        long id = Long.parseLong(res.body().replaceAll("\\D", ""));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> "pending".equals(db.queryForObject("SELECT status FROM ai_jobs WHERE id = ?", String.class, id)));
    }

    @Test
    void aStoppedRouteCanBeStartedByHand() throws Exception {
        camel.getRouteController().startRoute("demo-openrouter");
        try {
            assertThat(camel.getRouteController().getRouteStatus("demo-openrouter")).isEqualTo(ServiceStatus.Started);
        } finally {
            camel.getRouteController().stopRoute("demo-openrouter");
        }
    }
}
