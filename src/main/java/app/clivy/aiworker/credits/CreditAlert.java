package app.clivy.aiworker.credits;

import java.math.BigDecimal;
import java.time.Instant;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The alert hook: when the level gets worse, the route posts {@link #json} to
 * {@code ai-worker.credits.alert-url} (empty = off). The URL may hold a token (chat webhooks carry
 * one in the path or the query), so it is never logged and never part of an endpoint URI: the route
 * posts through one fixed endpoint and hands the URL over in the {@code CamelHttpUri} header, which
 * lives only in the message, not in Camel's endpoint registry, JMX or Hawtio.
 */
@Component("creditAlert")
public class CreditAlert {

    private static final ObjectMapper JSON = JsonMappers.create();

    private final String url;

    @Autowired
    public CreditAlert(CreditSettings settings) {
        this(settings.alertUrl());
    }

    CreditAlert(String url) {
        this.url = url == null ? "" : url.strip();
    }

    public boolean enabled() {
        return !url.isEmpty();
    }

    /** The alert URL, with its own query, for the {@code CamelHttpUri} header of the post. */
    public String url() {
        return url;
    }

    /** The alert of an instance that reached its daily spend cap (posted once a UTC day per instance). */
    public String spendCapJson(String instance, BigDecimal spentUsd, BigDecimal capUsd) {
        ObjectNode alert = JSON.createObjectNode();
        alert.put("event", "instance_spend_cap");
        alert.put("instance", instance);
        alert.put("spent_today_usd", spentUsd);
        alert.put("daily_spend_cap_usd", capUsd);
        alert.put("message", "Instance " + instance + " reached its daily spend cap of " + capUsd.stripTrailingZeros().toPlainString()
                + " USD: its jobs fail with class budget, without a call, until the UTC day ends");
        alert.put("checked_at", Instant.now().toString());
        return alert.toString();
    }

    /** The alert of all instances together reaching the global daily spend cap (posted once a UTC day). */
    public String globalSpendCapJson(BigDecimal spentUsd, BigDecimal capUsd) {
        ObjectNode alert = JSON.createObjectNode();
        alert.put("event", "global_spend_cap");
        alert.put("spent_today_usd", spentUsd);
        alert.put("global_daily_spend_cap_usd", capUsd);
        alert.put("message", "All instances together reached the global daily spend cap of " + capUsd.stripTrailingZeros().toPlainString()
                + " USD: every job fails with class budget, without a call, until the UTC day ends");
        alert.put("checked_at", Instant.now().toString());
        return alert.toString();
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
