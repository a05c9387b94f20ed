package app.clivy.aiworker.claim;

import app.clivy.aiworker.worker.WorkerSettings;
import org.springframework.beans.factory.annotation.Autowired;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The node's job slots ({@link ClaimSlots}): at most {@code ai-worker.concurrency} jobs in flight.
 * When the openrouter breaker lets calls through again (half-open or closed), that triggers a claim
 * too, so the probe does not wait for the next sweep.
 */
@Component("jobSlots")
public class JobSlots extends ClaimSlots {

    private final AtomicBoolean paused = new AtomicBoolean();

    private final CircuitBreaker openRouter;
    private volatile long openedAtNanos = System.nanoTime();

    @Autowired
    public JobSlots(WorkerSettings settings, @Lazy ProducerTemplate template, CircuitBreaker openRouterCircuitBreaker) {
        this(settings.concurrency(), template, openRouterCircuitBreaker);
    }

    public JobSlots(int capacity, ProducerTemplate template, CircuitBreaker openRouterCircuitBreaker) {
        super(capacity, template, "direct:claim-jobs", "lease_token");
        this.openRouter = openRouterCircuitBreaker;
        openRouterCircuitBreaker.getEventPublisher().onStateTransition(this::onBreakerTransition);
    }

    /** The thread pool profile {@code jobPool} that runs claimed jobs (these slots keep at most {@code concurrency} in flight). */
    @Bean
    static CamelContextConfiguration jobPoolProfile(WorkerSettings settings) {
        return ClaimSlots.threadPool("jobPool", settings.concurrency());
    }

    /**
     * Notes when the breaker opened; when it turned half-open (its timer) or closed (a probe
     * succeeded, an operator reset it), claims now rather than at the next sweep. Runs on the
     * breaker's thread, so it only hands the claim to the template's own threads and never waits
     * for the database.
     */
    void onBreakerTransition(CircuitBreakerOnStateTransitionEvent event) {
        CircuitBreaker.State to = event.getStateTransition().getToState();
        if (to == CircuitBreaker.State.OPEN) {
            openedAtNanos = System.nanoTime();
        } else if ((to == CircuitBreaker.State.HALF_OPEN || to == CircuitBreaker.State.CLOSED) && !paused.get()) {
            claim(to == CircuitBreaker.State.HALF_OPEN ? "breaker-half-open" : "breaker-closed");
        }
    }

    /**
     * The breaker has been open for its whole wait and should be half-open by now. resilience4j can
     * lose the timer that makes it so (2.3.0 schedules it before the open state is fully built; if
     * the timer fires first it fails); then only a call moves it, and the probe's call does.
     */
    private boolean probeOverdue() {
        long waitMillis = openRouter.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
        return System.nanoTime() - openedAtNanos >= waitMillis * 1_000_000;
    }

    /**
     * Takes up to {@code wanted} free slots; returns how many it took: none while paused or while
     * the openrouter breaker is open (jobs stay queued, untouched, instead of being claimed only to
     * be turned away), and only as many as the breaker lets through while it is half-open, or
     * open past its wait.
     */
    @Override
    public int reserve(int wanted) {
        if (paused.get()) {
            return 0;
        }
        CircuitBreaker.State state = openRouter.getState();
        if (state == CircuitBreaker.State.FORCED_OPEN || state == CircuitBreaker.State.OPEN && !probeOverdue()) {
            suspectBacklog();
            return 0;
        }
        if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.HALF_OPEN) {
            wanted = Math.min(wanted, openRouter.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState());
        }
        return super.reserve(wanted);
    }

    @Override
    protected boolean mayClaim() {
        return !paused.get();
    }

    /** Only with the breaker closed: half-open, the probe's one call decides first. */
    @Override
    protected boolean mayClaimMore() {
        return !paused.get() && openRouter.getState() == CircuitBreaker.State.CLOSED;
    }

    public boolean isPaused() {
        return paused.get();
    }

    public void pause() {
        paused.set(true);
    }

    public void resume() {
        paused.set(false);
        clearBacklog();
        claim("resumed");
    }
}
