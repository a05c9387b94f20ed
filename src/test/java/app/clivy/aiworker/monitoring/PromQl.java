package app.clivy.aiworker.monitoring;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, and the label names its selectors match on. Enough
 * of PromQL for the alert rules and the dashboard: strings, label matchers, ranges, grouping
 * clauses, functions, keywords and numbers are told apart from metric names.
 */
final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern SELECTOR = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)?\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2");
    /** Grafana's template variables and macros ({@code $__rate_interval}). */
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");

    private PromQl() {
    }

    /** Metric name -> label names its selectors match on ({@code __name__} matchers are not supported). */
    static Map<String, Set<String>> selectors(String expression) {
        String expr = GRAFANA_VARIABLE.matcher(expression).replaceAll("5m");
        // label values first (they may contain anything), then ranges and durations
        expr = STRING.matcher(expr).replaceAll("\"\"");
        expr = RANGE.matcher(expr).replaceAll("");
        Map<String, Set<String>> found = new LinkedHashMap<>();
        Matcher selector = SELECTOR.matcher(expr);
        StringBuilder rest = new StringBuilder();
        while (selector.find()) {
            String name = selector.group(1);
            if (name == null || KEYWORDS.contains(name)) {
                throw new IllegalArgumentException("a selector without a metric name: " + expression);
            }
            Set<String> labels = found.computeIfAbsent(name, n -> new LinkedHashSet<>());
            Matcher m = MATCHER.matcher(selector.group(2));
            while (m.find()) {
                labels.add(m.group(1));
            }
            selector.appendReplacement(rest, " ");
        }
        selector.appendTail(rest);
        expr = GROUPING.matcher(rest).replaceAll(" ");
        Matcher id = IDENTIFIER.matcher(expr);
        while (id.find()) {
            String word = id.group(1);
            boolean function = id.group(2) != null;
            if (!function && !KEYWORDS.contains(word.toLowerCase()) && !isDurationOrNumber(expr, id.start())) {
                found.computeIfAbsent(word, n -> new LinkedHashSet<>());
            }
        }
        return found;
    }

    /** The label names of the expression's {@code by (...)} / {@code without (...)} / {@code on (...)} clauses. */
    static Set<String> groupingLabels(String expression) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = GROUPING.matcher(STRING.matcher(expression).replaceAll("\"\""));
        while (m.find()) {
            for (String label : m.group(2).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        return labels;
    }

    /** A duration such as {@code 5m} (offset) or a number's exponent: the word follows a digit. */
    private static boolean isDurationOrNumber(String expr, int start) {
        return start > 0 && Character.isDigit(expr.charAt(start - 1));
    }
}
