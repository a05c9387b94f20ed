package app.clivy.aiworker.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

import static app.clivy.aiworker.gateway.EventFields.array;
import static app.clivy.aiworker.gateway.EventFields.epochSeconds;
import static app.clivy.aiworker.gateway.EventFields.object;
import static app.clivy.aiworker.gateway.EventFields.optionalObject;
import static app.clivy.aiworker.gateway.EventFields.phoneJid;
import static app.clivy.aiworker.gateway.EventFields.text;

/**
 * Meta's WhatsApp Cloud API: {@code {"object": "whatsapp_business_account", "entry": [{"changes":
 * [{"field": "messages", "value": {"metadata": {"phone_number_id"}, "contacts": [...], "messages":
 * [...]}}]}]}}: one post may carry several entries, changes and messages, each read on its own.
 * Delivery and read receipts ({@code value.statuses}) start no job. The instance of a message is its
 * business number's {@code phone_number_id}. Replies: {@code POST /{phone_number_id}/messages} with
 * {@code Authorization: Bearer <token>} (the base URL is {@code https://graph.facebook.com/v<N>}).
 * The webhook's GET verification handshake is {@link CloudApiVerification}.
 */
@Component
public class CloudApi implements WhatsAppGateway {

    public static final String NAME = "cloud-api";
    /** Message types whose text is a caption. */
    private static final String[] CAPTIONED = {"image", "video", "document"};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean recognises(JsonNode event) {
        return "whatsapp_business_account".equals(event.path("object").asText(null)) || event.path("entry").isArray();
    }

    @Override
    public List<InboundMessage> read(JsonNode event, Map<String, String> fields) {
        String object = text(event, "object", "object", true);
        if (!"whatsapp_business_account".equals(object)) {
            return List.of(InboundMessage.ignored(NAME, "object " + object + " is not whatsapp_business_account"));
        }
        List<InboundMessage> messages = new ArrayList<>();
        JsonNode entries = array(event, "entry", "entry");
        for (int e = 0; e < entries.size(); e++) {
            JsonNode changes = array(entries.get(e), "changes", "entry[" + e + "].changes");
            for (int c = 0; c < changes.size(); c++) {
                String path = "entry[" + e + "].changes[" + c + "]";
                JsonNode change = changes.get(c);
                String field = text(change, "field", path + ".field", false);
                if (field != null && !"messages".equals(field)) {
                    messages.add(InboundMessage.ignored(NAME, "field " + field + " is not messages"));
                    continue;
                }
                messages.addAll(value(object(change, "value", path + ".value"), path + ".value"));
            }
        }
        if (messages.isEmpty()) {
            messages.add(InboundMessage.ignored(NAME, "the post carries no messages"));
        }
        return messages;
    }

    private List<InboundMessage> value(JsonNode value, String path) {
        JsonNode metadata = object(value, "metadata", path + ".metadata");
        String phoneNumberId = text(metadata, "phone_number_id", path + ".metadata.phone_number_id", true);
        Map<String, String> names = new HashMap<>();
        JsonNode contacts = array(value, "contacts", path + ".contacts");
        for (JsonNode contact : contacts) {
            String waId = contact.path("wa_id").asText(contact.path("user_id").asText(""));
            String name = contact.path("profile").path("name").asText(null);
            if (!waId.isEmpty() && name != null) {
                names.put(waId, EventFields.checked(name, path + ".contacts.profile.name", false));
            }
        }
        List<InboundMessage> result = new ArrayList<>();
        JsonNode messages = array(value, "messages", path + ".messages");
        for (int i = 0; i < messages.size(); i++) {
            result.add(message(phoneNumberId, messages.get(i), names, path + ".messages[" + i + "]"));
        }
        if (messages.isEmpty()) {
            result.add(InboundMessage.ignored(NAME, value.has("statuses")
                    ? "delivery and read statuses start no job" : "the change carries no messages"));
        }
        return result;
    }

    private InboundMessage message(String phoneNumberId, JsonNode message, Map<String, String> names, String path) {
        String id = text(message, "id", path + ".id", true);
        // since 2026 a user may have a business-scoped user_id and no phone number
        String from = text(message, "from", path + ".from", false);
        if (from == null || from.isBlank()) {
            from = text(message, "user_id", path + ".from (or user_id)", true);
        }
        String type = text(message, "type", path + ".type", false);
        String text = null;
        if ("text".equals(type)) {
            JsonNode t = optionalObject(message, "text", path + ".text");
            text = t == null ? null : text(t, "body", path + ".text.body", false);
        } else {
            for (String kind : CAPTIONED) {
                if (kind.equals(type)) {
                    JsonNode media = optionalObject(message, kind, path + "." + kind);
                    text = media == null ? null : text(media, "caption", path + "." + kind + ".caption", false);
                }
            }
        }
        String chat = phoneJid(from);
        return new InboundMessage(NAME, phoneNumberId, chat, chat, id, false, false, names.get(from), text,
                epochSeconds(message, "timestamp"), from, phoneNumberId, null);
    }

    @Override
    public SendRequest request(GatewayReply reply) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messaging_product", "whatsapp");
        body.put("recipient_type", "individual");
        String to = reply.replyTo() != null ? reply.replyTo() : reply.number();
        // a wa_id (digits) is "to"; a business-scoped user id (BSUID, "US.1349...") of a customer who
        // shows Meta no phone number is "recipient", sent back exactly as received
        body.put(to.matches("\\+?\\d+") ? "to" : "recipient", to);
        body.put("type", "text");
        body.put("text", Map.of("body", reply.text()));
        String phoneNumberId = reply.account() != null ? reply.account() : reply.instance();
        return new SendRequest("/" + phoneNumberId + "/messages", reply.auth("Authorization", "Bearer "),
                Json.write(body));
    }

    @Override
    public String messageId(JsonNode answer) {
        return Json.first(answer, "messages.0.id");
    }
}
