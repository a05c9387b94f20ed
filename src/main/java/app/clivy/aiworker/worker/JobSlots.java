package app.clivy.aiworker.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The node's job slots: at most {@code ai-worker.concurrency} jobs in flight. A claim reserves
 * slots first and claims no more jobs than it holds, so claimed jobs never wait in a queue where
 * their lease would run out. When a job finishes and work may be waiting (a claim came back full,
 * or a wake-up found no free slot), the freed slot triggers the next claim at once. When the
 * openrouter breaker lets calls through again (half-open or closed), that triggers a claim too, so
 * the probe does not wait for the next sweep.
 */
@Component("jobSlots")
public class JobSlots {

    private static final Logger LOG = LoggerFactory.getLogger(JobSlots.class);

    private final int capacity;
    private final Semaphore free;
    private final AtomicBoolean backlogSuspected = new AtomicBoolean();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final ProducerTemplate template;

    private final CircuitBreaker openRouter;
    private volatile long openedAtNanos = System.nanoTime();

    public JobSlots(@Value("${ai-worker.concurrency:8}") int capacity, @Lazy ProducerTemplate template,
                    CircuitBreaker openRouterCircuitBreaker) {
        if (capacity < 1) {
            throw new IllegalArgumentException("ai-worker.concurrency must be at least 1");
        }
        this.capacity = capacity;
        this.free = new Semaphore(capacity);
        this.template = template;
        this.openRouter = openRouterCircuitBreaker;
        openRouterCircuitBreaker.getEventPublisher().onStateTransition(this::onBreakerTransition);
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
            try {
                template.asyncSendBody("direct:claim-jobs", to == CircuitBreaker.State.HALF_OPEN ? "breaker-half-open" : "breaker-closed");
            } catch (RuntimeException e) {
                // Camel is stopping or not started: the sweep claims when it runs
                LOG.debug("Claim after breaker {} not started: {}", to, e.toString());
            }
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
    public int reserve(int wanted) {
        if (paused.get()) {
            return 0;
        }
        CircuitBreaker.State state = openRouter.getState();
        if (state == CircuitBreaker.State.FORCED_OPEN || state == CircuitBreaker.State.OPEN && !probeOverdue()) {
            backlogSuspected.set(true);
            return 0;
        }
        if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.HALF_OPEN) {
            wanted = Math.min(wanted, openRouter.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState());
        }
        int taken = 0;
        while (taken < wanted && free.tryAcquire()) {
            taken++;
        }
        if (taken == 0) {
            backlogSuspected.set(true);
        }
        return taken;
    }

    /** After a claim: gives back the slots no job came for ({@code claimedRows} is the claim's result list, or anything else if it failed). */
    public void releaseUnused(int reserved, Object claimedRows) {
        int claimed = claimedRows instanceof java.util.List<?> rows ? rows.size() : 0;
        if (reserved > claimed) {
            free.release(reserved - claimed);
        }
        if (reserved > 0 && claimed == reserved) {
            backlogSuspected.set(true); // the queue may hold more
        }
    }

    /** Ties one slot to the job's exchange: the slot frees when the job's route completes, however it ends. */
    public void holdUntilDone(Exchange job) {
        job.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange exchange) {
                free.release();
                if (backlogSuspected.compareAndSet(true, false) && !paused.get()) {
                    template.asyncSendBody("direct:claim-jobs", "slot-freed");
                }
            }
        });
    }

    public int inFlight() {
        return capacity - free.availablePermits();
    }

    public int capacity() {
        return capacity;
    }

    public boolean isPaused() {
        return paused.get();
    }

    public void pause() {
        paused.set(true);
    }

    public void resume() {
        paused.set(false);
        backlogSuspected.set(false);
        template.asyncSendBody("direct:claim-jobs", "resumed");
    }
}
