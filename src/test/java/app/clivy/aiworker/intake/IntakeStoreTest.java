package app.clivy.aiworker.intake;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import app.clivy.aiworker.support.BundleTest;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.WebhookClient.textEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group commit at intake: messages posted while a statement runs are stored by the next statement
 * together, each answered only after that statement committed. The test holds the writers on a
 * table lock until every post reached the store, so the batching is certain, not a matter of timing.
 */
@TestPropertySource(properties = "ai-worker.worker.enabled=false")
class IntakeStoreTest extends BundleTest {

    @Value("${spring.datasource.url}")
    String jdbcUrl;

    @Value("${spring.datasource.username}")
    String user;

    @Value("${spring.datasource.password:}")
    String password;

    @Autowired
    IntakeStore store;

    @Autowired
    MeterRegistry meters;

    final ExecutorService posters = Executors.newFixedThreadPool(24);
    String instance;

    @BeforeEach
    void setUp() {
        instance = "inst-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        posters.shutdownNow();
    }

    @Test
    void postsThatArriveTogetherAreStoredByOneStatementAndEachIsAnsweredAfterItsCommit() throws Exception {
        DistributionSummary batches = meters.get("ai_worker_intake_batch_messages").summary();
        long statementsBefore = batches.count();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try (Connection lock = DriverManager.getConnection(jdbcUrl, user, password); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE messages IN EXCLUSIVE MODE"); // the writers' INSERTs wait
            long received = store.received();
            for (int i = 0; i < 20; i++) {
                String id = "together-" + i;
                answers.add(CompletableFuture.supplyAsync(() -> client().post("/webhook/ai",
                        textEvent(instance, id, "62811100" + id.hashCode() + "@s.whatsapp.net", "Halo " + id)), posters));
            }
            // the same message id twice among them: stored once, the second answered as its duplicate
            for (int i = 0; i < 2; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> client().post("/webhook/ai",
                        textEvent(instance, "twice", "628111000999@s.whatsapp.net", "Halo twice")), posters));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> store.received() - received == 22);
            assertThat(answers).noneMatch(CompletableFuture::isDone); // nothing answered before its commit
            lock.commit();
        }
        List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();

        assertThat(responses.subList(0, 20)).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(202);
            assertThat(r.body()).matches("\\{\"status\":\"queued\",\"job_id\":\\d+}");
        });
        List<HttpResponse<String>> twice = responses.subList(20, 22);
        assertThat(twice).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(202, 200);
        assertThat(twice.get(0).body().replaceAll("\\D", "")).isEqualTo(twice.get(1).body().replaceAll("\\D", ""));

        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE instance = ?", Long.class, instance)).isEqualTo(21);
        assertThat(db.queryForObject("SELECT count(DISTINCT j.id) FROM ai_jobs j JOIN messages m ON m.id = j.message_id "
                + "WHERE m.instance = ? AND j.status = 'pending'", Long.class, instance)).isEqualTo(21);
        // each answer names its own message's job
        for (int i = 0; i < 20; i++) {
            long jobId = Long.parseLong(responses.get(i).body().replaceAll("\\D", ""));
            Map<String, Object> row = db.queryForMap("SELECT m.gateway_message_id FROM ai_jobs j JOIN messages m ON m.id = j.message_id "
                    + "WHERE j.id = ?", jobId);
            assertThat(row).containsEntry("gateway_message_id", "together-" + i);
        }
        // two writers held at most a message or two each; the rest went in at most two more statements
        long statements = batches.count() - statementsBefore;
        assertThat(statements).isBetween(2L, 4L);
        assertThat(batches.max()).isGreaterThanOrEqualTo(9);
    }

    @Test
    void aMessageTheDatabaseRefusesFailsAloneAndTheOthersOfItsBatchAreStored() throws Exception {
        // a rule the database enforces and the parser does not know: that message's statement fails
        db.execute("ALTER TABLE messages ADD CONSTRAINT intake_store_test_refusal CHECK (body <> 'refuse me') NOT VALID");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try (Connection lock = DriverManager.getConnection(jdbcUrl, user, password); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE messages IN EXCLUSIVE MODE");
            long received = store.received();
            for (int i = 0; i < 6; i++) {
                String id = "batch-" + i;
                String text = i == 3 ? "refuse me" : "Halo " + id;
                answers.add(CompletableFuture.supplyAsync(() -> client().post("/webhook/ai",
                        textEvent(instance, id, "628111000" + id.hashCode() + "@s.whatsapp.net", text)), posters));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> store.received() - received == 6);
            lock.commit();
        }
        List<HttpResponse<String>> responses;
        try {
            responses = answers.stream().map(CompletableFuture::join).toList(); // all written before the rule goes
        } finally {
            db.execute("ALTER TABLE messages DROP CONSTRAINT IF EXISTS intake_store_test_refusal");
        }
        for (int i = 0; i < 6; i++) {
            if (i == 3) {
                assertThat(responses.get(i).statusCode()).isNotEqualTo(202);
            } else {
                assertThat(responses.get(i).statusCode()).as(responses.get(i).body()).isEqualTo(202);
            }
        }
        assertThat(db.queryForList("SELECT gateway_message_id FROM messages WHERE instance = ? ORDER BY id", String.class, instance))
                .containsExactlyInAnyOrder("batch-0", "batch-1", "batch-2", "batch-4", "batch-5");
    }
}
