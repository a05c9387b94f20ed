package app.clivy.aiworker.context;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.context.*}: what goes into the prompt; defaults in application.yaml. */
@Validated
@ConfigurationProperties("ai-worker.context")
public record ContextSettings(@Min(0) int messages, @Min(0) int messagesAfterOverflow, @Min(1) int messageChars) {
}
