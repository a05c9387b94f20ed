package app.clivy.aiworker.routes;

import static org.assertj.core.api.Assertions.assertThat;

import app.clivy.aiworker.support.BundleTest;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The route configurations of routes/00-errors.camel.yaml reach exactly the routes that name them
 * (a configuration with an id applies to nothing unless a route names it). Their behaviour in an
 * outage: {@code DatabaseOutageUnderLoadTest} (job sweep, claim, run-job), {@code
 * ReplyDeliveryDatabaseOutageTest} (deliver-reply).
 */
class SharedErrorHandlingTest extends BundleTest {

    static final String SKIP = "database-unavailable-skip";
    static final String LEASE = "database-unavailable-lease";

    static final Map<String, String> EXPECTED = merged(Map.of(
            "job-sweep", SKIP, "claim-jobs", SKIP, "claim-replies", SKIP,
            "run-job", LEASE, "deliver-reply", LEASE, "deliver-parts", LEASE, "delivery-retry", LEASE, "delivery-failed", LEASE,
            "knowledge-index", SKIP, "knowledge-embed", SKIP),
            // the number's health
            Map.of("delivery-paused", LEASE, "delivery-pauses-gauge", SKIP));

    @SafeVarargs
    private static Map<String, String> merged(Map<String, String>... parts) {
        Map<String, String> all = new java.util.HashMap<>();
        for (Map<String, String> part : parts) {
            all.putAll(part);
        }
        return Map.copyOf(all);
    }

    @Autowired
    CamelContext camel;

    @Test
    void eachSharedClauseIsOnTheRoutesThatNameItAndOnNoOther() {
        for (Route route : camel.getRoutes()) {
            String expected = EXPECTED.get(route.getRouteId());
            for (String clause : new String[] {SKIP, LEASE}) {
                if (clause.equals(expected)) {
                    assertThat(route.getConfigurationId()).as(route.getRouteId()).isEqualTo(clause);
                    assertThat(route.getOnException(clause)).as(route.getRouteId() + " has " + clause).isNotNull();
                } else {
                    assertThat(route.getOnException(clause)).as(route.getRouteId() + " has no " + clause).isNull();
                }
            }
        }
        assertThat(EXPECTED.keySet()).allSatisfy(id -> assertThat(camel.getRoute(id)).as(id).isNotNull());
    }
}
