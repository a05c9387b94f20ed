package app.clivy.aiworker.gateway;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import app.clivy.aiworker.http.HttpRefusal;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads fields of a webhook event, rejecting (400) a field of the wrong type with its path, e.g.
 * {@code data.Info.ID must be a string}. Text must be storable: no NUL, no unpaired surrogate.
 */
public final class EventFields {

    private EventFields() {
    }

    public static JsonNode object(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw HttpRefusal.badRequest(path + " is missing");
        }
        if (!node.isObject()) {
            throw HttpRefusal.badRequest(path + " must be an object");
        }
        return node;
    }

    /** An optional object: null when absent. */
    public static JsonNode optionalObject(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw HttpRefusal.badRequest(path + " must be an object");
        }
        return node;
    }

    /** An optional array: empty when absent. */
    public static JsonNode array(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!node.isArray()) {
            throw HttpRefusal.badRequest(path + " must be an array");
        }
        return node;
    }

    public static String text(JsonNode parent, String field, String path, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw HttpRefusal.badRequest(path + " is missing");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw HttpRefusal.badRequest(path + " must be a string");
        }
        return checked(node.asText(), path, required);
    }

    /** A field some gateways send as a string and others as a number (ids, timestamps). */
    public static String scalar(JsonNode parent, String field, String path, boolean required) {
        JsonNode node = parent.get(field);
        if (node != null && node.isNumber()) {
            return node.asText();
        }
        return text(parent, field, path, required);
    }

    public static boolean flag(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw HttpRefusal.badRequest(path + " must be a boolean");
        }
        return node.booleanValue();
    }

    /** Unix seconds (a number or a numeric string) as an ISO instant; null when absent or not numeric. */
    public static String epochSeconds(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String value = node.asText().strip();
        if (!value.matches("\\d{1,12}")) {
            return null;
        }
        return Instant.ofEpochSecond(Long.parseLong(value)).toString();
    }

    /** An RFC 3339 timestamp (whatsmeow's {@code Info.Timestamp}) as an ISO instant; null when absent or unreadable. */
    public static String rfc3339(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(node.asText()).toInstant().toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The customer's text of a WhatsApp message proto object ({@code conversation},
     * {@code extendedTextMessage.text}, a media caption or a tapped button, inside any wrapper); null
     * when it has none. See {@link MessageContent}.
     */
    public static String messageText(JsonNode message, String path) {
        return MessageContent.of(message, path).text();
    }

    /** The number part of a JID: {@code 628123@s.whatsapp.net} (or {@code @c.us}) is {@code 628123}. */
    public static String user(String jid) {
        int at = jid.indexOf('@');
        return at < 0 ? jid : jid.substring(0, at);
    }

    /** The one chat form every gateway's messages are stored under: a phone chat as {@code <number>@s.whatsapp.net}. */
    public static String phoneJid(String address) {
        if (address.endsWith("@c.us")) {
            return user(address) + "@s.whatsapp.net";
        }
        if (address.indexOf('@') < 0 && address.matches("\\+?\\d+")) {
            return address.replace("+", "") + "@s.whatsapp.net";
        }
        return address;
    }

    static String checked(String value, String path, boolean required) {
        if (required && value.isBlank()) {
            throw HttpRefusal.badRequest(path + " must not be empty");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw HttpRefusal.badRequest(path + " must not contain NUL characters");
        }
        if (hasLoneSurrogate(value)) {
            // a JSON escape such as \\ud800 alone decodes to half a character, which UTF-8 cannot store
            throw HttpRefusal.badRequest(path + " must be valid Unicode text (it holds an unpaired surrogate escape)");
        }
        return value;
    }

    static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
