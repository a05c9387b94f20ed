package app.clivy.aiworker.gateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

import static app.clivy.aiworker.gateway.EventFields.epochSeconds;
import static app.clivy.aiworker.gateway.EventFields.flag;
import static app.clivy.aiworker.gateway.EventFields.object;
import static app.clivy.aiworker.gateway.EventFields.optionalObject;
import static app.clivy.aiworker.gateway.EventFields.text;
import static app.clivy.aiworker.gateway.EventFields.user;

/**
 * Evolution API v2 (Baileys based): {@code {"event": "messages.upsert", "instance": ..., "data":
 * {"key": {"remoteJid", "fromMe", "id", ...}, "pushName", "message": {...}, "messageTimestamp"}}}.
 * Other events ({@code messages.update}, {@code connection.update}, {@code send.message} ...) start
 * no job. The LID trap: with {@code key.addressingMode = "lid"} the {@code remoteJid} is a LID
 * ({@code ...@lid}) and the phone JID is {@code key.remoteJidAlt}: the chat is stored under the phone
 * JID (the same chat as its other messages) and the reply goes to that number. Replies:
 * {@code POST /message/sendText/{instance}} {@code {"number", "text"}} with header {@code apikey}.
 */
@Component
public class EvolutionApi implements WhatsAppGateway {

    public static final String NAME = "evolution-api";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean recognises(JsonNode event) {
        return event.path("event").isTextual() && event.path("instance").isTextual() && !event.has("instanceName");
    }

    @Override
    public List<InboundMessage> read(JsonNode event, Map<String, String> fields) {
        String type = text(event, "event", "event", true);
        // "messages.upsert", or "MESSAGES_UPSERT" as the event settings name it
        if (!"messages.upsert".equals(type.toLowerCase(Locale.ROOT).replace('_', '.'))) {
            return List.of(InboundMessage.ignored(NAME, "event " + type + " is not messages.upsert"));
        }
        String instance = text(event, "instance", "instance", true);
        JsonNode data = event.get("data");
        List<InboundMessage> messages = new ArrayList<>();
        if (data != null && data.isArray()) {
            for (int i = 0; i < data.size(); i++) {
                messages.add(message(instance, data.get(i), "data[" + i + "]"));
            }
        } else {
            messages.add(message(instance, object(event, "data", "data"), "data"));
        }
        return messages;
    }

    private InboundMessage message(String instance, JsonNode data, String path) {
        if (!data.isObject()) {
            throw app.clivy.aiworker.http.HttpRefusal.badRequest(path + " must be an object");
        }
        JsonNode key = object(data, "key", path + ".key");
        String id = text(key, "id", path + ".key.id", true);
        String remoteJid = text(key, "remoteJid", path + ".key.remoteJid", true);
        String alt = text(key, "remoteJidAlt", path + ".key.remoteJidAlt", false);
        String participant = text(key, "participant", path + ".key.participant", false);
        boolean fromMe = flag(key, "fromMe", path + ".key.fromMe");
        String chat = remoteJid;
        if (remoteJid.endsWith("@lid") && alt != null && alt.endsWith("@s.whatsapp.net")) {
            chat = alt;
        }
        boolean group = chat.endsWith("@g.us");
        String sender = group && participant != null ? participant : chat;
        String pushName = text(data, "pushName", path + ".pushName", false);
        JsonNode message = optionalObject(data, "message", path + ".message");
        MessageContent content = message == null ? new MessageContent(MessageContent.Kind.OTHER, null, null, null)
                : MessageContent.of(message, path + ".message").withMedia(media -> {
                    // getBase64FromMediaMessage takes the message key; with webhook_base64 on, the file is in the post
                    media.set("key", key);
                    if (message.path("base64").isTextual()) {
                        media.set("base64", message.get("base64"));
                    }
                });
        // a LID without its phone JID is answered at the LID, which the gateway resolves
        String replyTo = chat.endsWith("@s.whatsapp.net") ? user(chat) : chat;
        return new InboundMessage(NAME, instance, chat, sender, id, fromMe, group, pushName, content.text(),
                epochSeconds(data, "messageTimestamp"), replyTo, instance, null, content);
    }

    @Override
    public SendRequest request(GatewayReply reply) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("number", reply.replyTo() != null ? reply.replyTo() : reply.number());
        body.put("text", reply.text());
        String instance = reply.account() != null ? reply.account() : reply.instance();
        return new SendRequest("/message/sendText/" + URLEncoder.encode(instance, StandardCharsets.UTF_8).replace("+", "%20"),
                reply.auth("apikey", ""), Json.write(body));
    }

    /**
     * Read: {@code POST /chat/markMessageAsRead/{instance}} {@code {"readMessages": [{"remoteJid", "fromMe",
     * "id"}]}}; typing: {@code POST /chat/sendPresence/{instance}} {@code {"number", "presence": "composing",
     * "delay"}} (the gateway answers after the delay, then sends "paused"; WhatsApp drops the indicator at
     * the reply anyway).
     */
    @Override
    public List<SendRequest> signals(GatewayReply chat, List<String> messageIds) {
        String instance = URLEncoder.encode(chat.account() != null ? chat.account() : chat.instance(), StandardCharsets.UTF_8)
                .replace("+", "%20");
        List<Map<String, Object>> keys = new ArrayList<>();
        for (String id : messageIds) {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("remoteJid", chat.chat());
            key.put("fromMe", false);
            key.put("id", id);
            keys.add(key);
        }
        Map<String, Object> presence = new LinkedHashMap<>();
        presence.put("number", chat.replyTo() != null ? chat.replyTo() : chat.number());
        presence.put("presence", "composing");
        presence.put("delay", TYPING_MS);
        return List.of(new SendRequest("/chat/markMessageAsRead/" + instance, chat.auth("apikey", ""),
                        Json.write(Map.of("readMessages", keys))),
                new SendRequest("/chat/sendPresence/" + instance, chat.auth("apikey", ""), Json.write(presence)));
    }

    /** How long Evolution API shows "typing..." (WhatsApp's own limit is about 25 s; the reply ends it sooner). */
    public static final int TYPING_MS = 20000;

    @Override
    public String messageId(JsonNode answer) {
        return Json.first(answer, "key.id", "data.key.id", "id");
    }
}
