package app.clivy.aiworker.http;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * An HTTP client for a route's outbound calls ({@code httpClientConfigurer=#...}): an answer must
 * come within the timeout, and HttpClient's own retries are off, since it would otherwise sleep
 * through a 429's or 503's {@code Retry-After} (or resend a request) behind the routes' back, holding
 * a slot. Retries are the routes' business.
 */
public class NoRetryHttpClient implements HttpClientConfigurer {

    private final long timeoutMs;

    public NoRetryHttpClient(long timeoutMs) {
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
