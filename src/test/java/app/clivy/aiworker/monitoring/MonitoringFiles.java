package app.clivy.aiworker.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The operator's monitoring files in docker/: the alert rules and the Grafana dashboard, read as data. */
final class MonitoringFiles {

    static final Path ALERTS = Path.of("docker/prometheus/alerts.yml");
    static final Path ALERT_TESTS = Path.of("docker/prometheus/alerts.test.yml");
    static final Path DASHBOARD = Path.of("docker/grafana/dashboards/clivy-ai-worker.json");

    private MonitoringFiles() {
    }

    /** Every PromQL expression, keyed by where it is (alert name or panel title). */
    static Map<String, String> expressions() {
        Map<String, String> all = new LinkedHashMap<>();
        for (JsonNode group : read(ALERTS, new ObjectMapper(new YAMLFactory())).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                all.put("alert " + rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText());
            }
        }
        collectTargets(read(DASHBOARD, new ObjectMapper()), "dashboard", all);
        return all;
    }

    private static void collectTargets(JsonNode node, String where, Map<String, String> into) {
        if (node.isObject()) {
            String here = node.has("title") ? "panel " + node.get("title").asText() : where;
            if (node.has("expr")) {
                into.put(here + " [" + node.path("refId").asText(String.valueOf(into.size())) + "]", node.get("expr").asText());
            }
            node.fields().forEachRemaining(e -> collectTargets(e.getValue(), here, into));
        } else if (node.isArray()) {
            node.forEach(child -> collectTargets(child, where, into));
        }
    }

    static JsonNode dashboard() {
        return read(DASHBOARD, new ObjectMapper());
    }

    static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    private static JsonNode read(Path file, ObjectMapper mapper) {
        try {
            return mapper.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
