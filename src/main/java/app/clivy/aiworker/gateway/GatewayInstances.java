package app.clivy.aiworker.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Which instance a post belongs to when the gateway does not name it: wuzapi versions that post only
 * {@code jsonData} with the user's {@code token} (or a {@code userID}). The instance is the one whose
 * gateway settings ({@code ai-worker.gateway.instances.<instance>}) have that {@code token} (the same
 * credential the worker sends its replies with) or that {@code wuzapi-user-id}.
 */
@Component
public class GatewayInstances {

    private final Map<String, Map<String, String>> instances;

    @org.springframework.beans.factory.annotation.Autowired
    public GatewayInstances(Environment env) {
        this(Binder.get(env).bind("ai-worker.gateway.instances", Bindable.<Map<String, Map<String, String>>>of(
                ResolvableType.forClassWithGenerics(Map.class, ResolvableType.forClass(String.class),
                        ResolvableType.forClassWithGenerics(Map.class, String.class, String.class)))).orElse(Map.of()));
    }

    public GatewayInstances(Map<String, Map<String, String>> instances) {
        this.instances = Map.copyOf(instances);
    }

    /** The instance whose gateway token is {@code token} (compared in constant time), or null. */
    public String byToken(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (var e : instances.entrySet()) {
            String own = e.getValue().getOrDefault("token", "");
            if (!own.isEmpty() && MessageDigest.isEqual(own.getBytes(StandardCharsets.UTF_8), given)) {
                found = e.getKey();
            }
        }
        return found;
    }

    /** The instance whose {@code wuzapi-user-id} is {@code userId}, or null. */
    public String byWuzapiUser(String userId) {
        if (userId == null || userId.isBlank()) {
            return null;
        }
        for (var e : instances.entrySet()) {
            if (userId.equals(e.getValue().get("wuzapi-user-id"))) {
                return e.getKey();
            }
        }
        return null;
    }
}
