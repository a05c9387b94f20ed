package app.clivy.aiworker.instances;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ai-worker.conversation.*}: the chat-level defaults an instance's own settings may replace.
 *
 * @param quietMs        how long a chat must be quiet before its burst is answered (0 = at once)
 * @param handoffMinutes how long the AI stays out of a chat after a human agent's last message
 * @param echoMinutes    how long after its delivery a from-me message with an AI reply's text is taken
 *                       for that reply's echo, not for a human agent (the gateway id is matched always)
 */
@ConfigurationProperties("ai-worker.conversation")
public record ConversationDefaults(@DefaultValue("2500") long quietMs, @DefaultValue("30") int handoffMinutes,
                                   @DefaultValue("10") int echoMinutes) {
}
