package app.clivy.aiworker.support;

import java.util.Map;

import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A context runner that sees the shipped application.yaml and, as the process environment, only the
 * variables given (as a container or a shell sets them): the build's own system properties (a quiet
 * period of 0 ...) would outrank them, so they are removed.
 */
public final class EnvironmentOnly {

    private EnvironmentOnly() {
    }

    public static ApplicationContextRunner runner(Map<String, Object> variables) {
        return new ApplicationContextRunner()
                .withInitializer(context -> {
                    MutablePropertySources sources = context.getEnvironment().getPropertySources();
                    sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
                    sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
                })
                .withInitializer(new ConfigDataApplicationContextInitializer());
    }
}
