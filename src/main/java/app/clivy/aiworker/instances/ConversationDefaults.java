package app.clivy.aiworker.instances;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code ai-worker.conversation.*}: the chat-level defaults an instance's own settings may replace;
 * defaults in application.yaml.
 *
 * @param quietMs        how long a chat must be quiet before its burst is answered (0 = at once)
 * @param handoffMinutes how long the AI stays out of a chat after a human agent's last message
 * @param echoMinutes    how long after its delivery a from-me message with an AI reply's text is taken
 *                       for that reply's echo, not for a human agent (the gateway id is matched always)
 */
@Validated
@ConfigurationProperties("ai-worker.conversation")
public record ConversationDefaults(@Min(0) @Max(InstanceDefaults.MAX_QUIET_MS) long quietMs,
                                   @Min(0) @Max(InstanceDefaults.MAX_HANDOFF_MINUTES) int handoffMinutes,
                                   @Min(0) int echoMinutes) {
}
