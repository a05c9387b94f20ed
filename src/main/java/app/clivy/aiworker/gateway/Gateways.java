package app.clivy.aiworker.gateway;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/** Every {@link WhatsAppGateway} bean, by name; which one an event comes from. */
@Component
public class Gateways {

    private final Map<String, WhatsAppGateway> byName;
    private final WhatsAppGateway fallback;

    public Gateways(List<WhatsAppGateway> gateways) {
        this.byName = gateways.stream().collect(Collectors.toMap(WhatsAppGateway::name, Function.identity(),
                (a, b) -> {
                    throw new IllegalStateException("two gateways named " + a.name());
                }, TreeMap::new));
        this.fallback = byName.get(EvolutionGo.NAME);
    }

    /** The gateway of that name, or null. */
    public WhatsAppGateway named(String name) {
        return name == null ? null : byName.get(name);
    }

    public java.util.Set<String> names() {
        return byName.keySet();
    }

    /** The gateway whose shape the event has; the reference card's shape (Evolution GO) when none claims it. */
    public WhatsAppGateway recognise(JsonNode event) {
        for (WhatsAppGateway gateway : byName.values()) {
            if (gateway != fallback && gateway.recognises(event)) {
                return gateway;
            }
        }
        return fallback;
    }
}
