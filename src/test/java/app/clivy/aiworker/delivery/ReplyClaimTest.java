package app.clivy.aiworker.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import app.clivy.aiworker.support.BundleTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static app.clivy.aiworker.support.QueuePlans.explainAnalyze;
import static app.clivy.aiworker.support.QueuePlans.inRolledBackTransaction;
import static app.clivy.aiworker.support.QueuePlans.mostRowsRead;
import static app.clivy.aiworker.support.QueuePlans.ownTables;
import static app.clivy.aiworker.support.QueuePlans.statement;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reply claim ({@code sql/deliver-claim.sql}) on the bundle's PostgreSQL, each case in a
 * transaction rolled back, on an outbox of its own ({@code QueuePlans.ownTables}): it takes each chat's oldest pending reply and nothing of a chat whose
 * oldest reply is in flight, waiting for a retry or of a paused instance. With a backlog of 5,000
 * replies (a gateway outage) no scan reads the backlog more than three times, also when the planner's
 * statistics were taken before the backlog (the usual case); when they know it, a claim of 64
 * reads about 64 rows.
 */
class ReplyClaimTest extends BundleTest {

    private static final String CLAIM = statement("sql/deliver-claim.sql");
    private static final int BACKLOG = 5000;

    @Test
    void itTakesEachChatsOldestPendingReplyAndNothingOfAChatWhoseOldestIsInFlightWaitingOrPaused() {
        inRolledBackTransaction(db, sql -> {
            ownTables(db, "messages");
            String instance = "claim-" + UUID.randomUUID();
            String paused = "claim-paused-" + UUID.randomUUID();
            // a: the oldest is in flight (its lease holds); b: the oldest waits for a retry
            reply(instance, "a", "now()", "now() + interval '60 seconds'");
            reply(instance, "a", "now()", null);
            reply(instance, "b", "now() + interval '60 seconds'", null);
            reply(instance, "b", "now()", null);
            // c: two due, the newer one due first; d: the oldest's lease ran out (a node died mid-delivery)
            long c1 = reply(instance, "c", "now() - interval '5 seconds'", null);
            reply(instance, "c", "now() - interval '10 seconds'", null);
            long d1 = reply(instance, "d", "now()", "now() - interval '1 second'");
            // e: due, of an instance whose delivery is paused
            reply(paused, "e", "now()", null);
            db.update("INSERT INTO instance_delivery_pauses (instance, paused_at, paused_until, reason) "
                    + "VALUES (?, now(), now() + interval '15 minutes', 'spam_rate_limit')", paused);

            List<Map<String, Object>> claimed = sql.queryForList(CLAIM, Map.of("leaseSeconds", 60, "slots", 1000));
            assertThat(claimed).filteredOn(r -> instance.equals(r.get("instance")) || paused.equals(r.get("instance")))
                    .extracting(r -> ((Number) r.get("id")).longValue())
                    .containsExactlyInAnyOrder(c1, d1);
            // a second claim takes nothing more of them: c's next reply waits for c's oldest
            assertThat(sql.queryForList(CLAIM, Map.of("leaseSeconds", 60, "slots", 1000)))
                    .filteredOn(r -> instance.equals(r.get("instance")) || paused.equals(r.get("instance")))
                    .isEmpty();
        });
    }

    @Test
    void withABacklogTheStatisticsHaveNotSeenNoScanReadsItMoreThanThreeTimes() {
        inRolledBackTransaction(db, sql -> {
            ownTables(db, "messages");
            String instance = "backlog-" + UUID.randomUUID();
            history(instance);
            db.execute("ANALYZE messages");
            backlog(instance);

            long most = claimOf64(sql, "statistics taken before the backlog");
            // the former claim (DISTINCT ON over the pending replies) read them again for each candidate: 449,400 rows
            assertThat(most).as("rows one scan of messages read").isLessThanOrEqualTo(3L * BACKLOG);
        });
    }

    @Test
    void withABacklogTheStatisticsKnowAClaimOfSixtyFourReadsAboutSixtyFourRows() {
        inRolledBackTransaction(db, sql -> {
            ownTables(db, "messages");
            String instance = "backlog-" + UUID.randomUUID();
            history(instance);
            backlog(instance);
            db.execute("ANALYZE messages");

            // the whole backlog read once would be 5,000 (and every notification and sweep would read it again)
            assertThat(claimOf64(sql, "statistics that know the backlog")).as("rows one scan of messages read").isLessThan(500);
        });
    }

    /** A desk's history: a question and a reply sent long ago in each of 2,500 chats. */
    private void history(String instance) {
        db.update("INSERT INTO messages (instance, chat, direction, body) "
                + "SELECT ?, 'chat-' || (g % 2500), 'in', 'question' FROM generate_series(1, 2500) g", instance);
        db.update("INSERT INTO messages (instance, chat, direction, body, delivery_status, delivery_run_at, delivered_at) "
                + "SELECT ?, 'chat-' || (g % 2500), 'out', 'answer', 'sent', now() - interval '1 hour', now() "
                + "FROM generate_series(1, 2500) g", instance);
    }

    /** BACKLOG replies pending, two in each of the 2,500 chats, due over the last five minutes. */
    private void backlog(String instance) {
        db.update("INSERT INTO messages (instance, chat, direction, body, delivery_status, delivery_run_at) "
                + "SELECT ?, 'chat-' || (g % 2500), 'out', 'reply', 'pending', now() - make_interval(secs => g % 300) "
                + "FROM generate_series(1, ?) g", instance, BACKLOG);
    }

    /** Claims 64 replies under EXPLAIN ANALYZE; the most rows one scan of messages read. */
    private static long claimOf64(org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate sql, String statistics) {
        JsonNode plan = explainAnalyze(sql, CLAIM, Map.of("leaseSeconds", 60, "slots", 64));
        List<String> reads = new ArrayList<>();
        long most = mostRowsRead(plan, "messages", reads);
        System.out.printf("reply claim of 64 with 5,000 pending, %s: scans of messages %s%n", statistics, reads);
        assertThat(plan.path("Actual Rows").asLong()).as("replies claimed").isEqualTo(64);
        return most;
    }

    /** Stores a pending reply of {@code chat} due at {@code runAt} (SQL), leased until {@code lockedUntil} (SQL or null); its id. */
    private long reply(String instance, String chat, String runAt, String lockedUntil) {
        return db.queryForObject("INSERT INTO messages (instance, chat, direction, body, delivery_status, delivery_run_at, delivery_locked_until) "
                + "VALUES (?, ?, 'out', 'reply', 'pending', " + runAt + ", " + (lockedUntil == null ? "NULL" : lockedUntil) + ") RETURNING id",
                Long.class, instance, chat + "@s.whatsapp.net");
    }
}
