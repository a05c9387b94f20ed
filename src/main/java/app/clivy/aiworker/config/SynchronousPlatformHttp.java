package app.clivy.aiworker.config;

import java.util.concurrent.CompletableFuture;

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
 */
@Configuration(proxyBeanMethods = false)
public class SynchronousPlatformHttp {

    private static final Logger LOG = LoggerFactory.getLogger(SynchronousPlatformHttp.class);

    /** Replaces the starter's engine (it backs off when one exists). */
    @Bean(name = "platform-http-engine")
    PlatformHttpEngine synchronousPlatformHttpEngine(@Value("${server.port:8070}") int port) {
        return new SpringBootPlatformHttpEngine(port) {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
                return new Consumer(endpoint, processor);
            }
        };
    }

    static final class Consumer extends SpringBootPlatformHttpConsumer {

        Consumer(PlatformHttpEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
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
