package app.clivy.aiworker.platform.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.component.sql.SqlHelper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The statements' psql variables become camel-sql's named parameters exactly where psql would
 * substitute them, and every {@code parametersCount} of a route is the number of parameters of its file.
 */
class PsqlStatementsTest {

    private static final Path ROUTES = Path.of("routes");
    private static final Path SQL = Path.of("src/main/resources/sql");

    @Test
    void aVariableBecomesANamedParameterWhetherPsqlQuotesItOrNot() {
        assertThat(PsqlStatements.toCamelSql("UPDATE t SET a = :'errorMsg', b = :delaySeconds WHERE id = :id"))
                .isEqualTo("UPDATE t SET a = :#errorMsg, b = :#delaySeconds WHERE id = :#id");
        assertThat(PsqlStatements.parameters("SELECT :'output', :id, CAST(:'output' AS jsonb)"))
                .containsExactly("output", "id", "output");
    }

    @Test
    void castsLiteralsQuotedNamesAndCommentsAreLeftAsTheyAre() {
        String sql = """
                -- a comment naming :id is not a parameter
                SELECT x::text, 'at 10:30', E'it\\'s :id', "col:id", $$:id$$, $tag$ :id $tag$ /* :id /* :id */ */, :id
                """;
        assertThat(PsqlStatements.parameters(sql)).containsExactly("id");
        assertThat(PsqlStatements.toCamelSql(sql)).isEqualTo(sql.replace(", :id\n", ", :#id\n"));
    }

    @Test
    void camelSqlsOwnParametersAndArraySlicesAreNotPsqlVariables() {
        String sql = "SELECT a[1:2], :#${variable.job[id]}, :#${properties:ai-worker.x:5}, :#$simple{header.a}, :#name";
        assertThat(PsqlStatements.parameters(sql)).isEmpty();
        assertThat(PsqlStatements.toCamelSql(sql)).isEqualTo(sql);
    }

    @Test
    void aQuotedIdentifierVariableIsRefused() {
        assertThatThrownBy(() -> PsqlStatements.toCamelSql("SELECT * FROM :\"table\""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyStatementIsLoadedUnderItsClasspathNameConverted() throws Exception {
        Map<String, String> loaded = PsqlStatements.load();
        try (Stream<Path> files = Files.list(SQL)) {
            for (Path file : files.toList()) {
                assertThat(loaded).containsEntry("sql/" + file.getFileName(), PsqlStatements.toCamelSql(Files.readString(file)));
            }
        }
    }

    @Test
    void everyParametersCountOfARouteIsTheNumberOfParametersOfItsFile() throws Exception {
        List<Map<?, ?>> endpoints = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                for (Object document : new Yaml().loadAll(Files.readString(file))) {
                    collect(document, endpoints);
                }
            }
        }
        assertThat(endpoints).as("the routes give parametersCount to sql endpoints").hasSizeGreaterThan(10);
        for (Map<?, ?> endpoint : endpoints) {
            String uri = (String) endpoint.get("uri");
            Object count = ((Map<?, ?>) endpoint.get("parameters")).get("parametersCount");
            String name = uri.substring(uri.indexOf("sql/") + 4);
            assertThat(Integer.parseInt(count.toString())).as(uri).isEqualTo(jdbcParameters(SQL.resolve(name)));
        }
    }

    @Test
    void everyStatementARouteRunsIsAPsqlFileNamedByRef() throws Exception {
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                assertThat(Files.readString(file)).as(file + ": camel-sql's classpath query, not the psql file by ref")
                        .doesNotContain("sql:classpath:");
            }
        }
        try (Stream<Path> files = Files.list(SQL)) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file)).as(file + ": camel-sql's :# parameter, not psql's variable").doesNotContain(":#");
            }
        }
    }

    /** The JDBC parameters camel-sql gives the driver: its {@code ?} outside literals and comments. */
    private static int jdbcParameters(Path file) throws Exception {
        String query = SqlHelper.resolvePlaceholders(PsqlStatements.toCamelSql(Files.readString(file)), "#");
        String code = query.replaceAll("(?m)--.*$", "").replaceAll("'[^']*'", "''");
        return (int) code.chars().filter(c -> c == '?').count();
    }

    private static void collect(Object node, List<Map<?, ?>> endpoints) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("uri") instanceof String uri && uri.startsWith("sql:")
                    && map.get("parameters") instanceof Map<?, ?> parameters && parameters.containsKey("parametersCount")) {
                endpoints.add(map);
            }
            map.values().forEach(value -> collect(value, endpoints));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collect(value, endpoints));
        }
    }
}
