package app.clivy.aiworker.operations;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The job metrics on {@code /actuator/prometheus}: jobs finished by outcome and error class, LLM
 * latency, tokens and cost of done jobs, queue depth by status, age of the oldest due job, the
 * breaker's state. The outcome routes call {@link #finished}; queue figures are read from the
 * database at most every few seconds, however often they are scraped.
 */
@Component("jobMetrics")
public class JobMetrics {

    private static final Duration QUEUE_REFRESH = Duration.ofSeconds(5);

    private final MeterRegistry registry;
    private final JdbcTemplate db;
    private final ObjectMapper json = JsonMappers.create();
    private final Timer llmLatency;
    private final DistributionSummary inputTokens;
    private final DistributionSummary outputTokens;
    private final Counter cost;
    private final Map<String, AtomicLong> byStatus = new ConcurrentHashMap<>();
    /** the finished-jobs counters by outcome and error class, looked up once, not built per job */
    private final Map<String, Counter> finished = new ConcurrentHashMap<>();
    private final AtomicLong oldestDueSeconds = new AtomicLong();
    private volatile long queueReadAt;

    public JobMetrics(MeterRegistry registry, JdbcTemplate db, CircuitBreaker openRouterCircuitBreaker) {
        this.registry = registry;
        this.db = db;
        this.llmLatency = Timer.builder("ai_worker_llm_latency").description("OpenRouter call latency of done jobs")
                .publishPercentileHistogram().register(registry);
        this.inputTokens = DistributionSummary.builder("ai_worker_tokens_in").description("prompt tokens per done job").register(registry);
        this.outputTokens = DistributionSummary.builder("ai_worker_tokens_out").description("completion tokens per done job").register(registry);
        this.cost = Counter.builder("ai_worker_cost_usd").description("OpenRouter cost of done jobs").register(registry);
        for (String status : List.of("pending", "processing")) {
            AtomicLong value = new AtomicLong();
            byStatus.put(status, value);
            Gauge.builder("ai_worker_jobs_queued", this, m -> m.queue(status)).tag("status", status)
                    .description("jobs by status (queue depth)").register(registry);
        }
        Gauge.builder("ai_worker_oldest_due_job_age_seconds", this, m -> m.oldestDue())
                .description("how long the oldest due pending job has waited").register(registry);
        Gauge.builder("ai_worker_breaker_open", openRouterCircuitBreaker,
                        cb -> cb.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                .tag("name", "openrouter").description("1 while the openrouter circuit breaker is open").register(registry);
    }

    /** Counts a job that reached {@code outcome} (done, retry, shrink, failed, postponed). */
    public void finished(Exchange exchange, String outcome) {
        String errorClass = exchange.getVariable("errorClass", "", String.class);
        if ("postponed".equals(outcome)) {
            errorClass = "breaker_open";
        }
        String errorTag = "done".equals(outcome) ? "" : errorClass;
        finished.computeIfAbsent(outcome + '\n' + errorTag, key -> Counter.builder("ai_worker_jobs_finished")
                .description("job runs by outcome").tag("outcome", outcome).tag("error_class", errorTag)
                .register(registry)).increment();
        if ("done".equals(outcome)) {
            String output = exchange.getVariable("output", String.class);
            try {
                JsonNode out = json.readTree(output);
                llmLatency.record(Duration.ofMillis(out.path("latency_ms").asLong()));
                inputTokens.record(out.path("input_tokens").asDouble());
                outputTokens.record(out.path("output_tokens").asDouble());
                cost.increment(out.path("cost").asDouble());
            } catch (Exception ignored) {
                // output_json was written by us; nothing to count if it cannot be read
            }
        }
    }

    /**
     * Counts the older jobs of a chat's burst that the outcome just written ended with it (the
     * {@code absorbed} column of sql/job-done.sql, sql/job-human-agent-active.sql or
     * sql/job-failed.sql): outcome {@code absorbed}, with the error class of the run that ended them
     * (empty when answered).
     */
    public void absorbed(Exchange exchange) {
        long count = 0;
        if (exchange.getMessage().getBody() instanceof java.util.List<?> rows) {
            for (Object row : rows) {
                if (row instanceof java.util.Map<?, ?> map && map.get("absorbed") instanceof Number n) {
                    count += n.longValue();
                }
            }
        }
        if (count > 0) {
            Counter.builder("ai_worker_jobs_finished").description("job runs by outcome")
                    .tag("outcome", "absorbed").tag("error_class", exchange.getVariable("errorClass", "", String.class))
                    .register(registry).increment(count);
        }
    }

    /** Counts a webhook answer by its HTTP status (202 queued, 200 duplicate or ignored, 4xx rejected, 503). */
    public void webhookAnswered(int status) {
        Counter.builder("ai_worker_webhook_requests").description("webhook answers by HTTP status")
                .tag("status", String.valueOf(status)).register(registry).increment();
    }

    /** Counts a reply delivery attempt by its outcome: sent, retried, failed. */
    public void delivered(String outcome) {
        Counter.builder("ai_worker_deliveries").description("reply deliveries to the WhatsApp gateway by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    private double queue(String status) {
        refreshQueue();
        return byStatus.get(status).get();
    }

    private double oldestDue() {
        refreshQueue();
        return oldestDueSeconds.get();
    }

    private synchronized void refreshQueue() {
        long now = System.nanoTime();
        if (queueReadAt != 0 && now - queueReadAt < QUEUE_REFRESH.toNanos()) {
            return;
        }
        queueReadAt = now;
        try {
            // both counts use the partial indexes: cheap however large the done history grows
            db.query("SELECT 'pending' AS status, COUNT(*) AS n FROM ai_jobs WHERE status = 'pending' "
                            + "UNION ALL SELECT 'processing', COUNT(*) FROM ai_jobs WHERE status = 'processing'",
                    rs -> {
                        byStatus.get(rs.getString("status")).set(rs.getLong("n"));
                    });
            Long age = db.queryForObject("SELECT COALESCE(EXTRACT(EPOCH FROM now() - MIN(run_at)), 0)::bigint "
                    + "FROM ai_jobs WHERE status = 'pending' AND run_at <= now()", Long.class);
            oldestDueSeconds.set(age == null ? 0 : age);
        } catch (Exception e) {
            // database unreachable: keep the last figures
        }
    }
}
