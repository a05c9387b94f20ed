package app.clivy.aiworker.agent;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.http.HttpRefusal;
import app.clivy.aiworker.instances.InstanceSettingsCache;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * Keywords per instance (docs/agent.md): a customer message that is an opt-out word silences the AI
 * for that contact until the contact's start word or an operator turns it on again; with start words
 * set, the AI answers a chat only after one. A keyword is the whole message (case, spaces and
 * punctuation around it do not matter), never a word inside a sentence. The words and the
 * confirmations are the instance's {@code agent} settings (instance_settings.agent, admin API), else
 * the defaults of {@code ai-worker.agent.*}.
 */
@Component("chatKeywords")
public class ChatKeywords {

    /** The fields of an instance's {@code agent} settings object (admin API). */
    public static final List<String> FIELDS = java.util.stream.Stream.of(
            List.of("opt_out_words", "start_words", "opt_out_message", "opt_in_message"),
            OpeningHours.FIELDS, // opening hours (agent/OpeningHours)
            // the instance's own hand-over message; read and typing signals on or off (#25, 25b)
            List.of("handover_message", "read_and_typing"),
            // the number's health: the instance's own alert URL (agent/AlertUrl)
            List.of("alert_url"))
            .flatMap(List::stream).toList();

    private final ObjectMapper json = JsonMappers.create();
    private final AgentSettings defaults;
    private final InstanceSettingsCache instances;

    public ChatKeywords(AgentSettings defaults, InstanceSettingsCache instances) {
        this.defaults = defaults;
        this.instances = instances;
    }

    /** What the customer's message is: {@code opt_out}, {@code start}, or {@code none}. */
    public String keyword(String instance, String inputJson) throws Exception {
        String text = normal(json.readTree(inputJson).path("text").asText(""));
        if (text.isEmpty()) {
            return "none";
        }
        if (words(instance, "opt_out_words", defaults.optOutWords()).contains(text)) {
            return "opt_out";
        }
        List<String> start = new ArrayList<>(words(instance, "start_words", defaults.startWords()));
        defaults.optInWords().forEach(w -> start.add(normal(w)));
        return start.contains(text) ? "start" : "none";
    }

    /**
     * The contact's switch as the claim read it ({@code chat_switch} of sql/claim-jobs.sql:
     * {@code opted_out}, {@code started} or null), for a message that is no keyword: it changes nothing.
     */
    public java.util.Map<String, Object> unchanged(String claimed) {
        boolean optedOut = "opted_out".equals(claimed);
        return java.util.Map.of("was_opted_out", optedOut, "opted_out", optedOut, "started", "started".equals(claimed));
    }

    /** Whether the instance answers a chat only after one of its start words. */
    public boolean startWordsRequired(String instance) {
        return !words(instance, "start_words", defaults.startWords()).isEmpty();
    }

    /** The confirmation of an opt-out (sent once, when the contact was not opted out yet). */
    public String optOutMessage(String instance) {
        return text(instance, "opt_out_message", defaults.optOutMessage());
    }

    /** The confirmation of a contact's return (their start word after an opt-out). */
    public String optInMessage(String instance) {
        return text(instance, "opt_in_message", defaults.optInMessage());
    }

    // --- the instance's own hand-over message; read and typing signals on or off (#25, 25b) ---

    /** What the customer is told at a hand-over: the instance's {@code handover_message}, else {@code ai-worker.agent.handover-message}. */
    public String handoverMessage(String instance) {
        return text(instance, "handover_message", defaults.handoverMessage());
    }

    /** Whether the customer's messages are marked read and "typing..." shown before the model works (agent/ChatSignals). */
    public boolean readAndTyping(String instance) {
        JsonNode own = own(instance).path("read_and_typing");
        return own.isBoolean() ? own.asBoolean() : defaults.readAndTyping();
    }

    /** The {@code output_json} of a job answered by a keyword's confirmation (no call: no model, tokens or cost). */
    public String confirmation(String message, String keyword) {
        var out = json.createObjectNode();
        out.put("reply", message);
        out.put("keyword", keyword);
        out.put("latency_ms", 0);
        out.put("input_tokens", 0);
        out.put("output_tokens", 0);
        return out.toString();
    }

    private List<String> words(String instance, String field, List<String> fallback) {
        JsonNode own = own(instance).path(field);
        List<String> words = new ArrayList<>();
        if (own.isArray()) {
            own.forEach(w -> words.add(normal(w.asText())));
        } else {
            fallback.forEach(w -> words.add(normal(w)));
        }
        words.removeIf(String::isEmpty);
        return words;
    }

    private String text(String instance, String field, String fallback) {
        JsonNode own = own(instance).path(field);
        return own.isTextual() && !own.asText().isBlank() ? own.asText() : fallback;
    }

    private JsonNode own(String instance) {
        return instances.agentSettings(instance);
    }

    /** A message or keyword compared: trimmed, lower case, accents and punctuation around it gone. */
    static String normal(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
        return s.replaceAll("^[\\p{Punct}\\s]+|[\\p{Punct}\\s]+$", "").replaceAll("\\s+", " ");
    }

    /** Checks an instance's {@code agent} settings object (admin API): 400 naming the bad field. */
    public static void check(JsonNode agent) {
        if (!agent.isObject()) {
            throw HttpRefusal.badRequest("agent must be an object with any of " + String.join(", ", FIELDS));
        }
        for (Iterator<String> names = agent.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode value = agent.get(name);
            switch (name) {
                case "opt_out_words", "start_words" -> {
                    if (!value.isNull() && (!value.isArray() || value.size() > 20)) {
                        throw HttpRefusal.badRequest("agent." + name + " must be an array of at most 20 words");
                    }
                    if (value.isArray()) {
                        for (JsonNode w : value) {
                            if (!w.isTextual() || w.asText().isBlank() || w.asText().length() > 40) {
                                throw HttpRefusal.badRequest("agent." + name + " must hold words of 1 to 40 characters");
                            }
                        }
                    }
                }
                case "opt_out_message", "opt_in_message", "handover_message" -> {
                    if (!value.isNull() && (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 1000)) {
                        throw HttpRefusal.badRequest("agent." + name + " must be a text of 1 to 1000 characters");
                    }
                }
                // opening hours (agent/OpeningHours)
                case "opening_hours", "time_zone", "after_hours", "after_hours_prompt", "after_hours_message",
                     "after_hours_handover" -> OpeningHours.check(name, value);
                // read and typing signals on or off (#25, 25b)
                case "read_and_typing" -> {
                    if (!value.isNull() && !value.isBoolean()) {
                        throw HttpRefusal.badRequest("agent." + name + " must be true or false");
                    }
                }
                // the number's health: where the instance's alerts go (agent/AlertUrl)
                case "alert_url" -> {
                    if (!value.isNull() && (!value.isTextual() || !AlertUrl.valid(value.asText()))) {
                        throw HttpRefusal.badRequest("agent.alert_url must be an http or https URL");
                    }
                }
                default -> throw HttpRefusal.badRequest("agent." + name + " is not a setting; the agent settings are "
                        + String.join(", ", FIELDS));
            }
        }
    }
}
