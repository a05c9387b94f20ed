package app.clivy.aiworker.intake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The answer to a post that may carry several messages (Meta's Cloud API batches them): the
 * intake route splits the post into its messages and this strategy collects each one's answer
 * (variable {@code status}, the JSON body, {@code retryAfter}). One message: its answer unchanged.
 * Several: {@code {"status": ..., "results": [...]}} with the worst status (a 503 makes the gateway
 * post it all again; the ones stored already are then duplicates), else 202 when any was queued.
 */
@Component("intakeOutcomes")
public class IntakeOutcomes implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange result = oldExchange == null ? newExchange : oldExchange;
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> outcomes = oldExchange == null ? new ArrayList<>() : result.getMessage().getBody(List.class);
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("status", newExchange.getVariable("status"));
        outcome.put("body", newExchange.getMessage().getBody(String.class));
        outcome.put("retryAfter", newExchange.getVariable("retryAfter"));
        outcomes.add(outcome);
        result.getMessage().setBody(outcomes);
        return result;
    }

    /** After the split: variables {@code status}, {@code retryAfter} and the body of the whole answer. */
    public void answer(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> outcomes = exchange.getMessage().getBody(List.class);
        // the split's properties came back with the aggregate: this is the whole post again
        exchange.removeProperty(Exchange.SPLIT_INDEX);
        exchange.removeProperty(Exchange.SPLIT_SIZE);
        exchange.removeProperty(Exchange.SPLIT_COMPLETE);
        if (outcomes.size() == 1) {
            Map<String, Object> only = outcomes.get(0);
            exchange.setVariable("status", only.get("status"));
            exchange.setVariable("retryAfter", only.get("retryAfter"));
            exchange.getMessage().setBody(only.get("body"));
            return;
        }
        int worst = 0;
        boolean queued = false;
        Object retryAfter = null;
        StringBuilder results = new StringBuilder();
        for (Map<String, Object> outcome : outcomes) {
            int status = Integer.parseInt(String.valueOf(outcome.get("status")));
            worst = Math.max(worst, status >= 400 ? status : 0);
            queued |= status == 202;
            if (outcome.get("retryAfter") != null) {
                retryAfter = outcome.get("retryAfter");
            }
            results.append(results.isEmpty() ? "" : ",").append(outcome.get("body"));
        }
        int status = worst > 0 ? worst : queued ? 202 : 200;
        String summary = worst > 0 ? "incomplete" : queued ? "queued" : "nothing_queued";
        exchange.setVariable("status", status);
        exchange.setVariable("retryAfter", worst > 0 ? retryAfter : null);
        exchange.getMessage().setBody("{\"status\":\"" + summary + "\",\"results\":[" + results + "]}");
    }
}
