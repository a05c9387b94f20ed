package app.clivy.aiworker.agent;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import app.clivy.aiworker.instances.InstanceSettingsCache;
import app.clivy.aiworker.openrouter.OpenRouterUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The model may answer or hand the chat over to humans (docs/agent.md). {@link #withAnswerFormat} asks
 * for a structured answer (OpenRouter's {@code response_format} JSON schema): either a reply, or a
 * hand-over with a reason and a short note for the agent. {@link #read} takes the answer apart: a
 * reply is the reply; a hand-over becomes the instance's hand-over message to the customer and
 * {@code output_json.handover}; a content that is not the JSON shape (a model without structured
 * output) is the reply as it came, said once per model in the log.
 */
@Component("agentAnswers")
public class AgentAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(AgentAnswers.class);
    /** The reasons a model may give for a hand-over. */
    public static final List<String> REASONS = List.of("customer_request", "missing_knowledge", "unsupported_request",
            "policy", "other");
    private static final Pattern REPLY_FIELD = Pattern.compile("\"reply\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)");

    private final ObjectMapper json = JsonMappers.create();
    private final AgentSettings settings;
    private final MeterRegistry meters;
    private final OpenRouterUser users;
    private final InstanceSettingsCache instances;
    private final ChatKeywords keywords;
    private final Set<String> plainModels = ConcurrentHashMap.newKeySet();
    private final String answerFormat = answerFormat();

    public AgentAnswers(AgentSettings settings, MeterRegistry meters, OpenRouterUser users, InstanceSettingsCache instances,
                        ChatKeywords keywords) {
        this.settings = settings;
        this.keywords = keywords;
        this.meters = meters;
        this.users = users;
        this.instances = instances;
    }

    /** The chat-completions request with the structured answer asked for (unchanged when that is off). */
    public String withAnswerFormat(String request) throws Exception {
        if (!settings.structuredAnswers()) {
            return request;
        }
        // the format is the same for every call: appended to the request's text as its last member,
        // not by reading the whole prompt into a tree and writing it again (a fifth of the job's JSON work)
        int end = request.lastIndexOf('}');
        if (end > 0 && request.substring(end + 1).isBlank() && !request.substring(0, end).stripTrailing().endsWith("{")
                && !request.contains("\"response_format\"")) {
            return request.substring(0, end) + ",\"response_format\":" + answerFormat + "}";
        }
        ObjectNode body = (ObjectNode) json.readTree(request);
        body.set("response_format", json.readTree(answerFormat));
        return body.toString();
    }

    /** OpenRouter's {@code response_format}: the JSON schema of a structured answer. */
    private String answerFormat() {
        ObjectNode format = json.createObjectNode();
        format.put("type", "json_schema");
        ObjectNode schemaSpec = format.putObject("json_schema");
        schemaSpec.put("name", "support_answer");
        schemaSpec.put("strict", true);
        ObjectNode schema = schemaSpec.putObject("schema");
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        ObjectNode action = props.putObject("action");
        action.put("type", "string");
        action.putArray("enum").add("reply").add("handover");
        action.put("description", "reply: you answer the customer yourself. handover: a human of the business must take"
                + " this chat over (the customer asks for a person, the knowledge does not answer the question, the request"
                + " needs a human such as refunds, complaints or changes to an order, or policy forbids answering).");
        props.putObject("reply").put("type", "string")
                .put("description", "action reply: your message to the customer, in the customer's language. Empty for handover.");
        ObjectNode reason = props.putObject("handover_reason");
        reason.put("type", "string");
        ArrayNode reasons = reason.putArray("enum").add("none");
        REASONS.forEach(reasons::add);
        reason.put("description", "action handover: why; none for reply.");
        props.putObject("handover_note").put("type", "string")
                .put("description", "action handover: one short sentence for the human agent on what the customer needs. Empty for reply.");
        schema.putArray("required").add("action").add("reply").add("handover_reason").add("handover_note");
        schema.put("additionalProperties", false);
        return format.toString();
    }

    /**
     * The job's {@code output_json} with the model's answer taken apart: {@code reply} is what the
     * customer gets; on a hand-over {@code handover: {reason, note}} is added and {@code reply} is the
     * hand-over message.
     */
    public String read(String instance, String output) throws Exception {
        ObjectNode out = (ObjectNode) json.readTree(output);
        String content = out.path("reply").asText("");
        JsonNode answer = structured(content);
        if (answer == null) {
            String model = out.path("model").asText("");
            if (settings.structuredAnswers() && plainModels.add(model)) {
                LOG.info("ℹ️  Model {} answers without structured output: its answers are taken as plain replies (no hand-over by the model)",
                        model.isEmpty() ? "(unnamed)" : model);
            }
            String partial = partialReply(content);
            if (partial != null) {
                out.put("reply", partial);
            }
            return out.toString();
        }
        if ("handover".equals(answer.path("action").asText())) {
            String reason = answer.path("handover_reason").asText("other");
            ObjectNode handover = out.putObject("handover");
            handover.put("reason", REASONS.contains(reason) ? reason : "other");
            handover.put("note", cut(answer.path("handover_note").asText(""), 500));
            out.put("reply", handoverMessage(instance));
        } else {
            out.put("reply", answer.path("reply").asText(""));
        }
        return out.toString();
    }

    /** After how many failed jobs in a row a chat is handed over (0 = never). */
    public int handoverAfterFailedJobs() {
        return settings.handoverAfterFailedJobs();
    }

    /** What the customer is told at a hand-over: the instance's own {@code agent.handover_message}, else the default. */
    public String handoverMessage(String instance) {
        return keywords.handoverMessage(instance);
    }

    /** The hand-over reason of an {@code output_json}, or null when the model answered. */
    public String handoverReason(String output) throws Exception {
        if (output == null || !output.contains("\"handover\"")) {
            return null; // no member and no value "handover": the usual reply, without reading it again
        }
        JsonNode reason = json.readTree(output).path("handover").path("reason");
        return reason.isTextual() ? reason.asText() : null;
    }

    /** The hand-over note of an {@code output_json} (for the alert). */
    public String handoverNote(String output) throws Exception {
        return json.readTree(output).path("handover").path("note").asText("");
    }

    /** How long a hand-over gives the chat to humans: the instance's handoff minutes (30 when it has 0). */
    public int handoverMinutes(String instance) {
        int minutes = instances.of(instance).handoffMinutes();
        return minutes > 0 ? minutes : 30;
    }

    /** Counts a hand-over: {@code ai_worker_handovers_total{reason}}. */
    public void counted(String reason) {
        Counter.builder("ai_worker_handovers").description("chats the AI handed over to humans, by reason")
                .tag("reason", reason).register(meters).increment();
    }

    /** The alert of a hand-over, for the alert hook ({@code ai-worker.credits.alert-url}); no phone number. */
    public String alertJson(String instance, long jobId, String chat, String reason, String note) {
        ObjectNode alert = json.createObjectNode();
        alert.put("event", "chat_handover");
        alert.put("instance", instance);
        alert.put("job_id", jobId);
        // the salted hash of the chat, as OpenRouter gets it: never the customer's number
        alert.put("chat", users.idOf(instance, chat));
        alert.put("reason", reason);
        alert.put("note", note);
        alert.put("message", "The AI handed a chat of instance " + instance + " to humans (" + reason + "): " + note);
        alert.put("handed_over_at", Instant.now().toString());
        return alert.toString();
    }

    /** The answer as the JSON shape asked for, or null. */
    private JsonNode structured(String content) {
        String text = content.strip();
        if (text.startsWith("```")) {
            text = text.replaceFirst("^```(json)?\\s*", "").replaceFirst("\\s*```$", "");
        }
        if (!text.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = json.readTree(text);
            String action = node.path("action").asText("");
            if (node.isObject() && (action.equals("reply") && !node.path("reply").asText("").isBlank() || action.equals("handover"))) {
                return node;
            }
        } catch (Exception e) {
            // not JSON: a plain reply (or one cut off, see partialReply)
        }
        return null;
    }

    /** The reply of a structured answer cut off (max_tokens) before its end, or null. */
    private String partialReply(String content) {
        String text = content.strip();
        if (!text.startsWith("{") || !text.contains("\"action\"")) {
            return null;
        }
        Matcher m = REPLY_FIELD.matcher(text);
        if (!m.find() || m.group(1).isBlank()) {
            return null;
        }
        String escaped = m.group(1).endsWith("\\") ? m.group(1).substring(0, m.group(1).length() - 1) : m.group(1);
        try {
            return json.readValue("\"" + escaped + "\"", String.class);
        } catch (Exception e) {
            return null;
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
