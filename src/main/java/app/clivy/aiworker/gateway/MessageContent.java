package app.clivy.aiworker.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import static app.clivy.aiworker.gateway.EventFields.optionalObject;


/**
 * What a WhatsApp message proto object (as whatsmeow and Baileys write it: Evolution GO, wuzapi,
 * Evolution API) says, once its wrappers are taken off: ephemeral ({@code ephemeralMessage}),
 * view-once ({@code viewOnceMessage}, {@code V2}, {@code V2Extension}), {@code documentWithCaptionMessage}
 * and {@code editedMessage} each hold the real message under {@code .message}.
 *
 * @param kind   what the customer sent
 * @param text   the text, caption or tapped button's title (null: none)
 * @param target an edit's or a delete's message id (null otherwise)
 * @param media  the media object ({@code audioMessage}, {@code imageMessage}, ...) of a media kind, else null
 */
public record MessageContent(Kind kind, String text, String target, JsonNode media) {

    /** What a message is; {@link #answerable} ones start a job. */
    public enum Kind {
        TEXT, TAP, EDIT, REVOKE, AUDIO, IMAGE, DOCUMENT, VIDEO, STICKER, LOCATION, CONTACT, REACTION,
        /** media the gateway did not hand over (a view-once file it could not fetch): a short reply */
        UNSUPPORTED,
        /** a message of no interest to a desk (protocol, key distribution, poll update ...): no job */
        OTHER;

        /** Kinds that start a job even without text (the job fetches the media or answers shortly). */
        public boolean isMedia() {
            return switch (this) {
                case AUDIO, IMAGE, DOCUMENT, VIDEO, STICKER, LOCATION, CONTACT, UNSUPPORTED -> true;
                default -> false;
            };
        }

        /** The name stored in {@code input_json.kind} and shown by the admin API. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final String[] WRAPPERS = {"ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2",
            "viewOnceMessageV2Extension", "documentWithCaptionMessage", "editedMessage"};
    /** protocolMessage types (WhatsApp's ProtocolMessage.Type): 0 REVOKE, 14 MESSAGE_EDIT; Baileys may write the name. */
    private static final int REVOKE = 0;
    private static final int MESSAGE_EDIT = 14;

    /**
     * The same content with extra fields on its media object (what the job needs to fetch the file:
     * Evolution API's message key, base64 a gateway posted with the message); thumbnails dropped.
     */
    public MessageContent withMedia(java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> extra) {
        if (media == null || !media.isObject()) {
            return this;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) media).deepCopy();
        copy.remove("jpegThumbnail");
        copy.remove("JPEGThumbnail");
        extra.accept(copy);
        return new MessageContent(kind, text, target, copy);
    }

    /**
     * A copy of a media object fit to store: strings PostgreSQL's jsonb refuses (a NUL, an unpaired
     * surrogate) are left out, as are thumbnails. The fields the download needs are plain tokens.
     */
    public static JsonNode storable(JsonNode media) {
        if (media == null || !media.isObject()) {
            return null;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) media).deepCopy();
        clean(copy);
        return copy;
    }

    private static void clean(com.fasterxml.jackson.databind.node.ObjectNode node) {
        var names = new java.util.ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode value = node.get(name);
            if (name.indexOf('\u0000') >= 0 || EventFields.hasLoneSurrogate(name)
                    || value.isTextual() && (value.asText().indexOf('\u0000') >= 0 || EventFields.hasLoneSurrogate(value.asText()))
                    || value.isArray() || name.equalsIgnoreCase("jpegThumbnail")) {
                node.remove(name);
            } else if (value.isObject()) {
                clean((com.fasterxml.jackson.databind.node.ObjectNode) value);
            }
        }
    }

    public static MessageContent plain(String text) {
        return new MessageContent(Kind.TEXT, text, null, null);
    }

    /** Reads a message proto object at {@code path} (for error messages). */
    public static MessageContent of(JsonNode message, String path) {
        // wrappers may nest (a view-once inside an ephemeral chat); a bounded unwrap
        for (int depth = 0; depth < 6; depth++) {
            JsonNode inner = null;
            for (String wrapper : WRAPPERS) {
                JsonNode w = optionalObject(message, wrapper, path + "." + wrapper);
                if (w != null) {
                    inner = optionalObject(w, "message", path + "." + wrapper + ".message");
                    path = path + "." + wrapper + ".message";
                    break;
                }
            }
            if (inner == null) {
                break;
            }
            message = inner;
        }
        JsonNode protocol = optionalObject(message, "protocolMessage", path + ".protocolMessage");
        if (protocol != null) {
            return protocol(protocol, path + ".protocolMessage");
        }
        String conversation = EventFields.text(message, "conversation", path + ".conversation", false);
        if (conversation != null && !conversation.isBlank()) {
            return plain(conversation);
        }
        JsonNode extended = optionalObject(message, "extendedTextMessage", path + ".extendedTextMessage");
        if (extended != null) {
            String t = EventFields.text(extended, "text", path + ".extendedTextMessage.text", false);
            if (t != null && !t.isBlank()) {
                return plain(t);
            }
        }
        String tap = tap(message, path);
        if (tap != null) {
            return new MessageContent(Kind.TAP, tap, null, null);
        }
        for (Kind kind : new Kind[] {Kind.IMAGE, Kind.VIDEO, Kind.DOCUMENT, Kind.AUDIO, Kind.STICKER}) {
            String field = kind.label() + "Message";
            JsonNode media = optionalObject(message, field, path + "." + field);
            if (media != null) {
                String caption = EventFields.text(media, "caption", path + "." + field + ".caption", false);
                return new MessageContent(kind, caption == null || caption.isBlank() ? null : caption, null, media);
            }
        }
        if (message.has("locationMessage") || message.has("liveLocationMessage")) {
            return new MessageContent(Kind.LOCATION, null, null, null);
        }
        if (message.has("contactMessage") || message.has("contactsArrayMessage")) {
            return new MessageContent(Kind.CONTACT, null, null, null);
        }
        if (message.has("reactionMessage")) {
            return new MessageContent(Kind.REACTION, null, null, null);
        }
        return new MessageContent(Kind.OTHER, null, null, null);
    }

    /** The title of the button or list row the customer tapped, or null. */
    private static String tap(JsonNode message, String path) {
        JsonNode buttons = optionalObject(message, "buttonsResponseMessage", path + ".buttonsResponseMessage");
        if (buttons != null) {
            return firstText(buttons, path + ".buttonsResponseMessage", "selectedDisplayText", "selectedButtonId", "selectedButtonID");
        }
        JsonNode template = optionalObject(message, "templateButtonReplyMessage", path + ".templateButtonReplyMessage");
        if (template != null) {
            return firstText(template, path + ".templateButtonReplyMessage", "selectedDisplayText", "selectedId", "selectedID");
        }
        JsonNode list = optionalObject(message, "listResponseMessage", path + ".listResponseMessage");
        if (list != null) {
            String title = firstText(list, path + ".listResponseMessage", "title");
            if (title != null) {
                return title;
            }
            JsonNode single = optionalObject(list, "singleSelectReply", path + ".listResponseMessage.singleSelectReply");
            return single == null ? null
                    : firstText(single, path + ".listResponseMessage.singleSelectReply", "selectedRowId", "selectedRowID");
        }
        return null;
    }

    private static MessageContent protocol(JsonNode protocol, String path) {
        JsonNode typeNode = protocol.path("type");
        int type = typeNode.isNumber() ? typeNode.intValue()
                : "MESSAGE_EDIT".equals(typeNode.asText()) ? MESSAGE_EDIT
                : "REVOKE".equals(typeNode.asText()) ? REVOKE : -1;
        JsonNode key = optionalObject(protocol, "key", path + ".key");
        String target = key == null ? null : firstText(key, path + ".key", "id", "ID");
        if (type == MESSAGE_EDIT && target != null) {
            JsonNode edited = optionalObject(protocol, "editedMessage", path + ".editedMessage");
            MessageContent inner = edited == null ? null : of(edited, path + ".editedMessage");
            return new MessageContent(Kind.EDIT, inner == null ? null : inner.text(), target, null);
        }
        if (type == REVOKE && target != null) {
            return new MessageContent(Kind.REVOKE, null, target, null);
        }
        return new MessageContent(Kind.OTHER, null, null, null);
    }

    private static String firstText(JsonNode node, String path, String... fields) {
        for (String field : fields) {
            String value = EventFields.text(node, field, path + "." + field, false);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
