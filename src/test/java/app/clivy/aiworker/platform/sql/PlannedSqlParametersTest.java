package app.clivy.aiworker.platform.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.component.sql.SqlHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The planned strategy gives every statement the values camel-sql's stock strategy gives it. */
class PlannedSqlParametersTest {

    private final CamelContext context = new DefaultCamelContext();
    private final DefaultSqlPrepareStatementStrategy stock = new DefaultSqlPrepareStatementStrategy();
    private final PlannedSqlParameters planned = new PlannedSqlParameters();

    @AfterEach
    void stop() {
        context.stop();
    }

    /** The methods the statements call on the bundle's beans; planning checks that they exist. */
    public static class BeanMethods {
        public String getId() {
            return "node";
        }

        public int getLeaseSeconds() {
            return 1;
        }

        public int getClaimBatch() {
            return 1;
        }

        public String getInitialStatus() {
            return "off";
        }

        public long secondsUntilHalfOpen() {
            return 1;
        }
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader("fromHeader", "h");
        exchange.getMessage().setHeader("shared", "header wins over variable");
        exchange.setVariable("fromVariable", 7L);
        exchange.setVariable("shared", "variable");
        exchange.setVariable("job", Map.of("id", 42L, "chat", "628@s.whatsapp.net"));
        return exchange;
    }

    private static List<Object> values(DefaultSqlPrepareStatementStrategy strategy, String query, Exchange exchange)
            throws Exception {
        String prepared = strategy.prepareQuery(query, true, exchange);
        int expected = (int) prepared.chars().filter(c -> c == '?').count();
        Iterator<?> it = strategy.createPopulateIterator(query, prepared, expected, exchange, exchange.getMessage().getBody());
        List<Object> values = new ArrayList<>();
        it.forEachRemaining(values::add);
        return values;
    }

    private void assertSameAsStock(String query, Object body) throws Exception {
        List<Object> expected = values(stock, query, exchange(body));
        assertThat(values(planned, query, exchange(body))).isEqualTo(expected);
        // the second execution uses the cached plan and prepared text
        assertThat(values(planned, query, exchange(body))).isEqualTo(expected);
        assertThat(planned.prepareQuery(query, true, exchange(body))).isEqualTo(stock.prepareQuery(query, true, exchange(body)));
    }

    @Test
    void namesComeFromTheBodyMapThenHeadersThenVariables() throws Exception {
        String query = "UPDATE t SET a = :?name, b = :?fromHeader, c = :?fromVariable, d = :?shared WHERE e = :?name";
        assertSameAsStock(query, Map.of("name", "from body", "shared", "body wins"));
        assertSameAsStock(query, Map.of("name", "from body"));
    }

    @Test
    void expressionsAreEvaluatedOnTheExchange() throws Exception {
        assertSameAsStock("SELECT :?${variable.job[id]}, :?${variable.job[chat]}, :?$simple{header.fromHeader}, "
                + "CAST(:?${body[name]} AS text)::text, :?${properties:missing.setting:5}", Map.of("name", "x"));
        assertSameAsStock("SELECT :?${body} WHERE x = :?fromHeader", "a text body");
        // the shapes read directly: a key of a map variable (present or not), a bean's getter
        context.getRegistry().bind("workerNode", new BeanMethods());
        assertSameAsStock("UPDATE t SET a = :?${variable.job[id]}, b = :?${variable.job[missing]}, "
                + "c = :?${bean:workerNode.getId}, d = :?${bean:workerNode.getLeaseSeconds} WHERE e = :?name", Map.of("name", 1));
        assertSameAsStock("SELECT :?${body}", null);
    }

    @Test
    void aMissingNameFailsAsTheStockStrategyDoes() throws Exception {
        String query = "SELECT :?nowhere";
        assertThatThrownBy(() -> values(stock, query, exchange(Map.of())))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("Cannot find key [nowhere]");
        assertThatThrownBy(() -> values(planned, query, exchange(Map.of())))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("Cannot find key [nowhere]");
    }

    /** Statements a bean runs with JdbcTemplate (IntakeStore's array parameters), not camel-sql. */
    static final java.util.Set<String> JDBC_STATEMENTS = java.util.Set.of("intake-messages.sql");

    @Test
    void everyStatementOfTheBundleIsPlannedWithAllItsParameters() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/sql"))) {
            for (Path file : files.toList()) {
                if (JDBC_STATEMENTS.contains(file.getFileName().toString())) {
                    // run by a bean through JdbcTemplate with JDBC's own ? placeholders, not by camel-sql
                    assertThat(Files.readString(file)).as(file.toString()).doesNotContain(":#");
                    continue;
                }
                // psql's variables as camel-sql's named parameters (PsqlStatements), then what camel-sql
                // does to a query it reads: '#' placeholders become '?', '--' lines go
                String query = SqlHelper.resolvePlaceholders(PsqlStatements.toCamelSql(Files.readString(file)), "#");
                // ${bean:...} parameters name the bundle's beans: a stand-in with their methods, for planning
                Pattern.compile("bean:(\\w+)").matcher(query).results()
                        .forEach(bean -> context.getRegistry().bind(bean.group(1), new BeanMethods()));
                String prepared = stock.prepareQuery(query, true, null);
                long marks = prepared.chars().filter(c -> c == '?').count();
                assertThat(PlannedSqlParameters.plan(query, context)).as(file.toString()).hasSize((int) marks);
                assertThat(planned.prepareQuery(query, true, null)).as(file.toString()).isEqualTo(prepared);
            }
        }
    }
}
