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
 * (variable {@code status} and the JSON body, or variable {@code failure}). One message: its answer unchanged.
 * Several: {@code {"status": ..., "results": [...]}}, 202 when any was queued. A message refused
 * (429) or caught by a database outage (503) is the answer of the whole post: the gateway posts it
 * all again, and the messages stored already are then duplicates.
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
        outcome.put("failure", newExchange.getVariable("failure"));
        outcomes.add(outcome);
        result.getMessage().setBody(outcomes);
        return result;
    }

    /**
     * After the split: variable {@code status} and the body of the whole
     * answer; or the first message's failure thrown again, for the route's onException clauses.
     */
    public void answer(Exchange exchange) throws Exception {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> outcomes = exchange.getMessage().getBody(List.class);
        // the split's properties came back with the aggregate: this is the whole post again
        exchange.removeProperty(Exchange.SPLIT_INDEX);
        exchange.removeProperty(Exchange.SPLIT_SIZE);
        exchange.removeProperty(Exchange.SPLIT_COMPLETE);
        for (Map<String, Object> outcome : outcomes) {
            if (outcome.get("failure") instanceof Exception failure) {
                throw failure;
            }
        }
        if (outcomes.size() == 1) {
            Map<String, Object> only = outcomes.get(0);
            exchange.setVariable("status", only.get("status"));
            exchange.getMessage().setBody(only.get("body"));
            return;
        }
        boolean queued = false;
        StringBuilder results = new StringBuilder();
        for (Map<String, Object> outcome : outcomes) {
            queued |= "202".equals(String.valueOf(outcome.get("status")));
            results.append(results.isEmpty() ? "" : ",").append(outcome.get("body"));
        }
        String summary = queued ? "queued" : "nothing_queued";
        exchange.setVariable("status", queued ? 202 : 200);
        exchange.getMessage().setBody("{\"status\":\"" + summary + "\",\"results\":[" + results + "]}");
    }
}
