package app.clivy.aiworker.context;

import app.clivy.aiworker.worker.WorkerSettings;
import app.clivy.aiworker.openrouter.OpenRouterSettings;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.openrouter.OpenRouterUser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds the chat-completions request of one job: the system prompt with the instance's most
 * relevant knowledge documents, the chat's recent messages, and the customer's message, each cut
 * to its configured length; logs the seed's size estimate (tokens ~ chars / 4).
 */
@Component("contextBuilder")
public class ContextBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ContextBuilder.class);

    private final ObjectMapper json = new ObjectMapper();
    private final String systemPrompt;
    private final String model;
    private final int maxTokens;
    private final double temperature;
    private final int documentChars;
    private final int messageChars;
    private final OpenRouterUser users;

    public ContextBuilder(OpenRouterUser users, WorkerSettings worker, OpenRouterSettings openRouter, ContextSettings context) {
        this.users = users;
        this.systemPrompt = worker.systemPrompt();
        this.model = openRouter.model();
        this.maxTokens = openRouter.maxTokens();
        this.temperature = openRouter.temperature();
        this.documentChars = context.documentChars();
        this.messageChars = context.messageChars();
    }

    /** The customer's text of a claimed job (from its {@code input_json}). */
    public String customerText(Map<String, Object> job) throws Exception {
        return json.readTree(String.valueOf(job.get("input_json"))).path("text").asText();
    }

    /**
     * @param job       the claimed row (id, instance, chat, input_json, ...)
     * @param history   the chat's earlier messages, oldest first: {@code direction}, {@code body}
     * @param documents the ranked documents, best first: {@code title}, {@code content}
     * @return the request body for {@code POST /api/v1/chat/completions}
     */
    public String buildRequest(Map<String, Object> job, List<Map<String, Object>> history,
                               List<Map<String, Object>> documents) throws Exception {
        JsonNode input = json.readTree(String.valueOf(job.get("input_json")));

        StringBuilder system = new StringBuilder(systemPrompt);
        if (!documents.isEmpty()) {
            system.append("\n\nKnowledge documents:");
            for (Map<String, Object> doc : documents) {
                system.append("\n\n### ").append(doc.get("title")).append('\n')
                        .append(cut(String.valueOf(doc.get("content")), documentChars));
            }
        }

        ObjectNode request = json.createObjectNode();
        request.put("model", model);
        request.put("max_tokens", maxTokens);
        request.put("temperature", temperature);
        // a salted hash: the customer's phone number never goes to OpenRouter
        request.put("user", users.idOf(job.get("instance"), job.get("chat")));
        ArrayNode messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", system.toString());
        int userChars = 0;
        for (Map<String, Object> m : history) {
            String body = cut(String.valueOf(m.get("body")), messageChars);
            userChars += body.length();
            messages.addObject().put("role", "out".equals(m.get("direction")) ? "assistant" : "user").put("content", body);
        }
        // the question itself goes whole: the prompt's size is shrunk through history, not by
        // cutting what the customer asked
        String text = input.path("text").asText();
        userChars += text.length();
        messages.addObject().put("role", "user").put("content", text);

        LOG.info("📊 Context size estimate: system={} chars, user={} chars, messages={} (~{} tokens)",
                system.length(), userChars, history.size(), (system.length() + userChars) / 4);
        return request.toString();
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
