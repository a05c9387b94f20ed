package app.clivy.aiworker.operations;

import java.util.LinkedHashMap;
import java.util.Map;

import app.clivy.aiworker.claim.JobSlots;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * The operator's controls over JMX (Hawtio, JConsole): pause and resume claiming (jobs in flight
 * finish), requeue a failed job, queue depth by status, the breaker's state and a manual reset.
 */
@Component
@ManagedResource(objectName = "app.clivy.aiworker:type=Worker,name=worker",
        description = "clivy AI worker: pause/resume, requeue, queue depth, circuit breaker")
public class WorkerControl {

    private final JobSlots slots;
    private final CircuitBreaker breaker;
    private final JdbcTemplate db;
    private final ProducerTemplate template;

    public WorkerControl(JobSlots slots, CircuitBreaker openRouterCircuitBreaker, JdbcTemplate db, ProducerTemplate template) {
        this.slots = slots;
        this.breaker = openRouterCircuitBreaker;
        this.db = db;
        this.template = template;
    }

    @ManagedOperation(description = "Stop claiming new jobs; jobs in flight finish")
    public void pause() {
        slots.pause();
    }

    @ManagedOperation(description = "Claim jobs again")
    public void resume() {
        slots.resume();
    }

    @ManagedAttribute(description = "True while claiming is paused")
    public boolean isPaused() {
        return slots.isPaused();
    }

    @ManagedAttribute(description = "Jobs running on this node now")
    public int getJobsInFlight() {
        return slots.inFlight();
    }

    @ManagedOperation(description = "Put a failed job back in the queue with fresh attempts")
    @ManagedOperationParameter(name = "jobId", description = "ai_jobs.id of a failed job")
    public String requeueFailedJob(long jobId) {
        Object requeued = template.requestBody("direct:requeue-failed-job", jobId);
        return requeued instanceof java.util.List<?> rows && !rows.isEmpty()
                ? "Job #" + jobId + " requeued"
                : "Job #" + jobId + " is not a failed job; nothing changed";
    }

    @ManagedOperation(description = "Hand a chat to humans: its jobs end without a call (human_agent_active)")
    @ManagedOperationParameter(name = "instance", description = "the chat's instance (business number)")
    @ManagedOperationParameter(name = "chat", description = "the chat, as stored (628...@s.whatsapp.net)")
    @ManagedOperationParameter(name = "minutes",
            description = "for how long; 0 = the instance's handoff period (refused when its handoff is off)")
    public String takeOverChat(String instance, String chat, int minutes) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("instance", instance);
        headers.put("chat", chat);
        if (minutes > 0) {
            headers.put("minutes", String.valueOf(minutes));
        }
        Exchange taken = template.request("direct:chat-take-over", e -> e.getMessage().setHeaders(headers));
        if (taken.getException() != null) {
            throw CamelExecutionException.wrapCamelExecutionException(taken, taken.getException());
        }
        // a refused request (the route's onException, as the admin API answers it): its JSON error
        if (taken.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class) != 200) {
            return "Chat not handed to humans: " + taken.getMessage().getBody(String.class);
        }
        return "Chat handed to humans until " + taken.getMessage().getBody();
    }

    @ManagedOperation(description = "Hand a chat back to the AI at once")
    @ManagedOperationParameter(name = "instance", description = "the chat's instance (business number)")
    @ManagedOperationParameter(name = "chat", description = "the chat, as stored (628...@s.whatsapp.net)")
    public String handBackChat(String instance, String chat) {
        Object changed = template.requestBodyAndHeaders("direct:chat-hand-back", null,
                Map.of("instance", instance, "chat", chat));
        return changed instanceof java.util.List<?> rows && !rows.isEmpty()
                ? "Chat handed back to the AI"
                : "Chat was not handed to humans; nothing changed";
    }

    @ManagedAttribute(description = "Jobs by status")
    public Map<String, Long> getQueueDepth() {
        Map<String, Long> depth = new LinkedHashMap<>();
        for (String status : new String[] {"pending", "processing", "done", "failed"}) {
            depth.put(status, 0L);
        }
        db.query("SELECT status, COUNT(*) AS n FROM ai_jobs GROUP BY status",
                rs -> {
                    depth.put(rs.getString("status"), rs.getLong("n"));
                });
        return depth;
    }

    @ManagedAttribute(description = "State of the openrouter circuit breaker")
    public String getBreakerState() {
        return breaker.getState().name();
    }

    @ManagedOperation(description = "Close the openrouter circuit breaker now")
    public void resetBreaker() {
        breaker.reset();
    }

    // the number's health (docs/delivery.md): the route DELETE /api/delivery-pauses/{instance} runs too
    @ManagedOperation(description = "Resume an instance's reply delivery paused because WhatsApp restricted its number")
    @ManagedOperationParameter(name = "instance", description = "the paused instance (GET /api/delivery-pauses)")
    public String resumeInstanceDelivery(String instance) {
        Object answer = template.requestBodyAndHeader("direct:delivery-resume", null, "instance", instance);
        return answer != null && String.valueOf(answer).contains("\"resumed_by\"")
                ? "Delivery of instance " + instance + " resumed; its kept replies go out now"
                : "The delivery of instance " + instance + " is not paused; nothing changed";
    }
}
