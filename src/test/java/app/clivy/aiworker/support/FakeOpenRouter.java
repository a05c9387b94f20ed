package app.clivy.aiworker.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * OpenRouter at its HTTP boundary, answering with the real shapes of openrouter-api.md. Each stub
 * matches requests whose body contains a marker (a word of the customer's message), so every test
 * decides how "its" jobs are answered.
 */
public final class FakeOpenRouter {

    public static final String CHAT = "/api/v1/chat/completions";
    private static final LazyWireMockServer SERVER = new LazyWireMockServer(64);

    private FakeOpenRouter() {
    }

    public static WireMockServer server() {
        return SERVER.get();
    }

    public static String baseUrl() {
        return SERVER.baseUrl();
    }

    /** Answers requests containing {@code marker} with {@code response}. */
    public static void when(String marker, ResponseDefinitionBuilder response) {
        server().stubFor(chat(marker).willReturn(response));
    }

    public static MappingBuilder chat(String marker) {
        return post(urlEqualTo(CHAT)).withRequestBody(containing(marker));
    }

    public static ResponseDefinitionBuilder completion(String reply, String model, int promptTokens, int completionTokens, double cost) {
        return json(200, """
                {"id":"gen-1744845790-VDqUk3HsqsMOdoNex7FH","provider":"DeepInfra","model":"%s",
                 "object":"chat.completion","created":1744845790,
                 "choices":[{"index":0,"finish_reason":"stop","native_finish_reason":"stop",
                   "message":{"role":"assistant","content":%s,"refusal":null}}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,"cost":%s}}
                """.formatted(model, WebhookClient.quote(reply), promptTokens, completionTokens,
                promptTokens + completionTokens, cost)).withHeader("X-Generation-Id", "gen-1744845790-VDqUk3HsqsMOdoNex7FH");
    }

    /** The error shape: {@code {"error":{"code","message","metadata"},"user_id"}}. */
    public static ResponseDefinitionBuilder error(int status, String message, String metadataJson) {
        return json(status, """
                {"error":{"code":%d,"message":%s,"metadata":%s},"user_id":"user_2abc"}
                """.formatted(status, WebhookClient.quote(message), metadataJson == null ? "null" : metadataJson));
    }

    public static ResponseDefinitionBuilder contextLengthExceeded() {
        return error(400, "This endpoint's maximum context length is 131072 tokens. However, you requested about 141607 tokens "
                + "(10535 of text input, 131072 in the output). Please reduce the length of either one, or use the "
                + "\"middle-out\" transform to compress your prompt automatically.", "{\"provider_name\":\"Chutes\"}");
    }

    public static ResponseDefinitionBuilder moderation() {
        return error(403, "Input was flagged by moderation", """
                {"reasons":["harassment","violence"],"flagged_input":"...","provider_name":"OpenAI","model_slug":"openai/gpt-4o"}""");
    }

    public static ResponseDefinitionBuilder rateLimited(int retryAfterSeconds) {
        return error(429, "Rate limit exceeded: free-models-per-min", """
                {"headers":{"X-RateLimit-Limit":"20","X-RateLimit-Remaining":"0","X-RateLimit-Reset":"1744845850000"},"limit_source":"platform"}""")
                .withHeader("Retry-After", String.valueOf(retryAfterSeconds));
    }

    /** HTTP 200 whose only choice failed mid-generation. */
    public static ResponseDefinitionBuilder finishReasonError(int code, String message) {
        return json(200, """
                {"id":"gen-err","provider":"Together","model":"meta-llama/llama-3.3-70b-instruct","object":"chat.completion",
                 "created":1744845790,"choices":[{"index":0,"finish_reason":"error","native_finish_reason":"error",
                 "message":{"role":"assistant","content":""},
                 "error":{"code":%d,"message":%s,"metadata":{"provider_name":"Together"}}}],
                 "usage":{"prompt_tokens":10,"completion_tokens":0,"total_tokens":10,"cost":0}}
                """.formatted(code, WebhookClient.quote(message)));
    }

    public static ResponseDefinitionBuilder emptyChoices() {
        return json(200, """
                {"id":"gen-empty","provider":"DeepInfra","model":"openai/gpt-4o","object":"chat.completion","created":1744845790,
                 "choices":[],"usage":{"prompt_tokens":10,"completion_tokens":0,"total_tokens":10,"cost":0}}""");
    }

    public static ResponseDefinitionBuilder garbage() {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html>upstream hiccup</html>");
    }

    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
