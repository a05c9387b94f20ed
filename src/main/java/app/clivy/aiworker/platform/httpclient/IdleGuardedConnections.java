package app.clivy.aiworker.platform.httpclient;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * An HTTP endpoint's connection pool built with HttpClient's own builder, for the two guards camel-http
 * 4.17 has no endpoint option for: {@code validateAfterInactivity} (the component's pool fixes it at
 * 2 s) and the idle-connection evictor. Options for both are proposed upstream (apache/camel PR #30208:
 * {@code validateAfterInactivity}, {@code connectionIdleTimeout}); in a release that has them, the
 * endpoint's options replace this class.
 */
public final class IdleGuardedConnections {

    private IdleGuardedConnections() {
    }

    /** A pool whose connections idle for {@code validateAfterInactivityMs} are checked before reuse. */
    public static PoolingHttpClientConnectionManager pool(int maxConnections, long socketTimeoutMs, long connectTimeoutMs,
                                                          long validateAfterInactivityMs) {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultSocketConfig(SocketConfig.custom()
                        .setSoTimeout(Timeout.ofMilliseconds(socketTimeoutMs)).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofMilliseconds(connectTimeoutMs))
                        .setSocketTimeout(Timeout.ofMilliseconds(socketTimeoutMs))
                        .setValidateAfterInactivity(TimeValue.ofMilliseconds(validateAfterInactivityMs))
                        .build())
                .build();
    }

    /** An endpoint's {@code httpClientConfigurer} that closes connections idle for {@code evictIdleMs}. */
    public static HttpClientConfigurer evictingIdle(long evictIdleMs) {
        return builder -> builder.evictIdleConnections(TimeValue.ofMilliseconds(evictIdleMs));
    }
}
