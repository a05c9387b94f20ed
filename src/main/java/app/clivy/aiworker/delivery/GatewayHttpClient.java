package app.clivy.aiworker.delivery;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The HTTP client of the gateway endpoint ({@code httpClientConfigurer=#gatewayHttpClient}): an
 * answer within {@code ai-worker.gateway.timeout-ms}, and no retries of its own: HttpClient would
 * otherwise resend a reply on a 503 behind the outbox's back. Retries are the delivery routes' call.
 */
@Component("gatewayHttpClient")
public class GatewayHttpClient implements HttpClientConfigurer {

    private final long timeoutMs;

    public GatewayHttpClient(@Value("${ai-worker.gateway.timeout-ms:10000}") long timeoutMs) {
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
