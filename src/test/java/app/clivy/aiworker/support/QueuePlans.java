package app.clivy.aiworker.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A queue statement of {@code src/main/resources/sql} run with its psql variables as named
 * parameters, inside a transaction that is rolled back, and what its plan read (EXPLAIN ANALYZE):
 * for checks that a claim's work grows with what it takes or with the backlog, never with the
 * backlog once per candidate.
 */
public final class QueuePlans {

    private QueuePlans() {
    }

    /** The statement's text with psql's {@code :'name'} written {@code :name} (Spring's named parameters). */
    public static String statement(String resource) {
        try (InputStream in = QueuePlans.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll(":'(\\w+)'", ":$1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code work} in one transaction of {@code db}'s data source and rolls it back. */
    public static void inRolledBackTransaction(JdbcTemplate db, Consumer<NamedParameterJdbcTemplate> work) {
        new TransactionTemplate(new DataSourceTransactionManager(db.getDataSource())).executeWithoutResult(status -> {
            work.accept(new NamedParameterJdbcTemplate(db));
            status.setRollbackOnly();
        });
    }

    /**
     * Inside a transaction: empty copies of {@code tables} (columns, defaults, indexes) in a schema of
     * the transaction's own, first on its search path, so the statements read and write them and the
     * planner's statistics are only what the test gives them. Other tables stay the bundle's.
     */
    public static void ownTables(JdbcTemplate db, String... tables) {
        db.execute("CREATE SCHEMA queue_plans");
        for (String table : tables) {
            db.execute("CREATE TABLE queue_plans." + table + " (LIKE public." + table + " INCLUDING ALL)");
        }
        db.execute("SET LOCAL search_path = queue_plans, public");
    }

    /** The root node of the statement's EXPLAIN (ANALYZE) plan (the statement runs). */
    public static JsonNode explainAnalyze(NamedParameterJdbcTemplate sql, String statement, Map<String, ?> parameters) {
        String json = sql.queryForObject("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters, String.class);
        try {
            return new ObjectMapper().readTree(json).get(0).get("Plan");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The most rows one scan of {@code table} read in the plan: rows returned and rows removed by
     * its filter, over all its loops; each scan of it noted in {@code reads}.
     */
    public static long mostRowsRead(JsonNode node, String table, List<String> reads) {
        long most = 0;
        if (table.equals(node.path("Relation Name").asText()) && !"ModifyTable".equals(node.path("Node Type").asText())) {
            long read = (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong())
                    * node.path("Actual Loops").asLong();
            reads.add(node.path("Node Type").asText() + " " + node.path("Alias").asText() + " "
                    + node.path("Index Name").asText("") + ": " + read);
            most = read;
        }
        for (JsonNode child : node.path("Plans")) {
            most = Math.max(most, mostRowsRead(child, table, reads));
        }
        return most;
    }
}
