package app.clivy.aiworker.conversation;

import app.clivy.aiworker.instances.ConversationSettings;
import app.clivy.aiworker.intake.WebhookRejectedException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Reads and checks an operator's hand-over of a chat (admin API {@code /api/chats/{instance}/{chat}/handoff},
 * worker MBean): headers {@code instance}, {@code chat} and, for a take-over, {@code minutes} (default:
 * the instance's handoff period) into the variables of sql/chat-*.sql; 400 on a bad value.
 */
@Component("chatHandoffRequest")
public class ChatHandoffRequest {

    /** A week: longer is a setting (handoff minutes) or a disabled instance, not a take-over. */
    static final int MAX_MINUTES = 7 * 24 * 60;

    private final ConversationSettings settings;

    public ChatHandoffRequest(ConversationSettings settings) {
        this.settings = settings;
    }

    public void read(Exchange exchange) {
        String instance = required(exchange, "instance");
        exchange.setVariable("instance", instance);
        exchange.setVariable("chat", required(exchange, "chat"));
        String raw = exchange.getMessage().getHeader("minutes", String.class);
        int minutes;
        if (raw == null || raw.isBlank()) {
            minutes = settings.handoffMinutes(instance);
        } else {
            try {
                minutes = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                minutes = -1;
            }
            if (minutes < 1 || minutes > MAX_MINUTES) {
                throw WebhookRejectedException.badRequest("minutes must be a whole number from 1 to " + MAX_MINUTES);
            }
        }
        exchange.setVariable("minutes", minutes);
    }

    private static String required(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null || value.isBlank() || value.length() > 200) {
            throw WebhookRejectedException.badRequest(name + " must be given (at most 200 characters)");
        }
        return value;
    }
}
