package app.clivy.aiworker.operations;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.http.HttpRefusal;
import app.clivy.aiworker.instances.EffectiveSettings;
import app.clivy.aiworker.instances.InstanceDefaults;
import app.clivy.aiworker.instances.InstanceSettingsCache;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Reads and checks what the admin API's {@code /api/instances} is asked (routes/11-admin-api): the
 * instance of the path, and a settings body whose every bad field is answered 400 naming it; writes
 * the answer of GET one (stored values, effective values, today's spend).
 */
@Component("instanceSettingsApi")
public class InstanceSettingsApi {

    static final int MAX_PROMPT_CHARS = 20_000;
    static final int MAX_FALLBACKS = InstanceDefaults.MAX_FALLBACKS;
    static final long MAX_QUIET_MS = InstanceDefaults.MAX_QUIET_MS;
    public static final int MAX_HANDOFF_MINUTES = InstanceDefaults.MAX_HANDOFF_MINUTES;
    static final BigDecimal MAX_CAP = new BigDecimal("1000000");
    static final String MODEL_ID = InstanceDefaults.MODEL_ID;
    private static final Pattern MODEL = Pattern.compile(MODEL_ID);
    private static final Set<String> FIELDS = Set.of("system_prompt", "model", "fallback_models", "enabled",
            "quiet_ms", "handoff_minutes", "daily_spend_cap_usd",
            "agent", // how the AI behaves in a chat (agent/ChatKeywords, docs/agent.md)
            "knowledge_chars"); // knowledge budget per instance (docs/knowledge.md)
    // webhook credentials of the instance (docs/security.md): write-only, answered as *_set
    private static final Set<String> CREDENTIALS = Set.of("webhook_token", "webhook_hmac_secret");
    static final int MIN_CREDENTIAL_CHARS = 16;
    /** The largest knowledge budget of an instance (the preview's ?budget= has the same bound). */
    static final int MAX_KNOWLEDGE_CHARS = 100_000;
    static final int MAX_CREDENTIAL_CHARS = 512;

    private final ObjectMapper json = JsonMappers.create();
    private final InstanceSettingsCache settings;

    public InstanceSettingsApi(InstanceSettingsCache settings) {
        this.settings = settings;
    }

    /** The {@code {instance}} path parameter into variable {@code instance}, or 400. */
    public void pathInstance(Exchange exchange) {
        String instance = exchange.getMessage().getHeader("instance", String.class);
        if (instance == null || instance.isBlank() || instance.length() > 200) {
            throw HttpRefusal.badRequest("instance must be a non-empty name of at most 200 characters");
        }
        exchange.setVariable("instance", instance);
    }

    /**
     * A settings body into variable {@code settings} (the checked fields as JSON; null = default) and
     * {@code replace} (PUT: fields not given go back to their defaults; PATCH: they stay), or 400.
     */
    public void body(Exchange exchange, byte[] body, boolean replace) {
        JsonNode node = AdminApi.jsonObject(body, "any of " + String.join(", ", sorted()));
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name) && !CREDENTIALS.contains(name)) {
                throw HttpRefusal.badRequest(name + " is not a setting; the settings are "
                        + String.join(", ", sorted()) + ", webhook_token, webhook_hmac_secret");
            }
            JsonNode value = node.get(name);
            if (!value.isNull()) {
                check(name, value);
            }
        }
        exchange.setVariable("settings", node.toString());
        exchange.setVariable("replace", replace);
    }

    private static void check(String field, JsonNode value) {
        switch (field) {
            case "system_prompt" -> {
                if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > MAX_PROMPT_CHARS) {
                    throw bad(field, "a non-empty string of at most " + MAX_PROMPT_CHARS + " characters");
                }
            }
            case "model" -> {
                if (!value.isTextual() || !MODEL.matcher(value.asText()).matches()) {
                    throw bad(field, "an OpenRouter model id such as openai/gpt-4o");
                }
            }
            case "fallback_models" -> {
                if (!value.isArray() || value.size() > MAX_FALLBACKS) {
                    throw bad(field, "an array of at most " + MAX_FALLBACKS + " OpenRouter model ids");
                }
                Set<String> seen = new HashSet<>();
                for (JsonNode model : value) {
                    if (!model.isTextual() || !MODEL.matcher(model.asText()).matches() || !seen.add(model.asText())) {
                        throw bad(field, "an array of distinct OpenRouter model ids such as anthropic/claude-3.5-haiku");
                    }
                }
            }
            case "enabled" -> {
                if (!value.isBoolean()) {
                    throw bad(field, "true or false");
                }
            }
            case "quiet_ms" -> {
                if (!value.canConvertToExactIntegral() || value.asLong() < 0 || value.asLong() > MAX_QUIET_MS) {
                    throw bad(field, "a whole number of milliseconds from 0 to " + MAX_QUIET_MS);
                }
            }
            case "handoff_minutes" -> {
                if (!value.canConvertToExactIntegral() || value.asLong() < 0 || value.asLong() > MAX_HANDOFF_MINUTES) {
                    throw bad(field, "a whole number of minutes from 0 to " + MAX_HANDOFF_MINUTES);
                }
            }
            case "daily_spend_cap_usd" -> {
                if (!value.isNumber() || value.decimalValue().signum() < 0 || value.decimalValue().compareTo(MAX_CAP) > 0
                        || value.decimalValue().stripTrailingZeros().scale() > 4) {
                    throw bad(field, "a number of USD from 0 to " + MAX_CAP + " with at most 4 decimals");
                }
            }
            case "webhook_token", "webhook_hmac_secret" -> {
                if (!value.isTextual() || value.asText().length() < MIN_CREDENTIAL_CHARS
                        || value.asText().length() > MAX_CREDENTIAL_CHARS || !value.asText().matches("[\\x21-\\x7E]+")) {
                    throw bad(field, "a string of " + MIN_CREDENTIAL_CHARS + " to " + MAX_CREDENTIAL_CHARS
                            + " visible ASCII characters (or null to remove it)");
                }
            }
            case "agent" -> app.clivy.aiworker.agent.ChatKeywords.check(value);
            // knowledge budget per instance
            case "knowledge_chars" -> {
                if (!value.canConvertToExactIntegral() || value.asLong() < 0 || value.asLong() > MAX_KNOWLEDGE_CHARS) {
                    throw bad(field, "a whole number of characters from 0 to " + MAX_KNOWLEDGE_CHARS);
                }
            }
            default -> throw new IllegalArgumentException(field);
        }
    }

    private static HttpRefusal bad(String field, String expected) {
        return HttpRefusal.badRequest(field + " must be " + expected);
    }

    private static String[] sorted() {
        return FIELDS.stream().sorted().toArray(String[]::new);
    }

    private JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** GET one: {@code {instance, stored: {...}, effective: {...}, spent_today_usd, cap_alerted_at}}. */
    public String describe(Map<String, Object> row) {
        String instance = String.valueOf(row.get("instance"));
        ObjectNode answer = json.createObjectNode();
        answer.put("instance", instance);
        ObjectNode stored = answer.putObject("stored");
        for (String field : sorted()) {
            Object value = row.get(field);
            if ("agent".equals(field)) {
                stored.set(field, value == null ? null : readJson(String.valueOf(value)));
                continue;
            }
            stored.set(field, json.valueToTree(value instanceof java.sql.Array ? InstanceSettingsCache.models(value) : value));
        }
        // the instance's webhook credentials: whether each is set, never the value
        stored.put("webhook_token_set", Boolean.TRUE.equals(row.get("webhook_token_set")));
        stored.put("webhook_hmac_secret_set", Boolean.TRUE.equals(row.get("webhook_hmac_secret_set")));
        answer.put("updated_at", row.get("updated_at") == null ? null : String.valueOf(row.get("updated_at")));
        EffectiveSettings s = settings.merge(instance, row.get("updated_at") == null ? null : row);
        ObjectNode effective = answer.putObject("effective");
        effective.put("system_prompt", s.systemPrompt());
        effective.put("model", s.model());
        ArrayNode fallbacks = effective.putArray("fallback_models");
        s.fallbackModels().forEach(fallbacks::add);
        effective.put("enabled", s.enabled());
        effective.put("quiet_ms", s.quietMs());
        effective.put("handoff_minutes", s.handoffMinutes());
        effective.put("daily_spend_cap_usd", s.dailySpendCapUsd());
        effective.put("knowledge_chars", s.knowledgeChars()); // knowledge budget per instance
        answer.put("spent_today_usd", (BigDecimal) row.get("spent_today_usd"));
        answer.put("cap_alerted_at", row.get("cap_alerted_at") == null ? null : String.valueOf(row.get("cap_alerted_at")));
        return answer.toString();
    }
}
