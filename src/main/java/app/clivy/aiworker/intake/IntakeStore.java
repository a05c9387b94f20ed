package app.clivy.aiworker.intake;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

import app.clivy.aiworker.http.HttpRefusal;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Stores inbound messages and their jobs with group commit: the messages that arrive while a
 * statement is running are stored together by the next one ({@code sql/intake-messages.sql}, at most
 * {@code ai-worker.intake.store-batch} per statement, {@code store-writers} statements at a time).
 * There is no waiting for a batch to fill: a lone message is written at once, and under load the
 * batches grow by themselves, so the database does one statement and one commit for many posts.
 *
 * <p>Each caller gets its own message's result only after the statement that stored it committed,
 * so a 202 still means stored. A batch whose data the database refuses (a constraint, a value it
 * cannot read) is written again one message per statement, so that message fails alone; a database
 * that is down or times out fails the whole batch at once (each caller's 503), without trying each
 * message again. The same gateway message id twice in one batch is stored once; the second caller
 * gets the job as a duplicate.
 */
@Component("intakeStore")
public class IntakeStore implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeStore.class);

    /** The statement's arrays, in its parameter order: the row keys of {@link WebhookEventParser}. */
    private static final List<String> TEXT_COLUMNS = List.of("instance", "chat", "gatewayMessageId", "sender", "pushName",
            "text", "gateway", "gatewayAccount", "replyTo", "sentAt");
    private static final List<String> INT_COLUMNS_BEFORE_JSON = List.of("maxAttempts", "contextMessages");

    /** One caller's message and the answer it waits for. */
    private record Pending(Map<String, Object> row, CompletableFuture<Map<String, Object>> result) {
        String key() {
            return row.get("instance") + "\u0000" + row.get("gatewayMessageId");
        }
    }

    private static final Pending STOP = new Pending(Map.of(), new CompletableFuture<>());

    private final JdbcTemplate db;
    private final String sql;
    private final int batchMax;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private final DistributionSummary batchSizes;
    private final long retryAfterSeconds;
    private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean stopping;

    public IntakeStore(JdbcTemplate db, IntakeSettings settings, MeterRegistry meters) throws java.io.IOException {
        this.db = db;
        this.retryAfterSeconds = settings.retryAfterSeconds();
        this.sql = new ClassPathResource("sql/intake-messages.sql").getContentAsString(StandardCharsets.UTF_8);
        this.batchMax = settings.storeBatch();
        this.batchSizes = DistributionSummary.builder("ai_worker_intake_batch_messages")
                .description("Inbound messages stored per intake statement (group commit)")
                .register(meters);
        for (int i = 1; i <= settings.storeWriters(); i++) {
            Thread writer = new Thread(this::write, "intake-writer-" + i);
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
    }

    /**
     * Stores the message of {@code row} (a row of {@link WebhookEventParser#parse}) with its job and
     * returns {@code job_id} and {@code created}; null when a concurrent post of the same gateway
     * message id holds it, not yet committed (ask again).
     */
    public Map<String, Object> store(Map<String, Object> row) throws Exception {
        if (stopping) {
            throw stopped();
        }
        Pending pending = new Pending(row, new CompletableFuture<>());
        queue.add(pending);
        received.incrementAndGet();
        try {
            return pending.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void write() {
        List<Pending> batch = new ArrayList<>(batchMax);
        while (true) {
            batch.clear();
            try {
                Pending first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, batchMax - 1);
            } catch (InterruptedException e) {
                return;
            }
            int stops = (int) batch.stream().filter(p -> p == STOP).count();
            batch.removeIf(p -> p == STOP);
            for (int i = 1; i < stops; i++) {
                queue.add(STOP); // another writer's
            }
            try {
                writeBatch(batch);
            } catch (Throwable unexpected) {
                // never leave a caller waiting: whatever went wrong, each is answered (a 500 or 503)
                LOG.error("Intake batch of {} failed unexpectedly", batch.size(), unexpected);
                batch.forEach(p -> p.result().completeExceptionally(unexpected));
            }
            if (stops > 0) {
                return;
            }
        }
    }

    private void writeBatch(List<Pending> batch) {
        // one statement row per gateway message id; a second post of it in this batch is its duplicate
        Map<String, List<Pending>> byKey = new LinkedHashMap<>();
        for (Pending p : batch) {
            byKey.computeIfAbsent(p.key(), k -> new ArrayList<>(1)).add(p);
        }
        List<List<Pending>> keys = new ArrayList<>(byKey.values());
        try {
            complete(keys, insert(keys));
        } catch (RuntimeException e) {
            if (keys.size() == 1 || !(e instanceof DataIntegrityViolationException)) {
                // one message, or the database itself failing (unreachable, timed out): every caller's 503 at once
                keys.forEach(callers -> callers.forEach(p -> p.result().completeExceptionally(e)));
                return;
            }
            LOG.debug("Intake batch of {} failed ({}): storing its messages one by one", keys.size(), e.toString());
            for (List<Pending> one : keys) {
                try {
                    complete(List.of(one), insert(List.of(one)));
                } catch (RuntimeException alone) {
                    one.forEach(p -> p.result().completeExceptionally(alone));
                }
            }
        }
    }

    /** Runs the statement for one message per element of {@code keys}; returns the result per element (null: no row). */
    private Map<Integer, Map<String, Object>> insert(List<List<Pending>> keys) {
        batchSizes.record(keys.size());
        Map<Integer, Map<String, Object>> results = new HashMap<>();
        db.query(con -> prepare(con, keys), (ResultSet rs) -> {
            Map<String, Object> result = new HashMap<>(2);
            result.put("job_id", rs.getLong("job_id"));
            result.put("created", rs.getBoolean("created"));
            results.put(rs.getInt("n") - 1, result);
        });
        return results;
    }

    private PreparedStatement prepare(Connection con, List<List<Pending>> keys) throws SQLException {
        PreparedStatement ps = con.prepareStatement(sql);
        int p = 1;
        for (String column : TEXT_COLUMNS) {
            ps.setArray(p++, textArray(con, keys, column));
        }
        for (String column : INT_COLUMNS_BEFORE_JSON) {
            ps.setArray(p++, intArray(con, keys, column));
        }
        ps.setArray(p++, textArray(con, keys, "inputJson"));
        ps.setArray(p, intArray(con, keys, "quietMs"));
        return ps;
    }

    private static Array textArray(Connection con, List<List<Pending>> keys, String column) throws SQLException {
        Object[] values = new Object[keys.size()];
        for (int i = 0; i < values.length; i++) {
            Object v = keys.get(i).get(0).row().get(column);
            values[i] = v == null ? null : v.toString();
        }
        return con.createArrayOf("text", values);
    }

    private static Array intArray(Connection con, List<List<Pending>> keys, String column) throws SQLException {
        Object[] values = new Object[keys.size()];
        for (int i = 0; i < values.length; i++) {
            Object v = keys.get(i).get(0).row().get(column);
            values[i] = v == null ? null : ((Number) v).intValue();
        }
        return con.createArrayOf("int4", values);
    }

    /** Each element's first caller gets its result; later callers of the same id get it as a duplicate. */
    private static void complete(List<List<Pending>> keys, Map<Integer, Map<String, Object>> results) {
        for (int i = 0; i < keys.size(); i++) {
            Map<String, Object> result = results.get(i);
            List<Pending> callers = keys.get(i);
            callers.get(0).result().complete(result);
            for (Pending later : callers.subList(1, callers.size())) {
                later.result().complete(result == null ? null : Map.of("job_id", result.get("job_id"), "created", false));
            }
        }
    }

    /** Messages handed to the store since start (tests). */
    long received() {
        return received.get();
    }

    /** At shutdown (after the web server stopped taking requests): what is queued is written, then the writers end. */
    @Override
    public void destroy() throws InterruptedException {
        stopping = true;
        for (int i = 0; i < writers.size(); i++) {
            queue.add(STOP);
        }
        for (Thread writer : writers) {
            writer.join(10_000);
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(stopped());
        }
    }

    /** Nothing stored: the gateway sends it again, to this node once it is back or to another. */
    private HttpRefusal stopped() {
        return new HttpRefusal(503, "shutting_down",
                "this worker is shutting down; send the message again later", retryAfterSeconds);
    }
}
