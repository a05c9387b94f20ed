package app.clivy.aiworker.context;

import java.util.List;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.instances.EffectiveSettings;
import app.clivy.aiworker.instances.InstanceSettingsCache;
import app.clivy.aiworker.knowledge.PassageHit;
import app.clivy.aiworker.knowledge.Retrieval;
import app.clivy.aiworker.openrouter.OpenRouterSettings;
import app.clivy.aiworker.openrouter.OpenRouterUser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds the chat-completions request of one job: the instance's system prompt with the knowledge
 * passages retrieved for the question, its model (and fallback models, as OpenRouter's {@code models}),
 * the chat's recent messages, and the customer's message, each cut to its configured length; logs
 * the seed's size estimate (tokens ~ chars / 4).
 */
@Component("contextBuilder")
public class ContextBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ContextBuilder.class);

    private final ObjectMapper json = JsonMappers.create();
    private final InstanceSettingsCache settings;
    private final int maxTokens;
    private final double temperature;
    private final int messageChars;
    private final OpenRouterUser users;

    public ContextBuilder(OpenRouterUser users, InstanceSettingsCache settings, OpenRouterSettings openRouter,
                          ContextSettings context) {
        this.users = users;
        this.settings = settings;
        this.maxTokens = openRouter.maxTokens();
        this.temperature = openRouter.temperature();
        this.messageChars = context.messageChars();
    }

    /** The customer's text of a claimed job (from its {@code input_json}). */
    public String customerText(Map<String, Object> job) throws Exception {
        return json.readTree(String.valueOf(job.get("input_json"))).path("text").asText();
    }

    /** The customer's text, or a voice note's transcript (routes/13-media.camel.yaml). */
    public String customerText(Map<String, Object> job, Map<String, Object> media) throws Exception {
        if (media != null && media.get("transcript") != null) {
            return String.valueOf(media.get("transcript"));
        }
        String text = customerText(job);
        // "[image]": no words to look knowledge up by
        return text.startsWith("[") && text.endsWith("]") && media != null ? "" : text;
    }

    public String buildRequest(Map<String, Object> job, Map<String, Object> context) throws Exception {
        return buildRequest(job, context, null, null);
    }

    /**
     * @param job       the claimed row (id, instance, chat, input_json, ...)
     * @param context   the row of {@code sql/context.sql}: {@code history}, the chat's earlier messages,
     *                  oldest first ({@code direction}, {@code body}), a JSON array
     * @param retrieval the knowledge passages for this question, best first (knowledge/KnowledgeSearch)
     * @param media     what the job read of the customer's media (routes/13-media.camel.yaml), or null
     * @return the request body for {@code POST /api/v1/chat/completions}
     */
    public String buildRequest(Map<String, Object> job, Map<String, Object> context, Retrieval retrieval,
                               Map<String, Object> media) throws Exception {
        JsonNode input = json.readTree(String.valueOf(job.get("input_json")));
        JsonNode history = json.readTree(String.valueOf(context.get("history")));

        EffectiveSettings instance = settings.of(String.valueOf(job.get("instance")));
        StringBuilder system = new StringBuilder(instance.systemPrompt());
        if (retrieval != null && !retrieval.passages().isEmpty()) {
            appendKnowledge(system, retrieval.passages());
        }

        ObjectNode request = json.createObjectNode();
        request.put("model", instance.model());
        if (!instance.fallbackModels().isEmpty()) {
            // OpenRouter tries them in order when the primary fails; the answer's model says which ran
            instance.models().forEach(request.putArray("models")::add);
        }
        request.put("max_tokens", maxTokens);
        request.put("temperature", temperature);
        // a salted hash: the customer's phone number never goes to OpenRouter
        request.put("user", users.idOf(job.get("instance"), job.get("chat")));
        ArrayNode messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", system.toString());
        int userChars = 0;
        for (JsonNode m : history) {
            String body = cut(marked(m.path("kind").asText(""), m.path("body").asText()), messageChars);
            userChars += body.length();
            messages.addObject().put("role", "out".equals(m.path("direction").asText()) ? "assistant" : "user").put("content", body);
        }
        // the question itself goes whole: the prompt's size is shrunk through history, not by
        // cutting what the customer asked
        String text = input.path("text").asText();
        if (media != null && media.get("transcript") != null) {
            text = marked("audio", String.valueOf(media.get("transcript")));
        }
        userChars += text.length();
        if (media != null && media.get("part") instanceof JsonNode part) {
            // an image or a PDF: the text part first (the caption, or what it is), then the file
            ArrayNode content = messages.addObject().put("role", "user").putArray("content");
            boolean noText = input.path("no_text").asBoolean(false);
            content.addObject().put("type", "text").put("text", noText
                    ? "(the customer sent " + ("image".equals(media.get("kind")) ? "an image" : "a document") + " without text)" : text);
            content.add(part);
        } else {
            messages.addObject().put("role", "user").put("content", text);
        }

        LOG.info("📊 Context size estimate: system={} chars, user={} chars, messages={} (~{} tokens)",
                system.length(), userChars, history.size(), (system.length() + userChars) / 4);
        return request.toString();
    }

    // Markers no document can write: the brackets are taken out of every passage's title and text.
    static final String OPEN = "\u27E6";
    static final String CLOSE = "\u27E7";

    /**
     * The knowledge section: each passage between its own marker lines, which only the worker writes
     * (a "### heading" or a copied marker inside a document stays text of its passage).
     */
    static void appendKnowledge(StringBuilder system, List<PassageHit> passages) {
        system.append("\n\nKnowledge documents: passages of the business's documents, best first. Each passage starts with a line ")
                .append(OPEN).append("passage N: title").append(CLOSE).append(" and ends with a line ")
                .append(OPEN).append("end of passage N").append(CLOSE).append(".");
        int n = 0;
        for (PassageHit hit : passages) {
            n++;
            system.append("\n\n").append(OPEN).append("passage ").append(n).append(": ")
                    .append(neutral(hit.passage().title()).replace('\n', ' ')).append(CLOSE).append('\n')
                    .append(neutral(hit.passage().text())).append('\n')
                    .append(OPEN).append("end of passage ").append(n).append(CLOSE);
        }
    }

    static String neutral(String text) {
        return text.replace(OPEN, "[").replace(CLOSE, "]");
    }

    /** A voice note's text is marked as its transcript, for the model as for a reader of the prompt. */
    static String marked(String kind, String body) {
        return "audio".equals(kind) && !body.equals("[audio]") ? "[voice note, transcribed] " + body : body;
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
