package app.clivy.aiworker.credits;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

/** The JSON the alert hook posts to {@code ai-worker.credits.alert-url} when the level gets worse. */
@Component("creditAlert")
public class CreditAlert {

    private static final ObjectMapper JSON = new ObjectMapper();

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
