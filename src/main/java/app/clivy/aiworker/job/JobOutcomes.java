package app.clivy.aiworker.job;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.openrouter.OpenRouterSettings;
import java.io.IOException;
import java.net.SocketTimeoutException;

import app.clivy.aiworker.openrouter.ProviderException;
import app.clivy.aiworker.worker.WorkerSettings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Names what happened to a job for the outcome routes: a {@link Failure} or the {@link Figures} of a
 * reply, which the routes store (variable {@code failure} or {@code figures}) and spread into the
 * variables their SQL and log lines read, where everyone sees them (routes/07-outcome.camel.yaml).
 */
@Component("jobOutcomes")
public class JobOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(JobOutcomes.class);

    private final ObjectMapper json = JsonMappers.create();
    private final long retryDelaySeconds;
    private final long timeoutMs;

    public JobOutcomes(WorkerSettings settings, OpenRouterSettings openRouter) {
        this.retryDelaySeconds = settings.retryDelaySeconds();
        this.timeoutMs = openRouter.timeoutMs();
    }

    /**
     * A failed run, as the outcome statements and log lines name it: {@code errorClass} and
     * {@code errorMsg} (stored on the job), {@code status} (the HTTP status, or the error class without
     * one), {@code providerMessage} (the message without its "LLM call failed (...): " prefix) and
     * {@code delaySeconds} (the retry delay: the configured one, or a longer {@code Retry-After}).
     */
    public record Failure(String errorClass, String errorMsg, String status, String providerMessage, long delaySeconds) {
    }

    /** The figures of a completed job's output_json for the success line. */
    public record Figures(long latencyMs, long inputTokens, long outputTokens) {
    }

    /** Describes the failure the route's onException caught ({@code ${exception}}). */
    public Failure describe(Throwable caught) {
        ProviderException provider = find(caught, ProviderException.class);
        String errorClass;
        String errorMsg;
        int status;
        long retryAfter = 0;
        if (provider != null) {
            errorClass = provider.getErrorClass();
            errorMsg = provider.getErrorMsg();
            status = provider.getStatus();
            retryAfter = provider.getRetryAfterSeconds();
        } else if (find(caught, JsonProcessingException.class) != null) {
            // an IOException by type, but our own parsing failed, not the network
            errorClass = "internal";
            status = 0;
            errorMsg = internalError(caught);
        } else if (find(caught, SocketTimeoutException.class) != null) {
            errorClass = "timeout";
            status = 0;
            errorMsg = "LLM call failed (timeout): no answer within " + timeoutMs + " ms";
        } else if (find(caught, IOException.class) != null) {
            errorClass = "network";
            status = 0;
            errorMsg = "LLM call failed (network): " + find(caught, IOException.class).getClass().getSimpleName()
                    + ": " + find(caught, IOException.class).getMessage();
        } else {
            errorClass = "internal";
            status = 0;
            errorMsg = internalError(caught);
        }
        int cut = errorMsg.indexOf("): ");
        return new Failure(errorClass, errorMsg, status == 0 ? errorClass : String.valueOf(status),
                cut >= 0 ? errorMsg.substring(cut + 3) : errorMsg, Math.max(retryDelaySeconds, retryAfter));
    }

    /**
     * Logs an exception no outcome expected (a bug, a parse error of our own), once, with its stack
     * trace; the job then ends through the retry outcome with error class {@code internal}.
     */
    public void reportUnexpected(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Object job = exchange.getVariable("job", java.util.Map.class) instanceof java.util.Map<?, ?> row ? row.get("id") : "?";
        LOG.error("💥 Job #{} hit an unexpected error: {}", job, internalError(caught), caught);
    }

    private static String internalError(Throwable caught) {
        return "Internal error: " + (caught == null ? "unknown" : caught.getClass().getSimpleName() + ": " + caught.getMessage());
    }

    /** Reads the figures of a completed job's output_json ({@code ${variable.output}}) for the success line. */
    public Figures done(String output) throws IOException {
        JsonNode figures = json.readTree(output);
        return new Figures(figures.path("latency_ms").asLong(), figures.path("input_tokens").asLong(),
                figures.path("output_tokens").asLong());
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
