package app.clivy.aiworker.intake;

import app.clivy.aiworker.worker.WorkerSettings;
import app.clivy.aiworker.context.ContextSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

/**
 * Reads a gateway event ({@code {"event":"Message","instanceName":..,"data":{"Info":..,"Message":..}}})
 * into the row values the intake route stores, or says why it is ignored, or rejects it with a
 * {@link WebhookRejectedException} that names the problem.
 */
@Component("webhookEventParser")
public class WebhookEventParser {

    /** Message kinds whose caption is the customer's text. */
    private static final String[] CAPTIONED = {"imageMessage", "videoMessage", "documentMessage"};

    private final ObjectMapper json;
    private final int maxBodyBytes;
    private final boolean acceptGroups;
    private final int maxAttempts;
    private final int contextMessages;

    public WebhookEventParser(IntakeSettings intake, WorkerSettings worker, ContextSettings context) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(intake.maxJsonDepth()).build())
                .build();
        this.json = new ObjectMapper(factory);
        this.maxBodyBytes = intake.maxBodyBytes();
        this.acceptGroups = intake.acceptGroups();
        this.maxAttempts = worker.maxAttempts();
        this.contextMessages = context.messages();
    }

    /**
     * @return the values to store (keys match the named parameters of sql/intake-message.sql), or
     *         a map holding only {@code ignoredReason} when the event is not a customer's text
     */
    public Map<String, Object> parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw WebhookRejectedException.badRequest("request body is empty; expected a JSON gateway event");
        }
        if (body.length > maxBodyBytes) {
            throw new WebhookRejectedException(413, "payload_too_large",
                    "request body is " + body.length + " bytes; the limit is " + maxBodyBytes);
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw WebhookRejectedException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("unreadable body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw WebhookRejectedException.badRequest("body must be a JSON object");
        }
        String event = text(root, "event", "event", true);
        if (!"Message".equals(event)) {
            return ignored("event " + event + " is not a Message");
        }
        String instance = text(root, "instanceName", "instanceName", true);
        JsonNode data = object(root, "data", "data");
        JsonNode info = object(data, "Info", "data.Info");
        JsonNode message = object(data, "Message", "data.Message");
        String id = text(info, "ID", "data.Info.ID", true);
        String sender = text(info, "Sender", "data.Info.Sender", true);
        String chat = text(info, "Chat", "data.Info.Chat", false);
        String pushName = text(info, "PushName", "data.Info.PushName", false);
        boolean fromMe = flag(info, "IsFromMe", "data.Info.IsFromMe");
        boolean group = flag(info, "IsGroup", "data.Info.IsGroup");
        if (chat == null || chat.isBlank()) {
            chat = sender;
        }
        if (fromMe) {
            return ignored("message sent by this account (IsFromMe)");
        }
        if ((group || chat.endsWith("@g.us")) && !acceptGroups) {
            return ignored("group chats are not answered (ai-worker.intake.accept-groups=false)");
        }
        String text = customerText(message);
        if (text == null || text.isBlank()) {
            return ignored("message has no text or caption");
        }

        ObjectNode input = json.createObjectNode();
        input.put("instance", instance);
        input.put("chat", chat);
        input.put("sender", sender);
        input.put("push_name", pushName);
        input.put("message_id", id);
        input.put("text", text);

        Map<String, Object> row = new HashMap<>();
        row.put("instance", instance);
        row.put("chat", chat);
        row.put("gatewayMessageId", id);
        row.put("sender", sender);
        row.put("pushName", pushName);
        row.put("text", text);
        row.put("maxAttempts", maxAttempts);
        row.put("contextMessages", contextMessages);
        row.put("inputJson", input.toString());
        return row;
    }

    private static String customerText(JsonNode message) {
        String conversation = text(message, "conversation", "data.Message.conversation", false);
        if (conversation != null && !conversation.isBlank()) {
            return conversation;
        }
        JsonNode extended = message.get("extendedTextMessage");
        if (extended != null && !extended.isNull()) {
            if (!extended.isObject()) {
                throw WebhookRejectedException.badRequest("data.Message.extendedTextMessage must be an object");
            }
            String t = text(extended, "text", "data.Message.extendedTextMessage.text", false);
            if (t != null && !t.isBlank()) {
                return t;
            }
        }
        for (String kind : CAPTIONED) {
            JsonNode media = message.get(kind);
            if (media != null && !media.isNull()) {
                if (!media.isObject()) {
                    throw WebhookRejectedException.badRequest("data.Message." + kind + " must be an object");
                }
                String caption = text(media, "caption", "data.Message." + kind + ".caption", false);
                if (caption != null && !caption.isBlank()) {
                    return caption;
                }
            }
        }
        return null;
    }

    private static Map<String, Object> ignored(String reason) {
        Map<String, Object> result = new HashMap<>();
        result.put("ignoredReason", reason);
        return result;
    }

    private static JsonNode object(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw WebhookRejectedException.badRequest(path + " is missing");
        }
        if (!node.isObject()) {
            throw WebhookRejectedException.badRequest(path + " must be an object");
        }
        return node;
    }

    private static String text(JsonNode parent, String field, String path, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw WebhookRejectedException.badRequest(path + " is missing");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw WebhookRejectedException.badRequest(path + " must be a string");
        }
        String value = node.asText();
        if (required && value.isBlank()) {
            throw WebhookRejectedException.badRequest(path + " must not be empty");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw WebhookRejectedException.badRequest(path + " must not contain NUL characters");
        }
        if (hasLoneSurrogate(value)) {
            // a JSON escape such as \\ud800 alone decodes to half a character, which UTF-8 cannot store
            throw WebhookRejectedException.badRequest(path + " must be valid Unicode text (it holds an unpaired surrogate escape)");
        }
        return value;
    }

    private static boolean hasLoneSurrogate(String value) {
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

    private static boolean flag(JsonNode parent, String field, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw WebhookRejectedException.badRequest(path + " must be a boolean");
        }
        return node.booleanValue();
    }
}
