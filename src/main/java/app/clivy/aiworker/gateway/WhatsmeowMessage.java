package app.clivy.aiworker.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import static app.clivy.aiworker.gateway.EventFields.flag;
import static app.clivy.aiworker.gateway.EventFields.object;
import static app.clivy.aiworker.gateway.EventFields.rfc3339;
import static app.clivy.aiworker.gateway.EventFields.text;
import static app.clivy.aiworker.gateway.EventFields.user;

/** A whatsmeow {@code events.Message} ({@code {"Info": {...}, "Message": {...}}}): Evolution GO and wuzapi post it. */
final class WhatsmeowMessage {

    private WhatsmeowMessage() {
    }

    /** @param path where {@code data} sits in the event, for error messages ({@code data}, {@code event}) */
    static InboundMessage read(String gateway, String instance, JsonNode data, String path) {
        JsonNode info = object(data, "Info", path + ".Info");
        JsonNode message = object(data, "Message", path + ".Message");
        String id = text(info, "ID", path + ".Info.ID", true);
        String sender = text(info, "Sender", path + ".Info.Sender", true);
        String chat = text(info, "Chat", path + ".Info.Chat", false);
        String pushName = text(info, "PushName", path + ".Info.PushName", false);
        boolean fromMe = flag(info, "IsFromMe", path + ".Info.IsFromMe");
        boolean group = flag(info, "IsGroup", path + ".Info.IsGroup");
        if (chat == null || chat.isBlank()) {
            chat = sender;
        }
        // Evolution GO (with its base64 option) posts the file itself beside the message proto
        JsonNode base64 = message.get("base64");
        MessageContent content = MessageContent.of(message, path + ".Message")
                .withMedia(media -> {
                    if (base64 != null && base64.isTextual()) {
                        media.set("base64", base64);
                    }
                });
        return new InboundMessage(gateway, instance, chat, sender, id, fromMe, group || chat.endsWith("@g.us"),
                pushName, content.text(), rfc3339(info, "Timestamp"), address(chat), null, null, content);
    }

    /**
     * The chat as whatsmeow's send APIs route it: a phone chat as its number (both gateways make
     * {@code <digits>@s.whatsapp.net} of bare digits), any other chat (a LID {@code ...@lid}, a group)
     * as its full JID, which both parse as given. Bare digits of a LID would become a phone JID: a
     * number that does not exist, or a stranger's.
     */
    static String address(String chat) {
        return chat.endsWith("@s.whatsapp.net") ? user(chat) : chat;
    }
}
