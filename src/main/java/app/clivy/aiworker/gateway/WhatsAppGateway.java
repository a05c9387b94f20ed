package app.clivy.aiworker.gateway;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One WhatsApp gateway, both directions: how its webhook event reads as {@link InboundMessage}s,
 * and how a reply is posted to its send API. One Spring bean per gateway; adding a gateway is one
 * class implementing this (the intake and the delivery find every bean of this type).
 */
public interface WhatsAppGateway {

    /** The gateway's name: the {@code messages.gateway} value and the {@code /webhook/ai/{name}} path. */
    String name();

    /** Whether a webhook event (already parsed JSON) has this gateway's shape. */
    boolean recognises(JsonNode event);

    /**
     * The messages of one event: usually one, several for gateways that batch, each possibly
     * {@link InboundMessage#ignored ignored} with the reason. Bad input throws a 400
     * {@link app.clivy.aiworker.http.HttpRefusal} naming the field.
     *
     * @param event  the event as JSON
     * @param fields the other fields of a form post (empty for JSON posts)
     */
    List<InboundMessage> read(JsonNode event, java.util.Map<String, String> fields);

    /** The send request of one reply. */
    SendRequest request(GatewayReply reply);

    /** The gateway's id of the message it sent, from its answer (null when it gives none). */
    String messageId(JsonNode answer);

    /**
     * The gateway's "read" and "typing..." calls for the customer's messages a job answers (docs/agent.md,
     * agent/ChatSignals): the read call first, then the typing call; none where the gateway has no such call.
     *
     * @param chat       the chat as a reply to it would be addressed (its {@code text} is unused)
     * @param messageIds the gateway's ids of the customer's messages, oldest first (at least one)
     */
    default List<SendRequest> signals(GatewayReply chat, List<String> messageIds) {
        return List.of();
    }
}
