package app.clivy.aiworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The worker runs in the JVM that was started: its JVM options come from how it is started
 * ({@code spring-boot:run}'s jvmArguments, the image's {@code JAVA_TOOL_OPTIONS}, the Kubernetes
 * manifest, or the operator's {@code java} command; docs/deployment.md).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AiWorkerApplication {
    public static void main(String[] args) {
        SpringApplication.run(AiWorkerApplication.class, args);
    }
}
