package app.clivy.aiworker.platform.routes;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The routes that a switch keeps stopped: each is given {@code autoStartup=false} before Camel
 * starts (and when a route reload adds it again), exactly what {@code autoStartup: "{{...}}"} in the route file did. The
 * route files cannot say it themselves: the Camel YAML DSL schema (Kaoto, VS Code) wants a boolean
 * for {@code autoStartup}, not a placeholder. Camel's {@code auto-startup-exclude-pattern} would
 * keep them stopped too, but Camel's route health check would then count them DOWN (readiness).
 * <ul>
 * <li>{@code ai-worker.worker.enabled=false} (intake only): {@code job-listener}, {@code job-sweep}</li>
 * <li>{@code ai-worker.gateway.enabled=false} (no gateway URL): {@code reply-listener}, {@code reply-sweep}</li>
 * <li>{@code ai-worker.demo.enabled=false} (the default): {@code demo-openrouter}</li>
 * </ul>
 * Such a route is loaded and stopped, and can be started by hand (Hawtio, JMX).
 */
@Configuration(proxyBeanMethods = false)
public class RouteSwitches {

    private static final Logger LOG = LoggerFactory.getLogger(RouteSwitches.class);
    private static final List<Switch> SWITCHES = List.of(
            new Switch("ai-worker.worker.enabled", true, List.of("job-listener", "job-sweep")),
            new Switch("ai-worker.gateway.enabled", false, List.of("reply-listener", "reply-sweep")),
            new Switch("ai-worker.demo.enabled", false, List.of("demo-openrouter")));

    /** A boolean property (with its default when unset) and the routes that start only when it is true. */
    private record Switch(String property, boolean byDefault, List<String> routes) {
    }

    @Bean
    CamelContextConfiguration routeSwitchesOnAdd(Environment env) {
        Set<String> stopped = stoppedRoutes(env);
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
                // the YAML routes are loaded by now and started after this
                model.getRouteDefinitions().forEach(route -> keepStopped(route, stopped));
                // and the routes added later (a reload)
                model.addModelLifecycleStrategy(new ModelLifecycleStrategy() {
                    @Override
                    public void onAddRouteDefinition(RouteDefinition route) {
                        keepStopped(route, stopped);
                    }

                    @Override
                    public void onRemoveRouteDefinition(RouteDefinition route) {
                        // nothing to undo
                    }

                    @Override
                    public void onAddRouteTemplateDefinition(RouteTemplateDefinition template) {
                        // no templates here
                    }

                    @Override
                    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition template) {
                        // no templates here
                    }
                });
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
                // nothing after start
            }
        };
    }

    private static void keepStopped(RouteDefinition route, Set<String> stopped) {
        if (stopped.contains(route.getRouteId())) {
            route.setAutoStartup("false");
            LOG.debug("Route {} stays stopped (its switch is off)", route.getRouteId());
        }
    }

    /** The ids of the routes whose switch is off. */
    static Set<String> stoppedRoutes(Environment env) {
        Set<String> ids = new LinkedHashSet<>();
        for (Switch s : SWITCHES) {
            if (!env.getProperty(s.property(), Boolean.class, s.byDefault())) {
                ids.addAll(s.routes());
            }
        }
        return ids;
    }
}
