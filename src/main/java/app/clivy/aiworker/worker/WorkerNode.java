package app.clivy.aiworker.worker;

import app.clivy.aiworker.openrouter.OpenRouterSettings;
import org.springframework.context.annotation.Configuration;

/** Who this node is in leases (the pool its jobs run on: JobSlots). */
@Configuration
public class WorkerNode {

    private final String id;
    private final long leaseSeconds;

    public WorkerNode(WorkerSettings settings, OpenRouterSettings openRouter) {
        this.id = settings.nodeId();
        // a lease outlives the slowest legitimate call, so only a dead or stuck node loses it
        this.leaseSeconds = (openRouter.timeoutMs() + 999) / 1000 + settings.leaseMarginSeconds();
    }

    public String getId() {
        return id;
    }

    public long getLeaseSeconds() {
        return leaseSeconds;
    }
}
