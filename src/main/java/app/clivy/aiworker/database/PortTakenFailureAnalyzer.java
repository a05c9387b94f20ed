package app.clivy.aiworker.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Spring Boot's "APPLICATION FAILED TO START" report for a taken embedded-database port: the port and what to set. */
public class PortTakenFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedDatabase.PortTakenException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedDatabase.PortTakenException cause) {
        return new FailureAnalysis(cause.getMessage() + ".", cause.action(), cause);
    }
}
