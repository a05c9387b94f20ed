package app.clivy.aiworker.intake;

import app.clivy.aiworker.http.HttpRefusal;
import org.springframework.stereotype.Component;

/**
 * Whether the node takes webhooks: only while the {@code intake} route runs and the node is not
 * shutting down. The web server accepts connections a few seconds before Camel has started the
 * routes, and keeps accepting while the worker drains at shutdown; in both windows a webhook gets
 * a 503 with {@code Retry-After} ({@code starting} / {@code shutting_down}), which a gateway sends
 * again, never the 404 it would drop. {@link WebhookEdgeFilter} answers it in front of the routes;
 * health reports the same windows ({@code WorkerHealth}).
 */
@Component("intakeGate")
public class IntakeGate {

    /** What the gate says now. */
    public enum State {
        /** the intake route is not running yet (or not running again after a reload) */
        STARTING,
        /** the intake route runs: webhooks are taken */
        OPEN,
        /** graceful shutdown closed it: no webhook is taken any more */
        SHUTTING_DOWN
    }

    private final long retryAfterSeconds;
    private volatile boolean routeRunning;
    private volatile boolean closed;

    public IntakeGate(IntakeSettings settings) {
        this.retryAfterSeconds = settings.retryAfterSeconds();
    }

    public State state() {
        if (closed) {
            return State.SHUTTING_DOWN;
        }
        return routeRunning ? State.OPEN : State.STARTING;
    }

    /** The 503 for a webhook that arrives while the gate is not open, or null while it is. */
    public HttpRefusal refusal() {
        return switch (state()) {
            case OPEN -> null;
            case STARTING -> new HttpRefusal(503, "starting",
                    "this worker is starting; send the message again later", retryAfterSeconds);
            case SHUTTING_DOWN -> new HttpRefusal(503, "shutting_down",
                    "this worker is shutting down; send the message again later", retryAfterSeconds);
        };
    }

    /** Passes while open; throws the 503 {@link #refusal()} otherwise (the intake route's first step). */
    public void check() {
        HttpRefusal refusal = refusal();
        if (refusal != null) {
            throw refusal;
        }
    }

    /** The intake route started ({@code true}) or stopped ({@code false}): see {@link IntakeRouteWatch}. */
    void intakeRouteRunning(boolean running) {
        this.routeRunning = running;
    }

    public void close() {
        closed = true;
    }
}
