package app.clivy.aiworker.claim;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's slots for one kind of claimed work (jobs, reply deliveries): at most {@code capacity}
 * units in flight. A claim reserves slots first and claims no more units than it holds, so claimed
 * work never waits in a queue where its lease would run out. A claim that came back full claims
 * again at once while slots are free; when a unit finishes and work may be waiting (a full claim
 * left no slot free, or a wake-up found none), the freed slot triggers the next claim at once. Job
 * slots also know the lease tokens of the claims in flight, so the shutdown can hand back exactly
 * this process's own claims; delivery slots keep none (the shutdown hands back jobs only).
 */
public class ClaimSlots {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimSlots.class);

    private final int capacity;
    private final Semaphore free;
    private final AtomicBoolean backlogSuspected = new AtomicBoolean();
    private final Set<Long> tokens = ConcurrentHashMap.newKeySet();
    private final ProducerTemplate template;
    private final String claimUri;
    private final String tokenColumn;

    /** Slots that keep no lease tokens. */
    public ClaimSlots(int capacity, ProducerTemplate template, String claimUri) {
        this(capacity, template, claimUri, null);
    }

    /**
     * @param claimUri    the route that claims this kind of work
     * @param tokenColumn the claimed rows' lease token column, whose values {@link #heldTokens()} tells
     */
    public ClaimSlots(int capacity, ProducerTemplate template, String claimUri, String tokenColumn) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a concurrency setting must be at least 1 (" + claimUri + ")");
        }
        this.capacity = capacity;
        this.free = new Semaphore(capacity);
        this.template = template;
        this.claimUri = claimUri;
        this.tokenColumn = tokenColumn;
    }

    /** Takes up to {@code wanted} free slots; returns how many it took. */
    public int reserve(int wanted) {
        int taken = 0;
        while (taken < wanted && free.tryAcquire()) {
            taken++;
        }
        if (taken == 0) {
            suspectBacklog();
        }
        return taken;
    }

    /** Work may be waiting that no claim took: the next freed slot claims at once. */
    protected void suspectBacklog() {
        backlogSuspected.set(true);
    }

    /**
     * After a claim: notes the claimed rows' lease tokens and gives back the slots no unit came for
     * ({@code claimedRows} is the claim's result list, or anything else if it failed).
     */
    public void releaseUnused(int reserved, Object claimedRows) {
        int claimed = 0;
        if (claimedRows instanceof List<?> rows) {
            claimed = rows.size();
            for (Object row : rows) {
                Long token = token(row);
                if (token != null) {
                    tokens.add(token);
                }
            }
        }
        if (reserved > claimed) {
            free.release(reserved - claimed);
        }
        if (reserved > 0 && claimed == reserved) {
            // the queue may hold more: with slots still free, claim the next batch now (a node with
            // hundreds of slots fills them in a few claims, not one batch per freed slot or sweep);
            // otherwise the next freed slot claims
            if (free.availablePermits() > 0 && mayClaimMore()) {
                claim("batch-full");
            } else {
                suspectBacklog();
            }
        }
    }

    /** Ties one slot to the unit's exchange (body: its claimed row): it frees when the route completes, however it ends. */
    public void holdUntilDone(Exchange unit) {
        Long token = token(unit.getMessage().getBody());
        unit.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange exchange) {
                if (token != null) {
                    tokens.remove(token);
                }
                free.release();
                if (mayClaim() && backlogSuspected.compareAndSet(true, false)) {
                    claim("slot-freed");
                }
            }
        });
    }

    /** Whether a full claim may go on at once with the next batch while slots are free. */
    protected boolean mayClaimMore() {
        return mayClaim();
    }

    /** Whether a freed slot may start a claim (not while paused). */
    protected boolean mayClaim() {
        return true;
    }

    /** Starts a claim on the template's own threads. */
    protected void claim(String reason) {
        try {
            template.asyncSendBody(claimUri, reason);
        } catch (RuntimeException e) {
            // Camel is stopping or not started: the sweep claims when it runs
            LOG.debug("Claim ({}) not started: {}", reason, e.toString());
        }
    }

    protected void clearBacklog() {
        backlogSuspected.set(false);
    }

    /** The lease tokens of the claims this process holds now (none for slots that keep no tokens). */
    public Set<Long> heldTokens() {
        return Set.copyOf(tokens);
    }

    public int inFlight() {
        return capacity - free.availablePermits();
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Registers the Camel thread pool profile {@code name} of {@code size} threads that runs the
     * claimed units. A Camel profile, not a Spring Executor bean: one of those would switch off
     * Spring Boot's own task executor, which platform-http needs.
     */
    public static CamelContextConfiguration threadPool(String name, int size) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder(name)
                        .poolSize(size).maxPoolSize(size).maxQueueSize(-1).build());
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }

    private Long token(Object row) {
        return tokenColumn != null && row instanceof Map<?, ?> map && map.get(tokenColumn) instanceof Number n
                ? n.longValue() : null;
    }
}
