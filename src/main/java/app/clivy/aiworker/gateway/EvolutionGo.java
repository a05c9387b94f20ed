package app.clivy.aiworker.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

import static app.clivy.aiworker.gateway.EventFields.object;
import static app.clivy.aiworker.gateway.EventFields.text;

/**
 * Evolution GO (whatsmeow based), the reference card's shape: {@code {"event": "Message",
 * "instanceName": ..., "data": {"Info": ..., "Message": ...}}}. The shape {@code POST /webhook/ai}
 * assumes when no other gateway's fields are there. Replies: {@code POST /send/text}
 * {@code {"number", "text"}} with header {@code apikey}.
 */
@Component
public class EvolutionGo implements WhatsAppGateway {

    public static final String NAME = "evolution-go";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean recognises(JsonNode event) {
        return event.path("event").isTextual() && (event.has("instanceName") || event.has("instanceId"))
                && event.path("data").has("Info");
    }

    @Override
    public List<InboundMessage> read(JsonNode event, Map<String, String> fields) {
        String type = text(event, "event", "event", true);
        if (!"Message".equals(type)) {
            return List.of(InboundMessage.ignored(NAME, "event " + type + " is not a Message"));
        }
        String instance = text(event, "instanceName", "instanceName", false);
        if (instance == null || instance.isBlank()) {
            // posts of some versions name the instance by its id only
            instance = text(event, "instanceId", "instanceName (or instanceId)", true);
        }
        return List.of(WhatsmeowMessage.read(NAME, instance, object(event, "data", "data"), "data"));
    }

    @Override
    public SendRequest request(GatewayReply reply) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("number", WhatsmeowMessage.address(reply.chat()));
        body.put("text", reply.text());
        return new SendRequest("/send/text", reply.auth("apikey", ""), Json.write(body));
    }

    /**
     * Read: {@code POST /message/markread} {@code {"id": [...], "number"}}; typing: {@code POST
     * /message/presence} {@code {"number", "state": "composing", "isAudio": false}}.
     */
    @Override
    public List<SendRequest> signals(GatewayReply chat, List<String> messageIds) {
        String number = WhatsmeowMessage.address(chat.chat());
        Map<String, Object> read = new LinkedHashMap<>();
        read.put("id", messageIds);
        read.put("number", number);
        Map<String, Object> typing = new LinkedHashMap<>();
        typing.put("number", number);
        typing.put("state", "composing");
        typing.put("isAudio", false);
        return List.of(new SendRequest("/message/markread", chat.auth("apikey", ""), Json.write(read)),
                new SendRequest("/message/presence", chat.auth("apikey", ""), Json.write(typing)));
    }

    @Override
    public String messageId(JsonNode answer) {
        return Json.first(answer, "data.Info.ID", "data.ID", "data.Id", "data.id", "data.key.id", "id");
    }
}
