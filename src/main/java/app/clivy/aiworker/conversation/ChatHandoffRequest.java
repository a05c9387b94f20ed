package app.clivy.aiworker.conversation;

import app.clivy.aiworker.http.HttpRefusal;
import app.clivy.aiworker.instances.ConversationSettings;
import app.clivy.aiworker.instances.InstanceDefaults;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Reads and checks an operator's hand-over of a chat (admin API {@code /api/chats/{instance}/{chat}/handoff},
 * worker MBean): headers {@code instance}, {@code chat} and, for a take-over, {@code minutes} (default:
 * the instance's handoff period) into the variables of sql/chat-*.sql; 400 on a bad value, and on a
 * take-over without minutes for an instance whose handoff is off (0 minutes would hand nothing over).
 */
@Component("chatHandoffRequest")
public class ChatHandoffRequest {

    private final ConversationSettings settings;

    public ChatHandoffRequest(ConversationSettings settings) {
        this.settings = settings;
    }

    /** The chat of the request (GET, DELETE): variables {@code instance} and {@code chat}. */
    public void read(Exchange exchange) {
        exchange.setVariable("instance", required(exchange, "instance"));
        exchange.setVariable("chat", required(exchange, "chat"));
    }

    /** The chat and for how long humans take it (PUT, MBean): also variable {@code minutes}. */
    public void readTakeOver(Exchange exchange) {
        read(exchange);
        String instance = exchange.getVariable("instance", String.class);
        String raw = exchange.getMessage().getHeader("minutes", String.class);
        int minutes;
        if (raw == null || raw.isBlank()) {
            minutes = settings.handoffMinutes(instance);
            if (minutes < 1) {
                throw HttpRefusal.badRequest("minutes must be given: this instance's handoff is off"
                        + " (handoff_minutes 0), so it has no handoff period to default to");
            }
        } else {
            try {
                minutes = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                minutes = -1;
            }
            if (minutes < 1 || minutes > InstanceDefaults.MAX_HANDOFF_MINUTES) {
                throw HttpRefusal.badRequest(
                        "minutes must be a whole number from 1 to " + InstanceDefaults.MAX_HANDOFF_MINUTES);
            }
        }
        exchange.setVariable("minutes", minutes);
    }

    private static String required(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null || value.isBlank() || value.length() > 200) {
            throw HttpRefusal.badRequest(name + " must be given (at most 200 characters)");
        }
        return value;
    }
}
