package app.clivy.aiworker.credits;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The alert hook: when the level gets worse, the route posts {@link #json} to
 * {@code ai-worker.credits.alert-url} (empty = off). The URL may hold a token, so it is never logged.
 */
@Component("creditAlert")
public class CreditAlert {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final long timeoutMs;

    public CreditAlert(@Value("${ai-worker.credits.alert-url:}") String url,
                       @Value("${ai-worker.credits.timeout-ms:10000}") long timeoutMs) {
        this.url = url == null ? "" : url.strip();
        this.timeoutMs = timeoutMs;
    }

    public boolean enabled() {
        return !url.isEmpty();
    }

    /**
     * The camel-http endpoint for the alert URL: its own query (a token, say) is kept and the
     * client options are added after it, so the route need not know whether the URL has a query.
     */
    public String endpoint() {
        return url + (url.contains("?") ? "&" : "?") + "httpMethod=POST&throwExceptionOnFailure=false"
                + "&connectTimeout=" + timeoutMs + "&connectionRequestTimeout=" + timeoutMs + "&responseTimeout=" + timeoutMs;
    }

    public String json(CreditAssessment assessment) {
        ObjectNode alert = JSON.createObjectNode();
        alert.put("event", "openrouter_credits");
        alert.put("level", assessment.level().name());
        alert.put("previous_level", assessment.previousLevel().name());
        alert.put("message", assessment.alertLine());
        alert.put("balance", assessment.balance());
        alert.put("total", assessment.total());
        alert.put("percentage", assessment.percentage());
        alert.put("usage_today", assessment.usageToday());
        alert.put("rate_per_day", assessment.ratePerDay());
        alert.put("unlimited", assessment.unlimited());
        alert.put("source", assessment.reading().source());
        alert.put("checked_at", assessment.takenAt().toString());
        return alert.toString();
    }
}
