package app.clivy.aiworker.demo;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.demo.*}: the offline stand-in for OpenRouter; defaults in application.yaml. */
@Validated
@ConfigurationProperties("ai-worker.demo")
public record DemoSettings(boolean enabled, @Min(0) long latencyMs) {
}
