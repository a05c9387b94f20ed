package app.clivy.aiworker.platform.pgevent;

import java.util.Map;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.component.pgevent.PgEventComponent;
import org.apache.camel.component.pgevent.PgEventEndpoint;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The {@code pgevent} component with a listener that reconnects once and stays connected.
 * <p>
 * Camel 4.17's consumer keeps reconnecting after a successful reconnect (CAMEL-23646, fixed only in
 * later releases), leaking a connection and a LISTEN every {@code reconnectDelay}. Registered under
 * the name {@code pgevent}, this bean takes the place of the stock component, so routes keep the
 * ordinary {@code pgevent:} URI. User and password default to the worker's database settings, so no
 * secret needs to appear in a route's URI.
 */
@Component("pgevent")
public class ReconnectingPgEventComponent extends PgEventComponent {

    private final String defaultUser;
    private final String defaultPassword;

    public ReconnectingPgEventComponent(@Value("${ai-worker.db.user:postgres}") String defaultUser,
                                        @Value("${ai-worker.db.password:}") String defaultPassword) {
        this.defaultUser = defaultUser;
        this.defaultPassword = defaultPassword;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PgEventEndpoint endpoint = new PgEventEndpoint(uri, this) {
            @Override
            public Consumer createConsumer(Processor processor) throws Exception {
                ReconnectingPgEventConsumer consumer = new ReconnectingPgEventConsumer(this, processor);
                configureConsumer(consumer);
                return consumer;
            }
        };
        endpoint.setUser(defaultUser);
        endpoint.setPass(defaultPassword);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
