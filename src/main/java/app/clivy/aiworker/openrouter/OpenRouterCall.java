package app.clivy.aiworker.openrouter;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.demo.DemoSettings;
import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The two ends of one chat-completions call: {@link #prepare} sets the request headers (the API key
 * stays in Java, out of route definitions and logs); {@link #read} classifies the answer and returns
 * the job's {@code output_json}.
 */
@Component("openRouterCall")
public class OpenRouterCall {

    private static final Logger LOG = LoggerFactory.getLogger(OpenRouterCall.class);
    private static final String STARTED = "openRouterCallStartedNanos";

    private final ObjectMapper json = JsonMappers.create();
    private final OpenRouterErrorClassifier classifier;
    private final String apiKey;
    private final String referer;
    private final String title;

    public OpenRouterCall(OpenRouterErrorClassifier classifier,
                          OpenRouterSettings settings, DemoSettings demo) {
        this.classifier = classifier;
        String apiKey = settings.apiKey();
        this.apiKey = apiKey.isBlank() ? (demo.enabled() ? "demo" : "") : apiKey;
        this.referer = settings.httpReferer();
        this.title = settings.xTitle();
        if (this.apiKey.isEmpty()) {
            LOG.warn("⚠  OPENROUTER_API_KEY is not set: AI jobs will fail with an auth error "
                    + "(set it, or set AI_WORKER_DEMO=true for the offline demo)");
        }
    }

    public void prepare(Exchange exchange) {
        if (apiKey.isEmpty()) {
            throw new PermanentProviderException("auth", 401,
                    "LLM call failed (401): OPENROUTER_API_KEY is not set", true);
        }
        setHeaders(exchange.getMessage(), apiKey, referer, title);
        exchange.setVariable(STARTED, System.nanoTime());
    }

    /**
     * The headers of every OpenRouter request (chat completions, embeddings): only these, so no
     * exchange header leaks to OpenRouter; the key; the app's attribution when configured.
     */
    public static void setHeaders(org.apache.camel.Message message, String apiKey, String referer, String title) {
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Authorization", "Bearer " + apiKey);
        if (!referer.isBlank()) {
            message.setHeader("HTTP-Referer", referer);
        }
        if (!title.isBlank()) {
            message.setHeader("X-Title", title);
        }
    }

    /** @return {@code output_json}: reply, model, latency_ms, input_tokens, output_tokens, cost, ... */
    public String read(Exchange exchange) {
        var message = exchange.getMessage();
        message.removeHeader("Authorization");
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = message.getBody(String.class);
        JsonNode completion = classifier.classify(status, body, message.getHeader("Retry-After", String.class));

        Long started = exchange.getVariable(STARTED, Long.class);
        long latencyMs = started == null ? 0 : (System.nanoTime() - started) / 1_000_000;
        JsonNode choice = completion.path("choices").get(0);
        JsonNode usage = completion.path("usage");
        ObjectNode output = json.createObjectNode();
        output.put("reply", choice.path("message").path("content").asText());
        output.put("model", completion.path("model").asText(""));
        output.put("latency_ms", latencyMs);
        output.put("input_tokens", usage.path("prompt_tokens").asInt(0));
        output.put("output_tokens", usage.path("completion_tokens").asInt(0));
        output.put("cost", usage.path("cost").isNumber() ? usage.path("cost").decimalValue() : BigDecimal.ZERO);
        output.put("finish_reason", choice.path("finish_reason").asText(""));
        output.put("provider", completion.path("provider").asText(""));
        output.put("generation_id", completion.path("id").asText(""));
        return output.toString();
    }
}
