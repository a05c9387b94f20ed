package app.clivy.aiworker.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** The metric names and labels read out of PromQL, as MonitoringMetricsTest relies on. */
class PromQlTest {

    @Test
    void findsMetricNamesNotFunctionsKeywordsLabelsOrDurations() {
        var found = PromQl.selectors("histogram_quantile(0.95, sum by (le) (rate(ai_worker_llm_latency_seconds_bucket"
                + "{job=\"clivy\", outcome=~\"done|fail\"}[$__rate_interval]))) > 0.5 and on(instance) up offset 5m");
        assertThat(found).containsOnlyKeys("ai_worker_llm_latency_seconds_bucket", "up");
        assertThat(found.get("ai_worker_llm_latency_seconds_bucket")).containsExactly("job", "outcome");
        assertThat(PromQl.selectors("sum(rate(a_total[5m])) / sum(rate(b_total[1h])) * 60 or vector(0)"))
                .containsOnlyKeys("a_total", "b_total");
        // a metric name inside a label value is not one
        assertThat(PromQl.selectors("x{error_class=\"ai_worker_tokens_in\"} == 1")).containsOnlyKeys("x");
    }

    @Test
    void findsTheGroupingLabels() {
        assertThat(PromQl.groupingLabels("sum by (outcome, error_class) (rate(x[5m])) / ignoring(outcome) sum without (le) (y)"))
                .isEqualTo(Set.of("outcome", "error_class", "le"));
    }
}
