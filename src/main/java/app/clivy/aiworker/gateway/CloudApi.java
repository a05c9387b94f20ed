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
        // it becomes a path segment of the reply's URL (/{phone_number_id}/messages): Meta's ids are digits
        if (!PHONE_NUMBER_ID.matcher(phoneNumberId).matches()) {
            throw app.clivy.aiworker.http.HttpRefusal.badRequest(path + ".metadata.phone_number_id must be digits");
        }
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
        MessageContent content = content(message, type == null ? "" : type, path);
        // a message in a group chat names its group (group_id): the same rule as every gateway's groups
        boolean group = message.hasNonNull("group_id");
        String chat = phoneJid(from);
        return new InboundMessage(NAME, phoneNumberId, chat, chat, id, false, group, names.get(from), content.text(),
                epochSeconds(message, "timestamp"), from, phoneNumberId, null, content);
    }

    /**
     * A message's kind and text: {@code text.body}; a media object's caption ({@code image}, {@code video},
     * {@code document}) or the media itself ({@code audio}, a voice note when {@code voice} is true); a tap
     * ({@code interactive.button_reply.title} / {@code list_reply.title}, a template's quick reply
     * {@code button.text}) is the text the customer tapped.
     */
    private static MessageContent content(JsonNode message, String type, String path) {
        switch (type) {
            case "text" -> {
                JsonNode t = optionalObject(message, "text", path + ".text");
                return MessageContent.plain(t == null ? null : text(t, "body", path + ".text.body", false));
            }
            case "interactive" -> {
                JsonNode interactive = optionalObject(message, "interactive", path + ".interactive");
                JsonNode reply = interactive == null ? null
                        : interactive.has("button_reply") ? optionalObject(interactive, "button_reply", path + ".interactive.button_reply")
                        : optionalObject(interactive, "list_reply", path + ".interactive.list_reply");
                String title = reply == null ? null : text(reply, "title", path + ".interactive.*.title", false);
                return new MessageContent(MessageContent.Kind.TAP, title, null, null);
            }
            case "button" -> {
                JsonNode button = optionalObject(message, "button", path + ".button");
                String title = button == null ? null : text(button, "text", path + ".button.text", false);
                return new MessageContent(MessageContent.Kind.TAP, title, null, null);
            }
            case "image", "video", "document", "audio", "sticker" -> {
                JsonNode media = optionalObject(message, type, path + "." + type);
                String caption = media == null ? null : text(media, "caption", path + "." + type + ".caption", false);
                return new MessageContent(MessageContent.Kind.valueOf(type.toUpperCase(java.util.Locale.ROOT)),
                        caption == null || caption.isBlank() ? null : caption, null, media);
            }
            case "location" -> {
                return new MessageContent(MessageContent.Kind.LOCATION, null, null, null);
            }
            case "contacts" -> {
                return new MessageContent(MessageContent.Kind.CONTACT, null, null, null);
            }
            case "reaction" -> {
                return new MessageContent(MessageContent.Kind.REACTION, null, null, null);
            }
            default -> {
                return new MessageContent(MessageContent.Kind.OTHER, null, null, null);
            }
        }
    }

    /** A Cloud API business number id: digits only (it is a path segment of the send URL). */
    static final java.util.regex.Pattern PHONE_NUMBER_ID = java.util.regex.Pattern.compile("[0-9]{1,32}");

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

    /**
     * One call: {@code POST /{phone_number_id}/messages} {@code {"messaging_product": "whatsapp", "status":
     * "read", "message_id", "typing_indicator": {"type": "text"}}} with the newest message (Meta marks the
     * earlier ones read with it); the indicator lasts until the reply or 25 s.
     */
    @Override
    public List<SendRequest> signals(GatewayReply chat, List<String> messageIds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messaging_product", "whatsapp");
        body.put("status", "read");
        body.put("message_id", messageIds.get(messageIds.size() - 1));
        body.put("typing_indicator", Map.of("type", "text"));
        String phoneNumberId = chat.account() != null ? chat.account() : chat.instance();
        return List.of(new SendRequest("/" + phoneNumberId + "/messages", chat.auth("Authorization", "Bearer "), Json.write(body)));
    }

    @Override
    public String messageId(JsonNode answer) {
        return Json.first(answer, "messages.0.id");
    }
}
