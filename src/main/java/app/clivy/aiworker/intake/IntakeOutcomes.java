package app.clivy.aiworker.intake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Body;
import org.apache.camel.Variable;
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

    private static final ObjectMapper JSON = JsonMappers.create();

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
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode results = JSON.createArrayNode();
        for (Map<String, Object> outcome : outcomes) {
            queued |= "202".equals(String.valueOf(outcome.get("status")));
            results.add(JSON.readTree(String.valueOf(outcome.get("body"))));
        }
        answer.put("status", queued ? "queued" : "nothing_queued");
        answer.set("results", results);
        exchange.setVariable("status", queued ? 202 : 200);
        exchange.getMessage().setBody(answer.toString());
    }

    // Every answer of the intake route is built here by Jackson, never by templating: a gateway's
    // text (an event type in an ignored reason) cannot add fields to it.

    /** {@code {"status":"ignored","reason":...}} for a message the parser ignored. */
    public String ignored(@Body Map<String, Object> row) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", "ignored");
        answer.put("reason", String.valueOf(row.get("ignoredReason")));
        return answer.toString();
    }

    /** A from-me message's answer: {@code agent_message} with {@code human_until}, or the echo's outcome. */
    public String fromMe(@Variable("fromMe") Map<String, Object> fromMe) {
        ObjectNode answer = JSON.createObjectNode();
        Object outcome = fromMe == null ? null : fromMe.get("outcome");
        answer.put("status", String.valueOf(outcome));
        if ("agent".equals(outcome)) {
            answer.put("status", "agent_message");
            answer.put("human_until", String.valueOf(fromMe.get("human_until")));
        }
        return answer.toString();
    }

    /** {@code {"status":"edited"|"revoked"|...,"changed":n}} for an edit or a delete of a stored message. */
    public String changed(@Body Map<String, Object> row, @Variable("changed") Object changed) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", String.valueOf(row.get("changeStatus")));
        answer.put("changed", changed instanceof Number n ? n.longValue() : 0L);
        return answer.toString();
    }

    /** {@code {"status":"queued"|"duplicate","job_id":n}} for a stored message. */
    public String stored(@Variable("stored") Map<String, Object> stored) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", Boolean.TRUE.equals(stored.get("created")) ? "queued" : "duplicate");
        answer.put("job_id", ((Number) stored.get("job_id")).longValue());
        return answer.toString();
    }
}
