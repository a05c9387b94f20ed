package app.clivy.aiworker.operations;

import app.clivy.aiworker.worker.JobSlots;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code worker}: DOWN when the job listener route is not
 * running (while the worker is enabled); {@code DEGRADED} (still HTTP 200) while the openrouter
 * breaker is open or the worker is paused: jobs wait, nothing is lost.
 */
@Component("worker")
public class WorkerHealth implements HealthIndicator {

    public static final Status DEGRADED = new Status("DEGRADED", "jobs are held back; nothing is lost");

    private final CamelContext camel;
    private final CircuitBreaker breaker;
    private final JobSlots slots;

    public WorkerHealth(CamelContext camel, CircuitBreaker openRouterCircuitBreaker, JobSlots slots) {
        this.camel = camel;
        this.breaker = openRouterCircuitBreaker;
        this.slots = slots;
    }

    @Override
    public Health health() {
        Route listener = camel.getRoute("job-listener");
        ServiceStatus listenerStatus = listener == null ? null : camel.getRouteController().getRouteStatus("job-listener");
        CircuitBreaker.State state = breaker.getState();
        Health.Builder health;
        if (listener != null && listenerStatus != ServiceStatus.Started
                && Boolean.parseBoolean(camel.resolvePropertyPlaceholders("{{ai-worker.worker.enabled:true}}"))) {
            health = Health.down();
        } else if (state == CircuitBreaker.State.OPEN || slots.isPaused()) {
            health = Health.status(DEGRADED);
        } else {
            health = Health.up();
        }
        return health.withDetail("listener", listenerStatus == null ? "absent" : listenerStatus.name())
                .withDetail("breaker", state.name())
                .withDetail("paused", slots.isPaused())
                .withDetail("jobsInFlight", slots.inFlight())
                .withDetail("concurrency", slots.capacity())
                .build();
    }
}
