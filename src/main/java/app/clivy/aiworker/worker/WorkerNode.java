package app.clivy.aiworker.worker;

import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Who this node is in leases, and the pool its jobs run on. */
@Configuration
public class WorkerNode {

    private final String id;
    private final long leaseSeconds;

    public WorkerNode(@Value("${ai-worker.node-id}") String id,
                      @Value("${ai-worker.openrouter.timeout-ms:120000}") long timeoutMs,
                      @Value("${ai-worker.lease-margin-seconds:30}") long marginSeconds) {
        this.id = id;
        // a lease outlives the slowest legitimate call, so only a dead or stuck node loses it
        this.leaseSeconds = (timeoutMs + 999) / 1000 + marginSeconds;
    }

    public String getId() {
        return id;
    }

    public long getLeaseSeconds() {
        return leaseSeconds;
    }

    /** The thread pool profile {@code jobPool} that runs claimed jobs ({@link JobSlots} keeps at most {@code concurrency} in flight). */
    @Bean
    public CamelContextConfiguration jobPoolProfile(@Value("${ai-worker.concurrency}") int concurrency) {
        return ClaimSlots.threadPool("jobPool", concurrency);
    }
}
