package app.clivy.aiworker.openrouter;

import app.clivy.aiworker.platform.httpclient.IdleGuardedConnections;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

/**
 * The pooled HTTP connections to OpenRouter (routes/06-call-openrouter: {@code clientConnectionManager},
 * {@code httpClientConfigurer}), with HttpClient's own guards against connections that went stale while
 * idle: one idle for {@code validate-after-inactivity-ms} is checked before it is reused (closed by the
 * server: a new one instead, rather than a POST sent into a closed socket that fails with
 * NoHttpResponseException, a network error against the breaker; the component exposes no such option,
 * and its default is 2 s), and one idle for {@code evict-idle-ms} is closed by a background evictor,
 * before a server or a NAT drops it silently. The pool itself is platform/httpclient/IdleGuardedConnections
 * (camel-http has no option for either guard yet).
 */
@Configuration(value = "openRouterConnectionsConfiguration", proxyBeanMethods = false)
public class OpenRouterConnections {

    /**
     * A new pool for each endpoint that asks (prototype): the endpoint's HttpClient owns it and closes
     * it when the endpoint stops, so a route file reloaded in development gets an open one.
     */
    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    public PoolingHttpClientConnectionManager openRouterConnectionManager(OpenRouterSettings settings) {
        return IdleGuardedConnections.pool(settings.maxConnections(), settings.timeoutMs(),
                settings.connectTimeoutMs(), settings.validateAfterInactivityMs());
    }

    @Bean
    public HttpClientConfigurer openRouterHttpClient(OpenRouterSettings settings) {
        return IdleGuardedConnections.evictingIdle(settings.evictIdleMs());
    }
}
