package app.clivy.aiworker.intake;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.RouteEvent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

/**
 * Opens the {@link IntakeGate} when Camel has started the {@code intake} route (its consumer is
 * then registered with the web server) and takes it back when the route stops (a route reload, the
 * context stopping). The notifier is added to the context before it starts (an
 * {@code EventNotifier} bean alone was not called by camel-spring-boot 4.17).
 */
@Component
public class IntakeRouteWatch implements CamelContextConfiguration {

    static final String INTAKE_ROUTE = "intake";

    private final IntakeGate gate;

    public IntakeRouteWatch(IntakeGate gate) {
        this.gate = gate;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        camel.getManagementStrategy().addEventNotifier(new Notifier());
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // the notifier has opened the gate by now
    }

    private final class Notifier extends EventNotifierSupport {

        Notifier() {
            setIgnoreCamelContextEvents(true);
            setIgnoreCamelContextInitEvents(true);
            setIgnoreExchangeEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof RouteEvent route && INTAKE_ROUTE.equals(route.getRoute().getRouteId());
        }

        @Override
        public void notify(CamelEvent event) {
            if (event.getType() == CamelEvent.Type.RouteStarted) {
                gate.intakeRouteRunning(true);
            } else if (event.getType() == CamelEvent.Type.RouteStopped || event.getType() == CamelEvent.Type.RouteRemoved) {
                gate.intakeRouteRunning(false);
            }
        }
    }
}
