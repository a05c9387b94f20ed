package app.clivy.aiworker.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import static app.clivy.aiworker.gateway.EventFields.object;
import static app.clivy.aiworker.gateway.EventFields.text;

/**
 * wuzapi (whatsmeow based): {@code {"type": "Message", "event": {"Info": ..., "Message": ...}}},
 * posted as JSON (with {@code instanceName}) or, by default, as a form whose {@code jsonData} field
 * holds that object (and {@code instanceName} a field of its own). Replies: {@code POST
 * /chat/send/text} {@code {"Phone", "Body"}} with header {@code token}; path, header and field names
 * are the settings {@code ai-worker.gateway.path / token-header / phone-field / body-field}, so this
 * is also the dialect of a reply whose gateway is unknown (as before gateways were told apart).
 */
@Component
public class Wuzapi implements WhatsAppGateway {

    public static final String NAME = "wuzapi";
    private final String path;
    private final String tokenHeader;
    private final String phoneField;
    private final String bodyField;
    private final GatewayInstances instances;

    @Autowired
    public Wuzapi(GatewaySettings settings, GatewayInstances instances) {
        this(settings.path(), settings.tokenHeader(), settings.phoneField(), settings.bodyField(), instances);
    }

    public Wuzapi(String path, String tokenHeader, String phoneField, String bodyField) {
        this(path, tokenHeader, phoneField, bodyField, new GatewayInstances(Map.of()));
    }

    public Wuzapi(String path, String tokenHeader, String phoneField, String bodyField, GatewayInstances instances) {
        this.path = path;
        this.tokenHeader = tokenHeader;
        this.phoneField = phoneField;
        this.bodyField = bodyField;
        this.instances = instances;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean recognises(JsonNode event) {
        return event.path("type").isTextual() && event.path("event").isObject();
    }

    @Override
    public List<InboundMessage> read(JsonNode event, Map<String, String> fields) {
        String type = text(event, "type", "type", true);
        if (!"Message".equals(type)) {
            return List.of(InboundMessage.ignored(NAME, "event type " + type + " is not a Message"));
        }
        String instance = field(event, fields, "instanceName");
        if (instance == null) {
            // wuzapi versions that name no instance: the user's token (its send credential) or its userID
            // mapped to an instance in the gateway settings; else the userID itself, as before
            String userId = field(event, fields, "userID");
            instance = instances.byToken(field(event, fields, "token"));
            if (instance == null) {
                instance = instances.byWuzapiUser(userId);
            }
            if (instance == null) {
                instance = userId;
            }
            if (instance == null) {
                throw app.clivy.aiworker.http.HttpRefusal.badRequest("instanceName is missing, and neither "
                        + "the post's token nor its userID names an instance (ai-worker.gateway.instances.<instance>.token "
                        + "or .wuzapi-user-id)");
            }
        }
        EventFields.checked(instance, "instanceName", true);
        return List.of(WhatsmeowMessage.read(NAME, instance, object(event, "event", "event"), "event"));
    }

    /** A non-blank field of the form post, else of the JSON object; null when neither has it. */
    private static String field(JsonNode event, Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isBlank()) {
            value = event.path(name).isValueNode() ? event.path(name).asText() : null;
        }
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public SendRequest request(GatewayReply reply) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(phoneField, WhatsmeowMessage.address(reply.chat()));
        body.put(bodyField, reply.text());
        return new SendRequest(path, reply.auth(tokenHeader, ""),
                Json.write(body));
    }

    /**
     * Read: {@code POST /chat/markread} {@code {"Id": [...], "Chat"}}; typing: {@code POST /chat/presence}
     * {@code {"Phone", "State": "composing", "Media": ""}}; under the same prefix as the send path
     * ({@code ai-worker.gateway.path} ending in {@code /chat/send/text}), with the same token header.
     */
    @Override
    public List<SendRequest> signals(GatewayReply chat, List<String> messageIds) {
        String prefix = path.endsWith("/chat/send/text") ? path.substring(0, path.length() - "/chat/send/text".length()) : "";
        Map<String, Object> read = new LinkedHashMap<>();
        read.put("Id", messageIds);
        read.put("Chat", chat.chat());
        Map<String, Object> typing = new LinkedHashMap<>();
        typing.put("Phone", WhatsmeowMessage.address(chat.chat()));
        typing.put("State", "composing");
        typing.put("Media", "");
        return List.of(new SendRequest(prefix + "/chat/markread", chat.auth(tokenHeader, ""), Json.write(read)),
                new SendRequest(prefix + "/chat/presence", chat.auth(tokenHeader, ""), Json.write(typing)));
    }

    @Override
    public String messageId(JsonNode answer) {
        return Json.first(answer, "data.Id", "data.id", "data.ID", "data.MessageID", "data.messageId",
                "Id", "id", "ID", "MessageID", "messageId");
    }
}
