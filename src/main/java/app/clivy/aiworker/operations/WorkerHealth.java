package app.clivy.aiworker.operations;

import app.clivy.aiworker.claim.JobSlots;
import app.clivy.aiworker.intake.IntakeGate;
import app.clivy.aiworker.platform.pgevent.ReconnectingPgEventConsumer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code worker}:
 * <ul>
 * <li>{@code OUT_OF_SERVICE} (HTTP 503) while the webhook is not taken: the intake route is not
 * running yet at start-up, or the node is draining at shutdown ({@link IntakeGate});</li>
 * <li>{@code DOWN} when the job listener route is not running (while the worker is enabled);</li>
 * <li>{@code DEGRADED} (still HTTP 200: jobs wait or are picked up by the sweep, nothing is lost)
 * while the openrouter breaker is open, the worker is paused, or the listener's LISTEN connection
 * is lost (the sweep still claims, only later);</li>
 * <li>{@code UP} otherwise.</li>
 * </ul>
 */
@Component("worker")
public class WorkerHealth implements HealthIndicator {

    public static final Status DEGRADED = new Status("DEGRADED", "jobs are held back; nothing is lost");

    private final CamelContext camel;
    private final CircuitBreaker breaker;
    private final JobSlots slots;
    private final IntakeGate intake;

    public WorkerHealth(CamelContext camel, CircuitBreaker openRouterCircuitBreaker, JobSlots slots, IntakeGate intake) {
        this.camel = camel;
        this.breaker = openRouterCircuitBreaker;
        this.slots = slots;
        this.intake = intake;
    }

    @Override
    public Health health() {
        Route listener = camel.getRoute("job-listener");
        ServiceStatus listenerStatus = listener == null ? null : camel.getRouteController().getRouteStatus("job-listener");
        Boolean listening = listener != null && listener.getConsumer() instanceof ReconnectingPgEventConsumer consumer
                ? consumer.isListening() : null;
        IntakeGate.State intakeState = intake.state();
        CircuitBreaker.State state = breaker.getState();
        Health.Builder health;
        if (intakeState != IntakeGate.State.OPEN) {
            health = Health.outOfService();
        } else if (listener != null && listenerStatus != ServiceStatus.Started
                && Boolean.parseBoolean(camel.resolvePropertyPlaceholders("{{ai-worker.worker.enabled:true}}"))) {
            health = Health.down();
        } else if (state == CircuitBreaker.State.OPEN || slots.isPaused()
                || (listenerStatus == ServiceStatus.Started && Boolean.FALSE.equals(listening))) {
            health = Health.status(DEGRADED);
        } else {
            health = Health.up();
        }
        health.withDetail("intake", intakeState.name())
                .withDetail("listener", listenerStatus == null ? "absent" : listenerStatus.name());
        if (listening != null) {
            health.withDetail("listening", listening);
        }
        return health.withDetail("breaker", state.name())
                .withDetail("paused", slots.isPaused())
                .withDetail("jobsInFlight", slots.inFlight())
                .withDetail("concurrency", slots.capacity())
                .build();
    }
}
