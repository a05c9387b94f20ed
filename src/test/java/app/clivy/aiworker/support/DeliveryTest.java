package app.clivy.aiworker.support;

import java.time.Duration;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * The whole bundle with reply delivery on, against {@link FakeGateway}: quick backoff (100 ms
 * base), a fast sweep, the gateway breaker open for 1 s (plain test properties: a subclass's
 * {@code @TestPropertySource} can change them). The instance {@link #SECOND_INSTANCE} has its own
 * gateway (the prefix {@link #SECOND_PREFIX} on the same fake). The fake speaks wuzapi's send API,
 * so the gateway type is set to {@code wuzapi} (every reply in its dialect, whatever posted the message).
 */
@TestPropertySource(properties = {"ai-worker.gateway.type=wuzapi", "ai-worker.gateway.sweep-interval-ms=300",
        "ai-worker.gateway.timeout-ms=5000", // roomy: a loaded machine answers slowly
        "ai-worker.gateway.retry-base-ms=100", "ai-worker.gateway.retry-max-ms=400",
        "ai-worker.gateway.max-attempts=8", "ai-worker.gateway.breaker.open-seconds=1",
        // replies in parts (docs/agent.md): a short pause between parts
        "ai-worker.agent.part-pause-ms=100"})
public abstract class DeliveryTest extends WorkerTest {

    public static final String SECOND_INSTANCE = "inst-second-gateway";
    public static final String SECOND_PREFIX = "/second";

    @Autowired
    protected CircuitBreaker gatewayCircuitBreaker;
    @Autowired
    protected app.clivy.aiworker.openrouter.OpenRouterUser openRouterUser;

    /** How log lines name the customer of {@code chat} in this test's instance: the salted id, never the number. */
    protected String customer(String chat) {
        return openRouterUser.idOf(instance, chat);
    }

    @DynamicPropertySource
    static void fakeGateway(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.gateway.url", FakeGateway::baseUrl);
        registry.add("ai-worker.gateway.token", () -> FakeGateway.TOKEN);
        registry.add("ai-worker.gateway.instances." + SECOND_INSTANCE + ".url", () -> FakeGateway.baseUrl() + SECOND_PREFIX);
    }

    @BeforeEach
    void freshGatewayBreaker() {
        gatewayCircuitBreaker.reset();
    }

    /** Stores a reply as job-done does (pending, due now); the insert trigger wakes the delivery. */
    protected long storeReply(String instance, String chat, String body) {
        return db.queryForObject("""
                INSERT INTO messages (instance, chat, direction, body, delivery_status, delivery_run_at)
                VALUES (?, ?, 'out', ?, 'pending', now()) RETURNING id""", Long.class, instance, chat, body);
    }

    protected Map<String, Object> reply(long id) {
        return db.queryForMap("SELECT * FROM messages WHERE id = ?", id);
    }

    protected Map<String, Object> awaitDelivery(long id, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(reply(id).get("delivery_status")));
        return reply(id);
    }
}
