package app.clivy.aiworker.instances;

import org.springframework.stereotype.Component;

/**
 * The chat-level settings of an instance, for the batching and takeover stages: today the
 * {@code ai-worker.conversation.*} defaults for every instance (per-instance values replace them
 * here, and only here).
 */
@Component("conversationSettings")
public class ConversationSettings {

    private final ConversationDefaults defaults;

    public ConversationSettings(ConversationDefaults defaults) {
        this.defaults = defaults;
    }

    /** How long a chat of {@code instance} must be quiet before its burst is answered (0 = at once). */
    public long quietMs(String instance) {
        return defaults.quietMs();
    }

    /** How long the AI stays out of a chat of {@code instance} after a human agent's last message. */
    public int handoffMinutes(String instance) {
        return defaults.handoffMinutes();
    }
}
