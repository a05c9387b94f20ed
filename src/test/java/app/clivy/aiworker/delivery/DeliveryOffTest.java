package app.clivy.aiworker.delivery;

import java.time.Duration;

import app.clivy.aiworker.support.FakeGateway;
import app.clivy.aiworker.support.WorkerTest;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Without a gateway URL (the worker tests' settings) replies are stored as 'off' and nothing is posted. */
class DeliveryOffTest extends WorkerTest {

    @Autowired
    private CamelContext camel;

    @Test
    void repliesAreStoredOffAndNoDeliveryRouteRuns() {
        int before = FakeGateway.server().getAllServeEvents().size();
        when("dl-off", completion("Stored only (dl-off).", "openai/gpt-4o", 10, 5, 0.0001));
        long job = postMessage("dl-off hello");

        awaitDone(job);
        assertThat(db.queryForObject("SELECT delivery_status FROM messages WHERE job_id = ? AND direction = 'out'", String.class, job))
                .isEqualTo("off");
        assertThat(camel.getRouteController().getRouteStatus("reply-listener")).isEqualTo(ServiceStatus.Stopped);
        assertThat(camel.getRouteController().getRouteStatus("reply-sweep")).isEqualTo(ServiceStatus.Stopped);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> FakeGateway.server().getAllServeEvents().size() == before);
        // inbound messages have no delivery state
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE direction = 'in' AND delivery_status IS NOT NULL", Integer.class))
                .isZero();
    }
}
