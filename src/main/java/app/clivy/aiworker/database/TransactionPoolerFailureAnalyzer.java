package app.clivy.aiworker.database;

import java.util.regex.Pattern;

import org.postgresql.util.PSQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Spring Boot's "APPLICATION FAILED TO START" report when the database connection is a transaction
 * pooler nobody declared: pgjdbc's server-side prepared statements ({@code S_1}, {@code S_2} ...)
 * meet sessions that never prepared them, and PostgreSQL's own words name no setting. The report
 * names the one that fixes it ({@code DB_POOLER=transaction}; docs/pooler.md).
 */
public class TransactionPoolerFailureAnalyzer extends AbstractFailureAnalyzer<PSQLException> {

    /** What PostgreSQL answers behind a transaction pooler: a statement prepared on another server session. */
    private static final Pattern POOLED_PREPARED_STATEMENT = Pattern.compile("prepared statement \"S_\\d+\" (does not exist|already exists)");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PSQLException cause) {
        String message = String.valueOf(cause.getMessage());
        if (!POOLED_PREPARED_STATEMENT.matcher(message).find()) {
            return null;
        }
        return new FailureAnalysis(
                "PostgreSQL answered: " + message.lines().findFirst().orElse(message) + ". The database connection looks like a "
                        + "transaction pooler (PgBouncer with pool_mode = transaction): a statement prepared on one server "
                        + "session was used on another.",
                "Declare the pooler: set DB_POOLER=transaction (ai-worker.db.pooler), so no server-side prepared statement "
                        + "reaches it, and DB_DIRECT_HOST / DB_DIRECT_PORT to PostgreSQL itself, past the pooler, for the "
                        + "migrations and LISTEN (docs/pooler.md). Session pooling or a plain server needs DB_POOLER=none.",
                cause);
    }
}
