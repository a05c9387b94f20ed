package app.clivy.aiworker.credits;

import app.clivy.aiworker.openrouter.OpenRouterSettings;
import org.springframework.stereotype.Component;

/**
 * The Authorization value for OpenRouter. The key comes from {@code OPENROUTER_API_KEY} and is
 * set on the request by the route from this bean, so it never appears in a route definition,
 * an endpoint URI or a log line.
 */
@Component("openRouterKey")
public class OpenRouterKey {

    private final String key;

    public OpenRouterKey(OpenRouterSettings settings) {
        this.key = settings.apiKey().strip();
    }

    public String bearer() {
        if (key.isEmpty()) {
            throw new CreditCheckException("OPENROUTER_API_KEY is not set");
        }
        return "Bearer " + key;
    }

    @Override
    public String toString() {
        return "OpenRouterKey[" + (key.isEmpty() ? "unset" : "set") + "]";
    }
}
