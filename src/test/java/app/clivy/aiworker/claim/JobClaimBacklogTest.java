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
 * The job claim ({@code sql/claim-jobs.sql}) with the default quiet period and a backlog of 5,000
 * jobs the planner's statistics have not seen (an OpenRouter outage, a burst), in a transaction
 * rolled back: its per-chat checks probe the chat's open jobs, so no scan of {@code ai_jobs} reads
 * the backlog more than three times. The former checks could run against the whole queue once per
 * candidate: seconds per claim.
 */
class JobClaimBacklogTest extends BundleTest {

    private static final String CLAIM = statement("sql/claim-jobs.sql");
    private static final int BACKLOG = 5000;

    @Test
    void withAQuietPeriodAndABacklogTheStatisticsHaveNotSeenNoScanReadsItMoreThanThreeTimes() {
        inRolledBackTransaction(db, sql -> {
            // a queue of its own: 2,000 jobs done and analyzed while none was pending, as autovacuum
            // leaves a desk's queue
            ownTables(db, "ai_jobs");
            db.update("INSERT INTO ai_jobs (message_id, instance, chat, input_json, status) "
                    + "SELECT g, 'desk', 'old-' || (g % 200), '{}', 'done' FROM generate_series(1, 2000) g");
            db.execute("ANALYZE ai_jobs");
            // then 5,000 jobs, two in each of 2,500 chats, each past its chat's 2.5 s quiet period
            db.update("INSERT INTO ai_jobs (message_id, instance, chat, input_json, quiet_ms, run_at) "
                    + "SELECT 10000 + g, 'desk', 'chat-' || (g % 2500), '{}', 2500, now() - interval '1 second' "
                    + "FROM generate_series(1, ?) g", BACKLOG);

            JsonNode plan = explainAnalyze(sql, CLAIM, Map.of("nodeId", "node-test", "leaseSeconds", 60, "slots", 64));
            List<String> reads = new ArrayList<>();
            long most = mostRowsRead(plan, "ai_jobs", reads);
            System.out.printf("job claim of 64 with 5,000 pending in quiet periods: scans of ai_jobs %s%n", reads);
            assertThat(plan.path("Actual Rows").asLong()).as("jobs claimed").isEqualTo(64);
            assertThat(most).as("rows one scan of ai_jobs read").isLessThanOrEqualTo(3L * BACKLOG);
            // each taken job is its chat's newest
            assertThat(db.queryForObject("SELECT count(*) FROM ai_jobs j WHERE status = 'processing' AND EXISTS "
                    + "(SELECT 1 FROM ai_jobs n WHERE n.instance = j.instance AND n.chat = j.chat AND n.id > j.id)", Long.class))
                    .as("older jobs of a chat taken").isZero();
        });
    }
}
