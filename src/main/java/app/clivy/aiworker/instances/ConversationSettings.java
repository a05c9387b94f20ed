package app.clivy.aiworker.instances;

import org.springframework.stereotype.Component;

/** The chat-level settings of an instance (its own, or ai-worker.conversation.*), for the batching and takeover stages. */
@Component("conversationSettings")
public class ConversationSettings {

    private final InstanceSettingsCache settings;

    public ConversationSettings(InstanceSettingsCache settings) {
        this.settings = settings;
    }

    /** How long a chat of {@code instance} must be quiet before its burst is answered (0 = at once). */
    public long quietMs(String instance) {
        return settings.of(instance).quietMs();
    }

    /** How long the AI stays out of a chat of {@code instance} after a human agent's last message. */
    public int handoffMinutes(String instance) {
        return settings.of(instance).handoffMinutes();
    }
}
