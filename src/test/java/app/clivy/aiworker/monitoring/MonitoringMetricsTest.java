package app.clivy.aiworker.monitoring;

import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.error;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.FakeGateway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;

/**
 * The dashboard and the alert rules read only what the worker exports: the bundle runs a done job
 * (its reply delivered to the gateway) and a failed one, then every metric name in their PromQL
 * must be on {@code /actuator/prometheus}, with every label their selectors match on.
 */
@AutoConfigureObservability
class MonitoringMetricsTest extends DeliveryTest {

    /** Series Prometheus makes itself for each target, and the labels its scrape adds. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    private static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{([^}]*)})?\\s");
    private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"");

    @Test
    void everyMetricTheDashboardAndTheAlertsReadIsExported() {
        when("mon-done", completion("mon-reply thanks for asking", "openai/gpt-4o", 120, 14, 0.0011));
        when("mon-failed", error(402, "Insufficient credits", null));
        FakeGateway.server().stubFor(send("mon-reply").willReturn(sent("gw-mon-1")));
        long done = postMessage("mon-done question");
        long failed = postMessage("mon-failed question");
        awaitJob(done, "done", 1);
        awaitJob(failed, "failed", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> scrape().containsKey("ai_worker_deliveries_total"));

        Map<String, Set<String>> exported = scrape();
        writeScrape(); // target/monitoring/prometheus.txt: what a scrape holds, to write new panels against
        Map<String, String> expressions = MonitoringFiles.expressions();
        assertThat(expressions).as("expressions in the alert rules and the dashboard").hasSizeGreaterThan(15);

        Map<String, Set<String>> used = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        expressions.forEach((where, expr) -> {
            Map<String, Set<String>> selectors = PromQl.selectors(expr);
            for (String label : PromQl.groupingLabels(expr)) {
                boolean onSome = TARGET_LABELS.contains(label) || selectors.keySet().stream()
                        .anyMatch(metric -> exported.getOrDefault(metric, Set.of()).contains(label));
                if (!onSome) {
                    problems.add(where + ": no metric of " + selectors.keySet() + " has the label " + label);
                }
            }
            selectors.forEach((metric, labels) -> {
            used.computeIfAbsent(metric, m -> new LinkedHashSet<>()).addAll(labels);
            if (PROMETHEUS_OWN.contains(metric)) {
                return;
            }
            if (!exported.containsKey(metric)) {
                problems.add(where + ": " + metric + " is not exported");
                return;
            }
            for (String label : labels) {
                if (!TARGET_LABELS.contains(label) && !exported.get(metric).contains(label)) {
                    problems.add(where + ": " + metric + " has no label " + label + " (it has " + exported.get(metric) + ")");
                }
            }
            });
        });
        used.forEach((metric, labels) -> System.out.println("uses " + metric + " " + labels));
        assertThat(used).as("the worker's own metrics are read").containsKeys(
                "ai_worker_jobs_finished_total", "ai_worker_jobs_queued", "ai_worker_oldest_due_job_age_seconds",
                "ai_worker_llm_latency_seconds_bucket", "ai_worker_tokens_in_sum", "ai_worker_cost_usd_total",
                "ai_worker_breaker_open", "openrouter_credits_balance_usd", "openrouter_credits_level",
                "ai_worker_webhook_requests_total", "ai_worker_deliveries_total");
        assertThat(problems).as("metrics the dashboard or the alerts read that the worker does not export").isEmpty();
    }

    private void writeScrape() {
        try {
            Path out = Path.of("target/monitoring/prometheus.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, client().get("/actuator/prometheus").body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Metric name -> label names, from the Prometheus text format. */
    private Map<String, Set<String>> scrape() {
        var res = client().get("/actuator/prometheus");
        assertThat(res.statusCode()).isEqualTo(200);
        Map<String, Set<String>> metrics = new TreeMap<>();
        for (String line : res.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Set<String> labels = metrics.computeIfAbsent(m.group(1), n -> new LinkedHashSet<>());
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return metrics;
    }
}
