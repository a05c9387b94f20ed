package app.clivy.aiworker.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

import static app.clivy.aiworker.gateway.EventFields.epochSeconds;
import static app.clivy.aiworker.gateway.EventFields.flag;
import static app.clivy.aiworker.gateway.EventFields.object;
import static app.clivy.aiworker.gateway.EventFields.optionalObject;
import static app.clivy.aiworker.gateway.EventFields.phoneJid;
import static app.clivy.aiworker.gateway.EventFields.text;

/**
 * WAHA: {@code {"event": "message", "session": ..., "payload": {"id", "from": "628...@c.us",
 * "fromMe", "participant", "body", "timestamp", ...}}}; {@code message.any} also carries the
 * account's own messages (from-me). Chats are {@code @c.us} ids: stored as the phone JID
 * ({@code @s.whatsapp.net}) like every gateway's, answered at the {@code @c.us} id. Replies:
 * {@code POST /api/sendText} {@code {"session", "chatId", "text"}} with header {@code X-Api-Key}.
 */
@Component
public class Waha implements WhatsAppGateway {

    public static final String NAME = "waha";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean recognises(JsonNode event) {
        return event.path("session").isTextual() && event.path("payload").isObject();
    }

    @Override
    public List<InboundMessage> read(JsonNode event, Map<String, String> fields) {
        String type = text(event, "event", "event", true);
        if (!"message".equals(type) && !"message.any".equals(type)) {
            return List.of(InboundMessage.ignored(NAME, "event " + type + " is not a message"));
        }
        String session = text(event, "session", "session", true);
        JsonNode payload = object(event, "payload", "payload");
        String id = text(payload, "id", "payload.id", true);
        boolean fromMe = flag(payload, "fromMe", "payload.fromMe");
        String from = text(payload, "from", "payload.from", true);
        // the account's own message (message.any) is in the chat it was sent to
        String to = fromMe ? text(payload, "to", "payload.to", false) : null;
        String chatId = to != null && !to.isBlank() ? to : from;
        JsonNode raw = optionalObject(payload, "_data", "payload._data");
        // NOWEB/GOWS: a LID chat whose phone JID the engine knows (_data.key.remoteJidAlt), as Evolution
        // API's: the chat of that phone, answered at its @c.us id (a LID WAHA posts may even lack its user part)
        String alt = raw == null ? null : raw.path("key").path("remoteJidAlt").asText(null);
        if (chatId.endsWith("@lid") && alt != null && alt.matches("\\d+@s\\.whatsapp\\.net")) {
            chatId = EventFields.user(alt) + "@c.us";
        }
        boolean group = chatId.endsWith("@g.us");
        String participant = text(payload, "participant", "payload.participant", false);
        String sender = group && participant != null ? phoneJid(participant) : phoneJid(chatId);
        String body = text(payload, "body", "payload.body", false);
        String pushName = raw == null ? null : firstText(raw, "notifyName", "pushName");
        MessageContent content = content(payload, raw, body);
        return List.of(new InboundMessage(NAME, session, phoneJid(chatId), sender, id, fromMe, group, pushName,
                content.text(), epochSeconds(payload, "timestamp"), chatId, session, null, content));
    }

    /**
     * The message's kind: its body (a text, or a media file's caption); else its media by MIME type
     * ({@code payload.media}: {@code url}, {@code mimetype}); else the engine's own message proto
     * ({@code _data.message}, NOWEB/GOWS), read like the other gateways' (wrappers, taps, edits).
     */
    private static MessageContent content(JsonNode payload, JsonNode raw, String body) {
        JsonNode media = optionalObject(payload, "media", "payload.media");
        if (media != null && media.path("url").isTextual()) {
            String mimetype = media.path("mimetype").asText("");
            MessageContent.Kind kind = mimetype.startsWith("audio/") ? MessageContent.Kind.AUDIO
                    : mimetype.startsWith("image/webp") ? MessageContent.Kind.STICKER
                    : mimetype.startsWith("image/") ? MessageContent.Kind.IMAGE
                    : mimetype.startsWith("video/") ? MessageContent.Kind.VIDEO
                    : MessageContent.Kind.DOCUMENT;
            return new MessageContent(kind, body == null || body.isBlank() ? null : body, null, media);
        }
        if (body != null && !body.isBlank()) {
            return MessageContent.plain(body);
        }
        JsonNode message = raw == null ? null : optionalObject(raw, "message", "payload._data.message");
        if (message != null) {
            return MessageContent.of(message, "payload._data.message");
        }
        if (payload.path("location").isObject()) {
            return new MessageContent(MessageContent.Kind.LOCATION, null, null, null);
        }
        if (payload.path("vCards").isArray() && !payload.path("vCards").isEmpty()) {
            return new MessageContent(MessageContent.Kind.CONTACT, null, null, null);
        }
        if (payload.path("hasMedia").asBoolean(false) || raw != null && raw.path("key").path("isViewOnce").asBoolean(false)) {
            // media whose file WAHA did not fetch (a view-once voice note, say): a media message we cannot read
            return new MessageContent(MessageContent.Kind.UNSUPPORTED, null, null, null);
        }
        return MessageContent.plain(null);
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            if (node.path(field).isTextual()) {
                return EventFields.checked(node.path(field).asText(), "payload._data." + field, false);
            }
        }
        return null;
    }

    @Override
    public SendRequest request(GatewayReply reply) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session", reply.account() != null ? reply.account() : reply.instance());
        body.put("chatId", reply.replyTo() != null ? reply.replyTo() : reply.number() + "@c.us");
        body.put("text", reply.text());
        return new SendRequest("/api/sendText", reply.auth("X-Api-Key", ""), Json.write(body));
    }

    /**
     * Read: {@code POST /api/sendSeen} {@code {"session", "chatId", "messageIds", "messageId", "participant"}}
     * ({@code messageIds} for current WAHA, {@code messageId}, the newest, for versions before it);
     * typing: {@code POST /api/startTyping} {@code {"session", "chatId"}} (the reply ends it).
     */
    @Override
    public List<SendRequest> signals(GatewayReply chat, List<String> messageIds) {
        String session = chat.account() != null ? chat.account() : chat.instance();
        String chatId = chat.replyTo() != null ? chat.replyTo() : chat.number() + "@c.us";
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("session", session);
        seen.put("chatId", chatId);
        seen.put("messageIds", messageIds);
        seen.put("messageId", messageIds.get(messageIds.size() - 1));
        seen.put("participant", null);
        Map<String, Object> typing = new LinkedHashMap<>();
        typing.put("session", session);
        typing.put("chatId", chatId);
        return List.of(new SendRequest("/api/sendSeen", chat.auth("X-Api-Key", ""), Json.write(seen)),
                new SendRequest("/api/startTyping", chat.auth("X-Api-Key", ""), Json.write(typing)));
    }

    @Override
    public String messageId(JsonNode answer) {
        // WEBJS answers {"id": {"_serialized": ...}}, NOWEB / GOWS {"id": "..."} or {"key": {"id": ...}}
        return Json.first(answer, "id._serialized", "id", "key.id");
    }
}
