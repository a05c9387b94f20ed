package app.clivy.aiworker.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import app.clivy.aiworker.claim.JobSlots;
import app.clivy.aiworker.intake.IntakeGate;
import app.clivy.aiworker.worker.WorkerNode;
import app.clivy.aiworker.worker.WorkerSettings;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The worker's part of a SIGTERM / Ctrl+C, before Camel, the web server and the database stop (the
 * highest phase stops first): close the intake (webhooks get 503 {@code shutting_down} with
 * {@code Retry-After} while the web server still accepts them), stop claiming, stop the listener and the sweep, let the jobs in
 * flight finish within {@code ai-worker.shutdown-timeout-seconds}, then hand this process's unfinished
 * jobs (the lease tokens it holds) back to {@code pending} without consuming an attempt. A job still running after that cannot
 * write its late result: completion matches on its lease token, which the hand-back cleared.
 */
@Component
public class GracefulShutdown implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger("app.clivy.aiworker.Server");
    private static final List<String> WORKER_ROUTES = List.of("job-listener", "job-sweep");

    private final CamelContext camel;
    private final JobSlots slots;
    private final IntakeGate intake;
    private final NamedParameterJdbcTemplate db;
    private final WorkerNode node;
    private final boolean workerEnabled;
    private final Duration timeout;
    private final String handBackSql;
    private volatile boolean running;

    // @Lazy: created early, a CamelContext here would start before the YAML routes are configured
    public GracefulShutdown(@Lazy CamelContext camel, JobSlots slots, IntakeGate intake, NamedParameterJdbcTemplate db, WorkerNode node,
                            WorkerSettings settings) {
        this.camel = camel;
        this.slots = slots;
        this.intake = intake;
        this.db = db;
        this.node = node;
        this.workerEnabled = settings.worker().enabled();
        this.timeout = Duration.ofSeconds(settings.shutdownTimeoutSeconds());
        try {
            this.handBackSql = new ClassPathResource("sql/hand-back-jobs.sql").getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void start() {
        running = true;
        if (workerEnabled) {
            LOG.info("🤖 AI Worker started (node {}, {} jobs at a time)", node.getId(), slots.capacity());
        }
    }

    @EventListener
    public void ready(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web && web.getWebServer() != null) {
            LOG.info("🚀 Server starting on port {}", web.getWebServer().getPort());
        }
    }

    @Override
    public void stop() {
        running = false;
        intake.close();
        LOG.info("🛑 Shutting down server...");
        LOG.info("🤖 Stopping AI Worker...");
        slots.pause();
        LOG.info("🔕 Stopping job listener...");
        for (String route : WORKER_ROUTES) {
            try {
                camel.getRouteController().stopRoute(route, 5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("⚠  Could not stop route {}: {}", route, e.getMessage());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (slots.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (slots.inFlight() > 0) {
            LOG.warn("⏱  {} job(s) still running after {} s", slots.inFlight(), timeout.toSeconds());
        }
        try {
            // only this process's own claims: the lease tokens it holds (also on its node id, for the reader)
            Set<Long> tokens = slots.heldTokens();
            List<Long> handedBack = tokens.isEmpty() ? List.of()
                    : db.queryForList(handBackSql, Map.of("node", node.getId(), "tokens", tokens), Long.class);
            if (!handedBack.isEmpty()) {
                LOG.info("↩️  Handed back {} unfinished job(s) to pending: {}", handedBack.size(), handedBack);
            }
        } catch (RuntimeException e) {
            // the database is unreachable: the lease runs out and the rescue sweep of another start returns them
            LOG.warn("⚠  Could not hand back unfinished jobs ({}); their leases will expire and be rescued",
                    e.getClass().getSimpleName());
        }
        LOG.info("✅ AI Worker stopped");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first: before the web server's graceful shutdown and before Camel. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** Logs the reference card's last line once everything but the database has stopped. */
    @Component
    static class ServerExit implements SmartLifecycle {

        private volatile boolean running;

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            LOG.info("✅ Server exited gracefully");
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE;
        }
    }
}
