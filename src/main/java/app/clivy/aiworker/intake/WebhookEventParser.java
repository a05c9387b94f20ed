package app.clivy.aiworker.intake;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.context.ContextSettings;
import app.clivy.aiworker.gateway.Gateways;
import app.clivy.aiworker.gateway.InboundMessage;
import app.clivy.aiworker.gateway.MessageContent;
import app.clivy.aiworker.gateway.WhatsAppGateway;
import app.clivy.aiworker.http.HttpRefusal;
import app.clivy.aiworker.instances.ConversationDefaults;
import app.clivy.aiworker.instances.ConversationSettings;
import app.clivy.aiworker.worker.WorkerSettings;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Reads a webhook post into the row values the intake route stores, one per message, or says why
 * a message is ignored, or rejects the post with a {@link HttpRefusal} that names the
 * problem. Which gateway posted it: the path ({@code /webhook/ai/{gateway}}) when given, else the
 * shape ({@link Gateways#recognise}); each gateway's own fields are read by its
 * {@link WhatsAppGateway} bean. A form post ({@code application/x-www-form-urlencoded}, wuzapi's
 * default) carries the event as JSON in its {@code jsonData} field.
 */
@Component("webhookEventParser")
public class WebhookEventParser {

    private static final String WEBHOOK_PATH = "/webhook/ai";

    private final ObjectMapper json;
    private final Gateways gateways;
    private final boolean acceptGroups;
    private final int maxAttempts;
    private final int contextMessages;
    private final ConversationSettings conversations;
    private final int echoMinutes;

    public WebhookEventParser(Gateways gateways, IntakeSettings intake, WorkerSettings worker, ContextSettings context,
                              ConversationSettings conversations, ConversationDefaults conversation) {
        JsonFactory factory = JsonMappers.factoryBuilder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(intake.maxJsonDepth()).build())
                // strict: a key twice ("instanceName" of the signer, then another) and anything after the object are 400
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.json = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.gateways = gateways;
        this.acceptGroups = intake.acceptGroups();
        this.maxAttempts = worker.maxAttempts();
        this.contextMessages = context.messages();
        this.conversations = conversations;
        this.echoMinutes = conversation.echoMinutes();
    }

    /**
     * The route's step: body = the list of messages of the post, each the values to store (keys
     * the keys sql/intake-messages.sql reads through IntakeStore) or a map holding only
     * {@code ignoredReason}; variable {@code gateway} = the gateway's name.
     */
    public void parse(Exchange exchange) {
        var message = exchange.getMessage();
        WhatsAppGateway forced = forcedGateway(message.getHeader(Exchange.HTTP_URI, String.class));
        List<Map<String, Object>> rows = read(message.getBody(byte[].class),
                message.getHeader(Exchange.CONTENT_TYPE, String.class), forced, exchange);
        message.setBody(rows);
    }

    List<Map<String, Object>> read(byte[] body, String contentType, WhatsAppGateway forced, Exchange exchange) {
        if (body == null || body.length == 0) {
            throw HttpRefusal.badRequest("request body is empty; expected a JSON gateway event");
        }
        Map<String, String> fields = Map.of();
        byte[] event = body;
        boolean multipart = WebhookFormBody.isMultipart(contentType);
        if (WebhookFormBody.isForm(contentType) || multipart) {
            fields = multipart ? WebhookFormBody.multipartFields(body, contentType) : formFields(body);
            String jsonData = fields.get("jsonData");
            if (jsonData == null || jsonData.isBlank()) {
                throw HttpRefusal.badRequest("form post without a jsonData field");
            }
            event = jsonData.getBytes(StandardCharsets.UTF_8);
            if (forced == null) {
                forced = gateways.named(app.clivy.aiworker.gateway.Wuzapi.NAME);
            }
        }
        JsonNode root;
        try {
            root = json.readTree(event);
        } catch (JsonProcessingException e) {
            throw HttpRefusal.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HttpRefusal.badRequest("unreadable body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw HttpRefusal.badRequest("body must be a JSON object");
        }
        WhatsAppGateway gateway = forced != null ? forced : gateways.recognise(root);
        exchange.setVariable("gateway", gateway.name());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (InboundMessage m : gateway.read(root, fields)) {
            rows.add(row(m));
        }
        return rows;
    }

    private Map<String, Object> row(InboundMessage m) {
        if (m.isIgnored()) {
            return ignored(m.ignoredReason());
        }
        if (m.group() && !acceptGroups) {
            return ignored("group chats are not answered (ai-worker.intake.accept-groups=false)");
        }
        MessageContent content = m.content();
        if (content.kind() == MessageContent.Kind.EDIT || content.kind() == MessageContent.Kind.REVOKE) {
            // changes a message stored before (sql/intake-message-change.sql): no job, no second answer
            Map<String, Object> change = new HashMap<>();
            boolean edit = content.kind() == MessageContent.Kind.EDIT;
            change.put("change", edit ? "edit" : "revoke");
            change.put("changeStatus", edit ? "edited" : "revoked");
            change.put("instance", m.instance());
            change.put("target", content.target());
            change.put("text", content.text());
            return change;
        }
        if (content.kind() == MessageContent.Kind.REACTION) {
            return ignored("a reaction starts no job");
        }
        boolean hasText = m.text() != null && !m.text().isBlank();
        if (!hasText && !content.kind().isMedia()) {
            return ignored(content.kind() == MessageContent.Kind.TEXT ? "message has no text or caption"
                    : "a " + content.kind().label() + " message without text starts no job");
        }
        // a voice note, an image ... without text: stored as "[audio]" until the job reads it
        String text = hasText ? m.text() : "[" + content.kind().label() + "]";
        Map<String, Object> row = new HashMap<>();
        row.put("instance", m.instance());
        row.put("chat", m.chat());
        row.put("gatewayMessageId", m.messageId());
        row.put("sender", m.sender());
        row.put("pushName", m.pushName());
        row.put("text", text);
        row.put("gateway", m.gateway());
        row.put("gatewayAccount", m.account());
        row.put("replyTo", m.replyTo());
        row.put("sentAt", m.timestamp());
        if (m.fromMe()) {
            // written from the business phone: the echo of an AI reply, or a human agent (sql/intake-agent-message.sql)
            row.put("fromMe", true);
            row.put("echoMinutes", echoMinutes);
            row.put("handoffMinutes", conversations.handoffMinutes(m.instance()));
            return row;
        }
        ObjectNode input = json.createObjectNode();
        input.put("instance", m.instance());
        input.put("chat", m.chat());
        input.put("sender", m.sender());
        input.put("push_name", m.pushName());
        input.put("message_id", m.messageId());
        input.put("text", text);
        input.put("gateway", m.gateway());
        input.put("timestamp", m.timestamp());
        if (content.kind() != MessageContent.Kind.TEXT) {
            input.put("kind", content.kind().label());
            if (!hasText) {
                input.put("no_text", true);
            }
            if (content.media() != null) {
                input.set("media", MessageContent.storable(content.media()));
            }
        }

        row.put("fromMe", false);
        row.put("quietMs", conversations.quietMs(m.instance()));
        row.put("maxAttempts", maxAttempts);
        row.put("contextMessages", contextMessages);
        row.put("inputJson", input.toString());
        return row;
    }

    /** {@code /webhook/ai/{gateway}} names the gateway; {@code /webhook/ai} leaves it to the shape. */
    private WhatsAppGateway forcedGateway(String uri) {
        if (uri == null) {
            return null;
        }
        int at = uri.indexOf(WEBHOOK_PATH);
        String rest = at < 0 ? "" : uri.substring(at + WEBHOOK_PATH.length());
        int query = rest.indexOf('?');
        rest = query < 0 ? rest : rest.substring(0, query);
        if (rest.isEmpty() || rest.equals("/")) {
            return null;
        }
        String name = rest.substring(1).split("/")[0];
        WhatsAppGateway gateway = gateways.named(name);
        if (gateway == null) {
            throw new HttpRefusal(404, "unknown_gateway",
                    "no gateway named " + shorten(name) + "; the webhook paths are /webhook/ai and /webhook/ai/{"
                            + String.join("|", gateways.names()) + "}");
        }
        return gateway;
    }

    private static Map<String, String> formFields(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw HttpRefusal.badRequest("form body is not valid URL encoding");
            }
        }
        return fields;
    }

    private static String shorten(String s) {
        String safe = s.replaceAll("[^A-Za-z0-9._-]", "?");
        return safe.length() > 40 ? safe.substring(0, 40) + "..." : safe;
    }

    private static Map<String, Object> ignored(String reason) {
        Map<String, Object> result = new HashMap<>();
        result.put("ignoredReason", reason);
        return result;
    }
}
