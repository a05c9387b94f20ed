package app.clivy.aiworker.demo;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code AI_WORKER_DEMO=true}: point the worker at the built-in stand-in for OpenRouter
 * (route demo-openrouter on this same server), so a job goes from webhook to done with no key and
 * no network. Off unless chosen.
 */
public class DemoMode implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Logger LOG = LoggerFactory.getLogger(DemoMode.class);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        if (!env.getProperty("ai-worker.demo.enabled", Boolean.class, false)) {
            return;
        }
        env.getPropertySources().addFirst(new MapPropertySource("ai-worker-demo", Map.of(
                "ai-worker.openrouter.base-url", "http://localhost:${local.server.port:${server.port}}/demo/openrouter")));
        LOG.warn("🧪 Demo mode: OpenRouter is replaced by the built-in offline stand-in; replies are demo output");
    }
}
