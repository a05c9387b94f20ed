package app.clivy.aiworker.demo;

import java.util.concurrent.atomic.AtomicLong;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

/**
 * The offline demo's stand-in for OpenRouter (route demo-openrouter, on only with
 * {@code AI_WORKER_DEMO=true}): answers chat completions in OpenRouter's real response shape, with
 * a reply that says it is demo output.
 */
@Component("demoOpenRouter")
public class DemoOpenRouter {

    public static final String MODEL = "clivy/offline-demo";
    private final ObjectMapper json = JsonMappers.create();
    private final AtomicLong ids = new AtomicLong();

    public String complete(String requestBody) throws Exception {
        JsonNode request = json.readTree(requestBody);
        JsonNode messages = request.path("messages");
        String question = messages.isArray() && !messages.isEmpty()
                ? messages.get(messages.size() - 1).path("content").asText() : "";
        int promptChars = 0;
        for (JsonNode m : messages) {
            promptChars += m.path("content").asText().length();
        }
        String reply = "[demo reply, not from a real model] Thanks for your message! You wrote: \""
                + (question.length() > 120 ? question.substring(0, 120) + "…" : question)
                + "\". Set OPENROUTER_API_KEY to get real answers.";
        long now = System.currentTimeMillis() / 1000;
        ObjectNode answer = json.createObjectNode();
        answer.put("id", "gen-demo-" + now + "-" + ids.incrementAndGet());
        answer.put("provider", "Demo");
        answer.put("model", MODEL);
        answer.put("object", "chat.completion");
        answer.put("created", now);
        ObjectNode choice = answer.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("finish_reason", "stop");
        choice.put("native_finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", reply).putNull("refusal");
        int promptTokens = Math.max(1, promptChars / 4);
        int completionTokens = Math.max(1, reply.length() / 4);
        ObjectNode usage = answer.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        usage.put("cost", 0);
        return answer.toString();
    }
}
