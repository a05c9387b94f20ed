package app.clivy.aiworker.knowledge;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Indexing progress as gauges, all instances together: {@code ai_worker_knowledge_waiting{what=documents}}
 * (documents not yet cut into passages) and {@code {what=passages_without_vector}} (passages waiting for,
 * or failing to get, a vector). Read from the database at most every 5 s, however often scraped.
 */
@Component
public class KnowledgeMetrics {

    private static final Duration REFRESH = Duration.ofSeconds(5);

    private final JdbcTemplate db;
    private volatile Map<String, Object> counts = Map.of();
    private volatile long readAt;

    public KnowledgeMetrics(MeterRegistry registry, JdbcTemplate db) {
        this.db = db;
        for (String what : new String[] {"documents", "passages_without_vector"}) {
            Gauge.builder("ai_worker_knowledge_waiting", this, m -> m.count(what)).tag("what", what)
                    .description("knowledge indexing queue: documents to cut into passages, passages without a vector")
                    .register(registry);
        }
    }

    private double count(String what) {
        long now = System.nanoTime();
        if (now - readAt > REFRESH.toNanos()) {
            readAt = now;
            try {
                counts = db.queryForMap("SELECT (SELECT count(*) FROM documents WHERE index_status = 'pending') AS documents, "
                        + "(SELECT count(*) FROM knowledge_passages WHERE embedding IS NULL) AS passages_without_vector");
            } catch (DataAccessException e) {
                // database away: the last figures stay
            }
        }
        return counts.get(what) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
