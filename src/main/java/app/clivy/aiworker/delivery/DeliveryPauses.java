package app.clivy.aiworker.delivery;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The number's health, the Java side of routes/17-number-health.camel.yaml (docs/delivery.md): the
 * pause of one instance's delivery (table instance_delivery_pauses, V18, so every node sees it), its
 * reason, the alert and the meters {@code ai_worker_instance_delivery_paused{instance}} (1 while paused)
 * and {@code ai_worker_delivery_pauses_total{reason}}. The instance is the gateway's instance name (a
 * Cloud API phone_number_id is Meta's id of the number, not the number); no customer number anywhere.
 */
@Component("deliveryPauses")
public class DeliveryPauses {

    private final ObjectMapper json = JsonMappers.create();
    private final MeterRegistry registry;
    private final double pauseSeconds;
    private final Map<String, AtomicInteger> paused = new ConcurrentHashMap<>();

    public DeliveryPauses(MeterRegistry registry, NumberHealthSettings settings) {
        this.registry = registry;
        this.pauseSeconds = settings.pause().toMillis() / 1000.0;
    }

    /** The cool-down of a new pause, in seconds (ai-worker.gateway.number-health.pause). */
    public double pauseSeconds() {
        return pauseSeconds;
    }

    /** The reason of the restriction answer the route caught (spam_rate_limit, rate_overlimit ...). */
    public String reason(Throwable caught) {
        return caught instanceof GatewayNumberRestrictedException restricted ? restricted.getReason() : "restricted";
    }

    /** The gateway's answer as the reply row and the pause row keep it (shortened, digit runs masked). */
    public String error(Throwable caught) {
        return caught == null ? "restricted" : caught.getMessage();
    }

    /** This node paused the instance: its gauge says so at once, and the pause is counted. */
    public void paused(String instance, String reason, boolean newly) {
        gauge(instance).set(1);
        if (newly) {
            Counter.builder("ai_worker_delivery_pauses").description("instance delivery pauses begun, by reason")
                    .tag("reason", reason).register(registry).increment();
        }
    }

    /** An operator resumed the instance on this node. */
    public void resumed(String instance) {
        gauge(instance).set(0);
    }

    /**
     * Whether the instance's delivery is paused, as this node last saw it (at once for its own pauses,
     * within the gauges' refresh for another node's): read and typing signals are not sent meanwhile.
     */
    public boolean isPaused(String instance) {
        AtomicInteger value = paused.get(instance);
        return value != null && value.get() == 1;
    }

    /** The pauses as sql/delivery-pauses.sql reads them (every node's): the gauges follow. */
    public void record(String pausesJson) throws java.io.IOException {
        if (pausesJson == null) {
            return;
        }
        for (JsonNode row : json.readTree(pausesJson)) {
            gauge(row.path("instance").asText()).set(row.path("paused").asBoolean() ? 1 : 0);
        }
    }

    private AtomicInteger gauge(String instance) {
        return paused.computeIfAbsent(instance, i -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("ai_worker_instance_delivery_paused", value, AtomicInteger::get).tag("instance", i)
                    .description("1 while the instance's reply delivery is paused (WhatsApp restricted or rate-limited the number)")
                    .register(registry);
            return value;
        });
    }

    /** The alert of a new pause, for the instance's alert URL (else the global one); no phone number, no token. */
    public String alertJson(String instance, String reason, Object pausedUntil, long replyId) {
        ObjectNode alert = json.createObjectNode();
        alert.put("event", "instance_delivery_paused");
        alert.put("instance", instance);
        alert.put("reason", reason);
        alert.put("paused_until", String.valueOf(pausedUntil));
        alert.put("reply_id", replyId);
        alert.put("message", "WhatsApp restricted or rate-limited the number of instance " + instance + " (" + reason
                + "): its replies are kept and sent when the pause ends or an operator resumes it "
                + "(DELETE /api/delivery-pauses/" + instance + ")");
        alert.put("paused_at", Instant.now().toString());
        return alert.toString();
    }
}
