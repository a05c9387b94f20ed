package app.clivy.aiworker.openrouter;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The HTTP client of the OpenRouter endpoints ({@code httpClientConfigurer=#openRouterHttpClient}):
 * an answer must come within {@code AI_TIMEOUT_MS}, and HttpClient's own retries are off, since it
 * would otherwise sleep through a 429's or 503's {@code Retry-After} behind the breaker's back,
 * holding a job slot. Retries are the outcome table's business.
 */
@Component("openRouterHttpClient")
public class OpenRouterHttpClient implements HttpClientConfigurer {

    private final long timeoutMs;

    public OpenRouterHttpClient(@Value("${ai-worker.openrouter.timeout-ms:120000}") long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        clientBuilder.disableAutomaticRetries();
        clientBuilder.setDefaultRequestConfig(RequestConfig.custom()
                .setResponseTimeout(Timeout.ofMilliseconds(timeoutMs))
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(timeoutMs))
                .build());
    }
}
