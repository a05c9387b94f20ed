package app.clivy.aiworker.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import app.clivy.aiworker.support.DeliveryTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops while the gateway holds a reply's POST and comes back only after the gateway has
 * answered: writing {@code sent} fails and is tried again (ai-worker.database-retry.*) while the
 * reply keeps its claim, so the reply ends {@code sent} with the gateway's id after exactly one
 * POST, and nothing calls the database outage a gateway failure. The lease is far longer than the
 * test, so only the retried write, not a new claim after the lease, can finish the reply.
 */
@DirtiesContext
// the lease is timeout-ms + 30 s: 330 s, far beyond this test (the gateway answers in 2 s)
@TestPropertySource(properties = "ai-worker.gateway.timeout-ms=300000")
class ReplyDeliveryDatabaseOutageTest extends DeliveryTest {

    private static final String CHAT = "628123456789@s.whatsapp.net";
    /** How long the gateway holds the POST before it answers 200. */
    private static final long GATEWAY_DELAY_MS = 2000;
    /** The pool's connection timeout (application.yaml): a write waits this long for a connection, then fails. */
    private static final long POOL_TIMEOUT_MS = 3000;

    @Autowired
    EmbeddedPostgres embedded;
    @Autowired
    ConfigurableApplicationContext context;
    @Autowired
    CamelContext camel;
    @Value("${ai-worker.embedded-db.data-dir}")
    Path dataDir;

    @Test
    void aReplyWhoseGatewayCallOutlivesPostgresIsRecordedSentAfterItComesBackWithOnePost() throws Exception {
        Queue<Redelivery> redelivered = recordRedeliveries();
        when("dl-db-outage", completion("Pesanan Anda sudah dikirim (dl-db-outage).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(send("dl-db-outage").willReturn(sent("gw-db-outage").withFixedDelay((int) GATEWAY_DELAY_MS)));
        long job = postMessage("dl-db-outage pesanan saya?");

        // the gateway has the POST and holds it: stop PostgreSQL now
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> posts() == 1);
        long seenAt = System.nanoTime();
        Map<String, Object> claimed = db.queryForMap("""
                SELECT id, delivery_status, delivery_attempts, EXTRACT(EPOCH FROM delivery_locked_until - now()) AS lease_left
                  FROM messages WHERE job_id = ? AND direction = 'out'""", job);
        long id = ((Number) claimed.get("id")).longValue();
        assertThat(claimed).containsEntry("delivery_status", "pending").containsEntry("delivery_attempts", 1);
        assertThat(((Number) claimed.get("lease_left")).doubleValue()).as("lease seconds").isGreaterThan(300);
        int dbPort = embedded.getPort();
        embedded.close();
        long stoppedAfterMs = msSince(seenAt);
        assertThat(stoppedAfterMs).as("stopped before the gateway answered").isLessThan(GATEWAY_DELAY_MS);

        // back once the write after the answer has failed and is being tried again; a route that does
        // not try it again gets its database back when that write has certainly failed (it waits at
        // most the pool timeout for a connection)
        while (redelivered.isEmpty() && msSince(seenAt) < GATEWAY_DELAY_MS + POOL_TIMEOUT_MS + 5000) {
            Thread.sleep(50);
        }
        EmbeddedPostgres restarted = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setPort(dbPort).setRegisterShutdownHook(false).start();
        stopAfterCamel(restarted);
        long backAfterMs = msSince(seenAt);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(DataAccessException.class)
                .until(() -> "sent".equals(reply(id).get("delivery_status")));
        long sentAfterMs = msSince(seenAt);
        System.out.printf("reply outage: database stopped %d ms after the gateway had the POST, back at %d ms, reply sent at %d ms, "
                + "%d redeliveries%n", stoppedAfterMs, backAfterMs, sentAfterMs, redelivered.size());

        Map<String, Object> row = reply(id);
        assertThat(row).containsEntry("gateway_reply_id", "gw-db-outage").containsEntry("delivery_attempts", 1)
                .containsEntry("delivery_error", null).containsEntry("delivery_locked_until", null);
        // the write that failed was tried again (the same exchange, not a new claim)
        assertThat(redelivered).isNotEmpty().allSatisfy(r -> {
            assertThat(r.replyId()).isEqualTo(id);
            assertThat(r.step()).isEqualTo("sql://ref:sql/deliver-sent.sql");
            assertThat(r.failure()).isInstanceOf(DataAccessException.class);
        });
        assertThat(logs.lines()).contains("📤 Reply #" + id + " to customer " + customer(CHAT) + " sent (gateway id gw-db-outage)");
        List<String> misnamed = logs.lines().stream().filter(l -> l.contains("Reply #" + id + " ")
                && (l.contains("retry in") || l.contains("delivery failed") || l.contains("left to its lease"))).toList();
        assertThat(misnamed).as("lines blaming the gateway or giving up").isEmpty();
        // no reply's delivery blamed the gateway (a job of another test fetching media in this context may, in its own lines)
        assertThat(logs.lines()).filteredOn(l -> l.contains("Reply #"))
                .noneMatch(l -> l.contains("gateway unreachable") || l.contains("no answer from the gateway"));
        // one POST, and no other later
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> posts() == 1);
    }

    private static int posts() {
        return server().findAll(postRequestedFor(urlEqualTo(SEND)).withRequestBody(containing("dl-db-outage"))).size();
    }

    private static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** A failed step of a reply's delivery that the error handler runs again. */
    private record Redelivery(Object replyId, String step, Throwable failure) {
    }

    private Queue<Redelivery> recordRedeliveries() throws Exception {
        Queue<Redelivery> redelivered = new ConcurrentLinkedQueue<>();
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeRedeliveryEvent redelivery
                        && redelivery.getExchange().getVariable("reply") instanceof Map<?, ?> reply) {
                    Exchange e = redelivery.getExchange();
                    Throwable failure = e.getException() != null ? e.getException() : e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
                    String step = e.getProperty(Exchange.TO_ENDPOINT, String.class);
                    System.out.printf("reply outage: reply #%s, %s again (try %d) after %s%n", reply.get("id"), step, redelivery.getAttempt(), failure);
                    redelivered.add(new Redelivery(reply.get("id"), step, failure));
                }
            }
        };
        notifier.start();
        camel.getManagementStrategy().addEventNotifier(notifier);
        return redelivered;
    }

    /** The restarted server stops when the context closes, after Camel and the pool, as the first one would. */
    private void stopAfterCamel(EmbeddedPostgres restarted) {
        DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
        beans.registerDisposableBean("restartedEmbeddedPostgres", restarted::close);
        beans.registerDependentBean("restartedEmbeddedPostgres", "dataSource");
    }
}
