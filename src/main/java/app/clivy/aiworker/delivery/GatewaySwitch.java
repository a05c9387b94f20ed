package app.clivy.aiworker.delivery;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Defines {@code ai-worker.gateway.enabled} (whether the delivery routes start, platform/routes/RouteSwitches): true when
 * {@code ai-worker.gateway.url} is set. Read on each lookup, so a URL from any later property
 * source counts; an explicit {@code ai-worker.gateway.enabled} elsewhere wins (this source is last).
 */
public class GatewaySwitch implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String ENABLED = "ai-worker.gateway.enabled";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        // the source object must not be the environment: Spring would expand it as a nested one, forever
        env.getPropertySources().addLast(new PropertySource<>("ai-worker-gateway-switch", new Object()) {
            @Override
            public Object getProperty(String name) {
                if (!ENABLED.equals(name)) {
                    return null;
                }
                String url = env.getProperty("ai-worker.gateway.url", "");
                return String.valueOf(!url.isBlank());
            }
        });
    }
}
