package app.clivy.aiworker.openrouter;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code OPENROUTER_BASE_URL} as users write it: OpenRouter documents its base URL as
 * {@code https://openrouter.ai/api/v1} (what OpenAI-style clients take), while the routes add
 * {@code /api/v1/...} themselves. A base URL ending in {@code /api/v1} (or a slash) is taken as its
 * root, so both forms reach {@code https://openrouter.ai/api/v1/chat/completions}.
 */
public class OpenRouterBaseUrl implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

    static final String KEY = "ai-worker.openrouter.base-url";
    private static final Logger LOG = LoggerFactory.getLogger(OpenRouterBaseUrl.class);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        String given = env.getProperty(KEY);
        if (given == null) {
            return;
        }
        String root = root(given);
        if (!root.equals(given.trim())) {
            env.getPropertySources().addFirst(new MapPropertySource("ai-worker-openrouter-base-url", Map.of(KEY, root)));
            LOG.info("🔗 OpenRouter base URL {} is used as {} (the routes add /api/v1/...)", given.trim(), root);
        }
    }

    /** The URL without trailing slashes and without a trailing {@code /api/v1}. */
    static String root(String baseUrl) {
        String url = stripSlashes(baseUrl.trim());
        if (url.toLowerCase(java.util.Locale.ROOT).endsWith("/api/v1")) {
            url = stripSlashes(url.substring(0, url.length() - "/api/v1".length()));
        }
        return url;
    }

    private static String stripSlashes(String url) {
        String stripped = url;
        while (stripped.endsWith("/")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped;
    }

    /** After {@code DemoMode}, which may set the base URL itself. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
