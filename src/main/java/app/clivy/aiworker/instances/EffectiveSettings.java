package app.clivy.aiworker.instances;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings an instance's jobs run with: its own values where it has them, the defaults of
 * application.yaml elsewhere.
 *
 * @param dailySpendCapUsd null = no cap
 * @param knowledgeChars   characters of passage text in the prompt (docs/knowledge.md)
 */
public record EffectiveSettings(String instance, String systemPrompt, String model, List<String> fallbackModels,
                       boolean enabled, long quietMs, int handoffMinutes, BigDecimal dailySpendCapUsd,
                       // knowledge budget per instance
                       int knowledgeChars) {

    /** OpenRouter's {@code models} list: the primary model first, then the fallbacks, each once. */
    public List<String> models() {
        List<String> models = new ArrayList<>();
        models.add(model);
        for (String fallback : fallbackModels) {
            if (!models.contains(fallback)) {
                models.add(fallback);
            }
        }
        return models;
    }
}
