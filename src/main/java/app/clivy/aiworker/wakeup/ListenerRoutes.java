package app.clivy.aiworker.wakeup;

import java.util.List;

import app.clivy.aiworker.database.DatabaseSelection;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Without a connection to LISTEN on (a transaction pooler and no direct connection, see
 * {@link DatabaseSelection}), the routes that start from {@code pgevent:} are not started and then
 * removed: a LISTEN through such a pooler would hear nothing while looking connected, and health and
 * Hawtio would show a listener the node does not have. The sweeps claim the work instead.
 */
@Configuration(proxyBeanMethods = false)
public class ListenerRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerRoutes.class);
    static final String LISTENER_ENDPOINTS = "pgevent:*";

    @Bean
    CamelContextConfiguration listenerRoutesWithoutConnection(@Value("${" + DatabaseSelection.LISTEN_ENABLED + ":true}") boolean listen) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                if (!listen) {
                    String excluded = camel.getAutoStartupExcludePattern();
                    camel.setAutoStartupExcludePattern(excluded == null || excluded.isBlank()
                            ? LISTENER_ENDPOINTS : excluded + "," + LISTENER_ENDPOINTS);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                if (listen) {
                    return;
                }
                List<String> listeners = camel.getRoutes().stream()
                        .filter(route -> route.getEndpoint().getEndpointUri().startsWith("pgevent:"))
                        .map(Route::getRouteId).toList();
                for (String id : listeners) {
                    try {
                        camel.getRouteController().stopRoute(id);
                        camel.removeRoute(id);
                    } catch (Exception e) {
                        LOG.warn("⚠  Could not remove listener route {}: {}", id, e.getMessage());
                    }
                }
                LOG.info("🔕 Listener routes off (no connection to LISTEN on): {}", listeners);
            }
        };
    }
}
