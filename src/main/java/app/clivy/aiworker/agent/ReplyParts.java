package app.clivy.aiworker.agent;

import java.util.List;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.delivery.GatewayDelivery;
import app.clivy.aiworker.gateway.CloudApi;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.springframework.stereotype.Component;

/**
 * The messages one reply goes out as (routes/09-deliver.camel.yaml): the reply in WhatsApp's
 * formatting, cut under the gateway's limit and {@code ai-worker.agent.max-part-chars}. A reply that
 * goes out as it was written is sent as today (one POST, sql/deliver-sent.sql); any other is stored as
 * numbered rows of {@code reply_parts} before its first POST (sql/deliver-split.sql), so a restart
 * sends the same parts and each part is recorded sent once (sql/deliver-part-sent.sql).
 */
@Component("replyParts")
public class ReplyParts {

    /** Meta's Cloud API refuses a text body over 4,096 characters. */
    static final int CLOUD_API_LIMIT = 4096;
    /** WhatsApp's own limit of one text message, for the gateways that state none. */
    static final int WHATSAPP_LIMIT = 65536;

    private final ObjectMapper json = JsonMappers.create();
    private final AgentSettings settings;
    private final GatewayDelivery delivery;
    private final CamelContext camel;

    public ReplyParts(AgentSettings settings, GatewayDelivery delivery, CamelContext camel) {
        this.settings = settings;
        this.delivery = delivery;
        this.camel = camel;
    }

    /** The texts the reply row {@code reply} (of sql/deliver-claim.sql) is sent as, in order. */
    public List<String> split(Map<String, Object> reply) {
        String body = String.valueOf(reply.get("body"));
        String text = settings.whatsappFormat() ? WhatsAppText.format(body) : body;
        if (text.isBlank()) {
            text = body;
        }
        String gateway = delivery.dialect(String.valueOf(reply.get("instance")), (String) reply.get("gateway")).name();
        return ReplySplitter.split(text, Math.min(settings.maxPartChars(), limit(gateway)));
    }

    /** Whether the reply goes out as written, in one message: then no part rows are kept. */
    public boolean asWritten(Map<String, Object> reply, List<String> parts) {
        return reply.get("delivery_parts") == null && parts.size() == 1 && parts.get(0).equals(reply.get("body"));
    }

    /** The parts as the JSON array sql/deliver-split.sql stores. */
    public String toJson(List<String> parts) throws JsonProcessingException {
        return json.writeValueAsString(parts);
    }

    /** Row {@code index} of sql/deliver-parts.sql's answer (part, body, parts). */
    public Map<String, Object> at(List<Map<String, Object>> unsent, int index) {
        return unsent.get(index);
    }

    /**
     * The pause between two parts; false when this worker is stopping meanwhile (the rest of the
     * reply is then handed back and sent by the next claim).
     */
    public boolean pause() throws InterruptedException {
        long until = System.nanoTime() + settings.partPauseMs() * 1_000_000;
        while (System.nanoTime() < until) {
            if (stopping()) {
                return false;
            }
            Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
        return !stopping();
    }

    /** A reply handed back at a stop is due at once (sql/deliver-postpone.sql): the next start sends the rest. */
    public long handBackDelaySeconds() {
        return 0;
    }

    private boolean stopping() {
        return camel.isStopping() || camel.isStopped();
    }

    /** The longest text one message of that gateway takes. */
    static int limit(String gateway) {
        return CloudApi.NAME.equals(gateway) ? CLOUD_API_LIMIT : WHATSAPP_LIMIT;
    }
}
