package app.clivy.aiworker.support;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/** The whole bundle on a free port with its own embedded PostgreSQL: real HTTP, real SQL, real routes. */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:bundle-test.properties")
public abstract class BundleTest {

    @LocalServerPort
    protected int port;
    /** management.server.port: health, probes, Prometheus, Hawtio and Jolokia answer there. */
    @Value("${local.management.port}")
    protected int managementPort;
    @Autowired
    protected JdbcTemplate db;

    protected WebhookClient client() {
        return new WebhookClient(port, managementPort);
    }

    /** The URL of {@code path} on this bundle: on the management port for the actuator's paths. */
    protected java.net.URI url(String path) {
        return client().uri(path);
    }
}
