package app.clivy.aiworker.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Decides which copy of the YAML routes Camel loads: the folder {@code ai-worker.routes-dir}
 * ({@code ./routes} by default) when it exists, so engineers edit routes without a rebuild;
 * otherwise the copy packed in the jar, so {@code java -jar} works from any folder.
 */
public class RouteSource implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Logger LOG = LoggerFactory.getLogger(RouteSource.class);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        if (env.containsProperty("ai-worker.routes-include-pattern")) {
            return; // set explicitly
        }
        Path dir = Path.of(env.getProperty("ai-worker.routes-dir", "routes")).toAbsolutePath().normalize();
        String pattern;
        if (Files.isDirectory(dir)) {
            pattern = "file:" + dir + "/*.camel.yaml";
            LOG.info("🧭 Loading routes from {}", dir);
        } else {
            pattern = "classpath:routes/*.camel.yaml";
            LOG.info("🧭 Loading the routes packed in the jar ({} not found)", dir);
        }
        env.getPropertySources().addFirst(new MapPropertySource("ai-worker-routes",
                Map.of("ai-worker.routes-include-pattern", pattern)));
    }
}
