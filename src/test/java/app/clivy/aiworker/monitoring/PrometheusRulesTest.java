package app.clivy.aiworker.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the dashboard's queries as Prometheus itself reads them, with {@code promtool}
 * (Debian's {@code prometheus} package; {@code .ci/run} installs it). Without promtool the test is
 * skipped with a message, except in CI ({@code CI=true}), where it fails.
 */
class PrometheusRulesTest {

    private static String promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = onPath("promtool");
        if (promtool == null) {
            String message = "promtool not found on PATH (apt-get install prometheus)";
            assertThat("true".equals(System.getenv("CI"))).as(message + ": CI must have it").isFalse();
            System.out.println("SKIPPED: " + message);
        }
        assumeTrue(promtool != null, "promtool not found on PATH (apt-get install prometheus)");
    }

    @Test
    void alertRulesAreValid() throws Exception {
        Result check = promtool("check", "rules", MonitoringFiles.ALERTS.toString());
        assertThat(check.exit).as(check.output).isZero();
        assertThat(check.output).contains("SUCCESS");
    }

    @Test
    void alertUnitTestsPass() throws Exception {
        // the breaker, credit, stuck-queue, failure-rate, delivery and node-down alerts fire when
        // they should and stay quiet otherwise (alerts.test.yml)
        Result test = promtool("test", "rules", MonitoringFiles.ALERT_TESTS.toString());
        assertThat(test.exit).as(test.output).isZero();
        assertThat(test.output).contains("SUCCESS");
        assertThat(Files.readString(MonitoringFiles.ALERT_TESTS)).contains("alertname: OpenRouterCircuitBreakerOpen",
                "alertname: OpenRouterCreditsCritical", "alertname: OpenRouterCreditsWarning",
                "alertname: OpenRouterHighUsage", "alertname: AiWorkerJobsStuckPending", "alertname: AiWorkerFailedJobRate");
    }

    @Test
    void aBrokenUnitTestFails(@TempDir Path dir) throws Exception {
        // promtool really compares: an alert expected where none fires fails the run
        Files.copy(MonitoringFiles.ALERTS, dir.resolve("alerts.yml"));
        Files.writeString(dir.resolve("broken.test.yml"), """
                rule_files: [alerts.yml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'ai_worker_breaker_open{job="clivy-ai-worker",instance="w:8070",name="openrouter"}'
                        values: '0x5'
                    alert_rule_test:
                      - eval_time: 4m
                        alertname: OpenRouterCircuitBreakerOpen
                        exp_alerts:
                          - exp_labels: {severity: warning, instance: "w:8070"}
                """);
        Result test = promtool("test", "rules", dir.resolve("broken.test.yml").toString());
        assertThat(test.exit).as(test.output).isNotZero();
    }

    @Test
    void everyDashboardQueryIsValidPromQl(@TempDir Path dir) throws Exception {
        // each panel query as a recording rule, Grafana's interval variables as a fixed range
        Map<String, String> expressions = MonitoringFiles.expressions();
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            if (!e.getKey().startsWith("panel ")) {
                continue;
            }
            String expr = e.getValue().replace("$__rate_interval", "5m").replace("$__interval", "1m");
            rules.append("      - record: dashboard:query_").append(n++).append("\n        expr: '")
                    .append(expr.replace("'", "''").replace("\n", " ")).append("'\n");
        }
        assertThat(n).as("dashboard queries").isGreaterThan(10);
        Path file = dir.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);
        Result check = promtool("check", "rules", file.toString());
        assertThat(check.exit).as(check.output + "\n" + rules).isZero();
    }

    private record Result(int exit, String output) {
    }

    private static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(promtool));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), output);
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
