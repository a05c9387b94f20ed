package app.clivy.aiworker.agent;

import app.clivy.aiworker.credits.CreditAlert;
import app.clivy.aiworker.instances.InstanceSettingsCache;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/**
 * Where an instance's alerts go (hand-overs, the number's health): the instance's own
 * {@code agent.alert_url} (admin API instance settings), else the global
 * {@code ai-worker.credits.alert-url}. Like the global one, the URL may hold a token: it is never
 * logged and travels only in the CamelHttpUri header of routes/08-credits' alert-post.
 */
@Component("alertUrl")
public class AlertUrl {

    private final CreditAlert global;
    private final InstanceSettingsCache instances;

    public AlertUrl(CreditAlert global, InstanceSettingsCache instances) {
        this.global = global;
        this.instances = instances;
    }

    /** The alert URL of the instance (null or blank instance: the global one). */
    public String url(String instance) {
        String own = instance == null || instance.isBlank() ? null : own(instance);
        return own != null ? own : global.url();
    }

    /** Whether the instance's alerts are posted anywhere. */
    public boolean enabled(String instance) {
        return !url(instance).isEmpty();
    }

    private String own(String instance) {
        JsonNode url = instances.agentSettings(instance).path("alert_url");
        return url.isTextual() && !url.asText().isBlank() ? url.asText().strip() : null;
    }

    /** Checks an {@code agent.alert_url} given to the admin API: an absolute http(s) URL with a host. */
    public static boolean valid(String url) {
        if (url == null || url.isBlank() || url.length() > 2000) {
            return false;
        }
        try {
            java.net.URI uri = java.net.URI.create(url.strip());
            String scheme = uri.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null
                    && uri.getFragment() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
