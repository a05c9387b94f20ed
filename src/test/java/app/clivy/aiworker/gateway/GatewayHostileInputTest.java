package app.clivy.aiworker.gateway;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every gateway's event with each of its fields replaced by a value of every other JSON type (and
 * a NUL text): never a 5xx, always a JSON answer, and what is refused stores nothing.
 */
class GatewayHostileInputTest extends GatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final JsonNode[] REPLACEMENTS = {F.numberNode(42), F.textNode("x"), F.booleanNode(true), F.nullNode(),
            F.arrayNode(), F.objectNode(), F.textNode("nul\u0000"), F.textNode("\ud800")};

    private Map<String, String> samples() {
        return Map.of(
                "evolution-go", """
                        {"event":"Message","instanceName":"%s","data":{"Info":{"ID":"h1","Chat":"628@s.whatsapp.net",
                         "Sender":"628@s.whatsapp.net","IsFromMe":false,"IsGroup":false,"PushName":"A","Timestamp":"2026-11-29T11:00:00Z"},
                         "Message":{"extendedTextMessage":{"text":"hi"}}}}""",
                "wuzapi", """
                        {"type":"Message","instanceName":"%s","event":{"Info":{"ID":"h2","Chat":"628@s.whatsapp.net",
                         "Sender":"628@s.whatsapp.net","IsFromMe":false},"Message":{"conversation":"hi"}}}""",
                "evolution-api", """
                        {"event":"messages.upsert","instance":"%s","data":{"key":{"remoteJid":"1@lid","fromMe":false,"id":"h3",
                         "addressingMode":"lid","remoteJidAlt":"628@s.whatsapp.net","participant":"6@s.whatsapp.net"},
                         "pushName":"A","message":{"imageMessage":{"caption":"hi"}},"messageTimestamp":1764414000}}""",
                "waha", """
                        {"event":"message","session":"%s","payload":{"id":"h4","from":"628@c.us","fromMe":false,"to":"6@c.us",
                         "participant":"6@c.us","body":"hi","timestamp":1764414000,"_data":{"notifyName":"A"}}}""",
                "cloud-api", """
                        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
                         "metadata":{"phone_number_id":"%s"},"contacts":[{"profile":{"name":"A"},"wa_id":"1"}],
                         "messages":[{"from":"1","id":"h5","timestamp":"1","type":"text","text":{"body":"hi"}}],
                         "statuses":[{"id":"s","status":"read"}]}}]}]}""");
    }

    @Test
    void everyFieldOfEveryGatewayWithEveryWrongTypeIsNeverA5xx() throws Exception {
        int posts = 0;
        for (Map.Entry<String, String> sample : samples().entrySet()) {
            JsonNode original = JSON.readTree(sample.getValue().formatted(instance));
            for (List<Object> path : paths(original, new ArrayList<>())) {
                for (JsonNode replacement : REPLACEMENTS) {
                    JsonNode mutated = original.deepCopy();
                    replace(mutated, path, replacement);
                    String body = mutated.toString();
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    // signed as that gateway signs: a refusal is then about the body, never the signature
                    String[] signature = switch (sample.getKey()) {
                        case "wuzapi" -> wuzapiSigned(bytes);
                        case "cloud-api" -> metaSigned(body);
                        default -> new String[0];
                    };
                    HttpResponse<String> res = postJson("/webhook/ai", body, signature);
                    posts++;
                    if (res.statusCode() == 401 && signature.length > 0) {
                        // the mutation made it another gateway's shape: a gateway's signature admits only its own
                        assertThat(res.body()).as(body).contains("admits only " + sample.getKey() + " posts");
                        continue;
                    }
                    assertThat(res.statusCode()).as(sample.getKey() + " " + path + " = " + replacement + ": " + res.body())
                            .isIn(200, 202, 400);
                    assertThat(res.body()).as(body).startsWith("{");
                    if (res.statusCode() == 400) {
                        assertThat(res.body()).contains("\"error\":\"invalid_request\"");
                    }
                }
            }
        }
        assertThat(posts).isGreaterThan(300);
        // nothing half-stored: every stored message has its job
        assertThat(db.queryForObject("""
                SELECT count(*) FROM messages m WHERE m.direction = 'in' AND NOT EXISTS (SELECT 1 FROM ai_jobs j WHERE j.message_id = m.id)""",
                Long.class)).isZero();
    }

    /** The path of every node below the root (field names and array indexes). */
    private static List<List<Object>> paths(JsonNode node, List<Object> prefix) {
        List<List<Object>> paths = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                List<Object> p = new ArrayList<>(prefix);
                p.add(name);
                paths.add(p);
                paths.addAll(paths(node.get(name), p));
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> p = new ArrayList<>(prefix);
                p.add(i);
                paths.add(p);
                paths.addAll(paths(node.get(i), p));
            }
        }
        return paths;
    }

    private static void replace(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode parent = root;
        for (Object step : path.subList(0, path.size() - 1)) {
            parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer i) {
            ((ArrayNode) parent).set(i, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
    }
}
