package app.clivy.aiworker.claim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 * The job queue's statements with the default quiet period and a backlog of 5,000 jobs the
 * planner's statistics have not seen (an OpenRouter outage, a burst), on a queue of its own in a
 * transaction rolled back. The claim ({@code sql/claim-jobs.sql}) probes each candidate's chat, so
 * no scan reads the backlog more than three times (the former checks read it once per candidate);
 * a completion ({@code sql/job-done.sql}, its chat's older jobs answered with it) and the read
 * receipts' lookup ({@code sql/agent-answered-messages.sql}) read the job's chat, not the queue.
 */
class QueueBacklogTest extends BundleTest {

    private static final int BACKLOG = 5000;

    @Test
    void aClaimWithAQuietPeriodAndABacklogTheStatisticsHaveNotSeenReadsNoScanMoreThanThreeTimesTheBacklog() {
        inRolledBackTransaction(db, sql -> {
            backlog();
            JsonNode plan = explainAnalyze(sql, statement("sql/claim-jobs.sql"),
                    Map.of("nodeId", "node-test", "leaseSeconds", 60, "slots", 64));
            long most = mostRead("job claim of 64", plan);
            // each chat's newer job: 2,500 jobs, 64 of them taken
            assertThat(plan.path("Actual Rows").asLong()).as("jobs claimed").isEqualTo(64);
            assertThat(most).as("rows one scan of ai_jobs read").isLessThanOrEqualTo(3L * BACKLOG);
            assertThat(db.queryForObject("SELECT count(*) FROM ai_jobs j WHERE status = 'processing' AND EXISTS "
                    + "(SELECT 1 FROM ai_jobs n WHERE n.instance = j.instance AND n.chat = j.chat AND n.id > j.id)", Long.class))
                    .as("older jobs of a chat taken").isZero();
        });
    }

    @Test
    void aCompletionAndItsReadReceiptsWithABacklogTheStatisticsHaveNotSeenReadTheChatNotTheQueue() {
        inRolledBackTransaction(db, sql -> {
            backlog();
            // chat-7's newer job is claimed and answers its chat's older one
            long newer = db.queryForObject("SELECT max(id) FROM ai_jobs WHERE chat = 'chat-7'", Long.class);
            db.update("UPDATE ai_jobs SET status = 'processing', lease_token = 7 WHERE id = ?", newer);

            JsonNode receipts = explainAnalyze(sql, statement("sql/agent-answered-messages.sql"), Map.of("id", newer));
            assertThat(mostRead("read receipts' lookup", receipts)).as("rows one scan of ai_jobs read")
                    .isLessThan(100);
            JsonNode done = explainAnalyze(sql, statement("sql/job-done.sql"), Map.of("id", newer, "lease_token", 7,
                    "output", "{\"reply\": \"ok\"}", "deliveryStatus", "off"));
            assertThat(mostRead("completion", done)).as("rows one scan of ai_jobs read")
                    .isLessThan(100);
            assertThat(db.queryForList("SELECT output_json ->> 'answered_by_job' FROM ai_jobs WHERE chat = 'chat-7' AND id < ?",
                    String.class, newer)).as("the older job of the chat").containsExactly(String.valueOf(newer));
        });
    }

    /**
     * A queue of its own (its messages too): 2,000 jobs done and analyzed while none was pending,
     * as autovacuum leaves a desk's queue; then BACKLOG jobs, two in each of 2,500 chats (a message
     * each), each past its chat's 2.5 s quiet period.
     */
    private void backlog() {
        ownTables(db, "ai_jobs", "messages");
        db.update("INSERT INTO ai_jobs (message_id, instance, chat, input_json, status) "
                + "SELECT -g, 'desk', 'old-' || (g % 200), '{}', 'done' FROM generate_series(1, 2000) g");
        db.execute("ANALYZE ai_jobs");
        db.update("""
                WITH m AS (
                    INSERT INTO messages (instance, chat, direction, gateway_message_id, body)
                    SELECT 'desk', 'chat-' || (g % 2500), 'in', 'backlog-' || g, 'question' FROM generate_series(1, ?) g
                    RETURNING id, instance, chat)
                INSERT INTO ai_jobs (message_id, instance, chat, input_json, quiet_ms, run_at)
                SELECT id, instance, chat, '{}', 2500, now() - interval '1 second' FROM m""", BACKLOG);
    }

    /** The most rows one scan of ai_jobs read in {@code plan}; the scans printed. */
    private static long mostRead(String what, JsonNode plan) {
        List<String> reads = new ArrayList<>();
        long most = mostRowsRead(plan, "ai_jobs", reads);
        System.out.printf("%s with 5,000 jobs pending in quiet periods: scans of ai_jobs %s%n", what, reads);
        return most;
    }
}
