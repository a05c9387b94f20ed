package app.clivy.aiworker.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.Test;

/**
 * The routes as Kaoto and VS Code see them: every {@code routes/*.camel.yaml} against the Camel YAML
 * DSL's JSON schema, read from the {@code camel-yaml-dsl} jar of the Camel version in use (no
 * network). Each error is printed with its file and path, so a failing run says what to fix.
 */
class RouteSchemaTest {

    private static final Path ROUTES = Path.of("routes");
    private static final String SCHEMA = "schema/camelYamlDsl.json";

    @Test
    void everyRouteFileIsValidAgainstTheCamelYamlDslSchema() throws IOException {
        Schema schema = camelYamlDslSchema();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<Path> files = routeFiles();
        assertThat(files).as("route files in " + ROUTES).hasSizeGreaterThanOrEqualTo(10);

        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            for (Map.Entry<String, String> error : errors(schema, yaml.readTree(file.toFile())).entrySet()) {
                problems.add(file.getFileName() + " " + error.getKey() + ": " + error.getValue());
            }
        }
        problems.forEach(System.out::println);
        assertThat(problems).as("schema errors (%d), each with its file and path", problems.size()).isEmpty();
    }

    @Test
    void theSchemaCatchesWhatKaotoWouldFlag() {
        Schema schema = camelYamlDslSchema();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        // the shapes the routes once had: a quoted constant is fine; a number where the expression
        // wants a string, a placeholder where a boolean is wanted and an unknown key are not
        assertThat(errors(schema, yaml, """
                - route:
                    id: ok
                    autoStartup: false
                    from:
                      uri: timer:t
                      steps:
                        - setHeader:
                            name: CamelHttpResponseCode
                            constant: "400"
                """)).isEmpty();
        assertThat(errors(schema, yaml, """
                - route:
                    id: bad
                    autoStartup: "{{ai-worker.worker.enabled}}"
                    from:
                      uri: timer:t
                      steps:
                        - setHeader:
                            name: CamelHttpResponseCode
                            constant: 400
                        - log:
                            mesage: typo
                """)).containsOnlyKeys("/0/route/autoStartup", "/0/route/from/steps/0/setHeader/constant",
                "/0/route/from/steps/1/log");
    }

    private static Map<String, String> errors(Schema schema, ObjectMapper yaml, String text) {
        try {
            return errors(schema, yaml.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The errors at the innermost paths only, one line per path: a value that fits none of a
     * {@code oneOf}'s branches is also reported once per branch and once per enclosing node, which
     * says nothing more. The message names the value found and what the schema wanted there.
     */
    private static Map<String, String> errors(Schema schema, JsonNode document) {
        Map<String, List<Error>> byPath = new TreeMap<>();
        for (Error error : schema.validate(document)) {
            byPath.computeIfAbsent(error.getInstanceLocation().toString(), p -> new ArrayList<>()).add(error);
        }
        Map<String, String> innermost = new LinkedHashMap<>();
        byPath.forEach((path, errors) -> {
            boolean deeper = byPath.keySet().stream().anyMatch(other -> other.startsWith(path + "/"));
            if (!deeper) {
                innermost.put(path, describe(errors));
            }
        });
        return innermost;
    }

    private static String describe(List<Error> errors) {
        JsonNode found = errors.get(0).getInstanceNode();
        Set<String> wanted = new LinkedHashSet<>();
        for (Error e : errors) {
            switch (e.getKeyword()) {
                case "type" -> wanted.add(("object".equals(e.getSchemaNode().asText()) ? "an " : "a ") + e.getSchemaNode().asText());
                case "additionalProperties" -> wanted.add("no property '" + e.getProperty() + "'");
                case "required", "oneOf", "anyOf", "not" -> { } // the branches, each reported on its own
                default -> wanted.add(e.getKeyword() + " " + e.getSchemaNode());
            }
        }
        return (found == null ? "the value" : found.getNodeType().name().toLowerCase() + " " + found)
                + " where the schema wants " + (wanted.isEmpty() ? "something else" : String.join(" or ", wanted));
    }

    /** The schema packed in the camel-yaml-dsl jar (the jar of the loader class itself). */
    private static Schema camelYamlDslSchema() {
        try (InputStream in = YamlRoutesBuilderLoader.class.getClassLoader().getResourceAsStream(SCHEMA)) {
            assertThat(in).as(SCHEMA + " on the classpath").isNotNull();
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }
}
