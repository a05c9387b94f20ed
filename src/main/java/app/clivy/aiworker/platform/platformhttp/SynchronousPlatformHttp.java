package app.clivy.aiworker.platform.platformhttp;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The HTTP routes (webhook, admin API) run on the web server's request thread.
 *
 * <p>The stock Spring Boot engine of platform-http hands every request to a task executor and
 * answers through an asynchronous servlet dispatch: two thread hand-offs and a second pass through
 * Spring MVC's filters and dispatcher per request, for routes that only run a short SQL statement.
 * A profile of the webhook put about a third of its CPU there. This engine runs the route where
 * the request arrives and answers directly; the consumer, binding and error handling are the stock
 * ones. A route that must not block the request thread can still hand work off itself.
 *
 * <p>The engine also knows its started consumers ({@link Engine#consumerFor}), so that the webhook's
 * edge filter can hand a POST straight to its route: the webhook then skips Spring MVC's dispatcher,
 * handler mapping and the filters behind the edge (a profile of the webhook put about a fifth of its
 * CPU there). Every other request, and the webhook while its route is stopped, goes the usual way.
 */
@Configuration(proxyBeanMethods = false)
public class SynchronousPlatformHttp {

    private static final Logger LOG = LoggerFactory.getLogger(SynchronousPlatformHttp.class);

    /** Replaces the starter's engine (it backs off when one exists). */
    @Bean(name = "platform-http-engine")
    Engine synchronousPlatformHttpEngine(@Value("${server.port:8070}") int port) {
        return new Engine(port);
    }

    /** The engine: consumers that run on the request thread, and the started ones by path. */
    public static final class Engine extends SpringBootPlatformHttpEngine {

        private final List<Consumer> started = new CopyOnWriteArrayList<>();

        Engine(int port) {
            super(port);
        }

        @Override
        public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            return new Consumer(endpoint, processor, started);
        }

        /**
         * The started consumer whose path and method restriction match, or null. {@code path} is the
         * request's path without the context path.
         */
        public Consumer consumerFor(String method, String path) {
            for (Consumer consumer : started) {
                if (consumer.matches(method, path)) {
                    return consumer;
                }
            }
            return null;
        }
    }

    public static final class Consumer extends SpringBootPlatformHttpConsumer {

        private final List<Consumer> started;
        /** what {@link #matches} compares, read from the endpoint when the consumer starts */
        private volatile List<String> methods = List.of();
        private volatile String path;
        private volatile String pathPrefix;

        Consumer(PlatformHttpEndpoint endpoint, Processor processor, List<Consumer> started) {
            super(endpoint, processor);
            this.started = started;
        }

        /** Only consumers restricted to the method match: an open one may serve other paths' verbs. */
        boolean matches(String method, String requestPath) {
            return methods.contains(method)
                    && (requestPath.equals(path) || (pathPrefix != null && requestPath.startsWith(pathPrefix)));
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            PlatformHttpEndpoint endpoint = getEndpoint();
            String restrict = endpoint.getHttpMethodRestrict();
            methods = restrict == null ? List.of() : List.of(restrict.split(","));
            path = endpoint.getPath();
            pathPrefix = endpoint.isMatchOnUriPrefix() ? path + "/" : null;
            started.add(this);
        }

        @Override
        protected void doStop() throws Exception {
            started.remove(this);
            super.doStop();
        }

        /**
         * Runs the route on this thread. The {@code null} tells Spring MVC that the response is
         * complete (no asynchronous processing is started).
         */
        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            try {
                handleService(request, response);
            } catch (Exception e) {
                // as the stock consumer: a failure outside the route's own error handling is a bare 500
                LOG.warn("Error handling request due to: {}", e.getMessage(), e);
                try {
                    if (!response.isCommitted()) {
                        response.sendError(500);
                    }
                } catch (Exception ignored) {
                    // the client is gone
                }
            }
            return null;
        }
    }
}
