package app.clivy.aiworker.instances;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.openrouter.OpenRouterSettings;
import app.clivy.aiworker.worker.WorkerSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The per-instance settings of table {@code instance_settings} merged with the defaults of
 * application.yaml. The whole table (one row per business number) is read at most once per
 * {@code ai-worker.instances.cache-ms} however many jobs run; a change through this node's admin API
 * is used at once ({@link #forget}), one made on another node within the cache period.
 */
@Component("instanceSettings")
public class InstanceSettingsCache {

    private static final ObjectMapper AGENT_JSON = JsonMappers.create();
    private static final JsonNode NO_AGENT_SETTINGS = AGENT_JSON.createObjectNode();

    private final JdbcTemplate db;
    private final String sql;
    private final InstanceDefaults defaults;
    private final ConversationDefaults conversation;
    private final String systemPrompt;
    private final String model;
    private final int knowledgeChars;
    private volatile Map<String, Row> rows;
    private volatile long readAt;

    public InstanceSettingsCache(JdbcTemplate db, InstanceDefaults defaults, ConversationDefaults conversation,
                            WorkerSettings worker, OpenRouterSettings openRouter,
                            // knowledge.budget-chars (KnowledgeSettings), read as a value: knowledge uses this cache
                            @Value("${ai-worker.knowledge.budget-chars}") int knowledgeChars) {
        this.db = db;
        this.defaults = defaults;
        this.conversation = conversation;
        this.systemPrompt = worker.systemPrompt();
        this.model = openRouter.model();
        this.knowledgeChars = knowledgeChars;
        this.sql = sql("sql/instance-settings-all.sql");
    }

    /** The settings the jobs of {@code instance} run with now. */
    public EffectiveSettings of(String instance) {
        return merge(instance, rows().get(instance));
    }

    /** The settings of {@code instance} from its stored values (a row map of the admin API's query). */
    public EffectiveSettings merge(String instance, Map<String, Object> stored) {
        return merge(instance, stored == null ? null : Row.of(stored));
    }

    /**
     * The instance's own agent settings ({@code instance_settings.agent}, admin API; docs/agent.md) as
     * JSON, parsed once when the table is read: an empty object when it has none, or none that can be
     * read (the defaults then apply field by field). Read only: it is the cached row's.
     */
    public JsonNode agentSettings(String instance) {
        Row row = rows().get(instance);
        return row == null || row.agent == null ? NO_AGENT_SETTINGS : row.agent;
    }

    /** Drops the cached table: the next job reads it again (after a change through the admin API). */
    public void forget() {
        readAt = 0;
    }

    private EffectiveSettings merge(String instance, Row row) {
        Row r = row == null ? Row.NONE : row;
        return new EffectiveSettings(instance,
                r.systemPrompt != null ? r.systemPrompt : systemPrompt,
                r.model != null ? r.model : model,
                r.fallbackModels != null ? r.fallbackModels : defaults.fallbackModels(),
                r.enabled != null ? r.enabled : defaults.enabled(),
                r.quietMs != null ? r.quietMs : conversation.quietMs(),
                r.handoffMinutes != null ? r.handoffMinutes : conversation.handoffMinutes(),
                r.dailySpendCapUsd != null ? r.dailySpendCapUsd : defaults.dailySpendCapUsd(),
                r.knowledgeChars != null ? r.knowledgeChars : knowledgeChars);
    }

    private Map<String, Row> rows() {
        long now = System.nanoTime();
        Map<String, Row> current = rows;
        if (current != null && readAt != 0 && now - readAt < defaults.cacheMs() * 1_000_000) {
            return current;
        }
        synchronized (this) {
            if (rows != null && readAt != 0 && System.nanoTime() - readAt < defaults.cacheMs() * 1_000_000) {
                return rows;
            }
            Map<String, Row> read = new HashMap<>();
            for (Map<String, Object> row : db.queryForList(sql)) {
                read.put((String) row.get("instance"), Row.of(row));
            }
            rows = read;
            readAt = System.nanoTime();
            return read;
        }
    }

    private static String sql(String path) {
        try {
            return new ClassPathResource(path).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One stored row; null = the default. */
    private record Row(String systemPrompt, String model, List<String> fallbackModels, Boolean enabled,
                       Long quietMs, Integer handoffMinutes, BigDecimal dailySpendCapUsd,
                       // how the AI behaves in a chat (agent/ChatKeywords): JSON, null = the defaults
                       JsonNode agent,
                       // knowledge budget per instance (docs/knowledge.md): null = ai-worker.knowledge.budget-chars
                       Integer knowledgeChars) {

        static final Row NONE = new Row(null, null, null, null, null, null, null, null, null);

        static Row of(Map<String, Object> row) {
            return new Row((String) row.get("system_prompt"), (String) row.get("model"),
                    models(row.get("fallback_models")), (Boolean) row.get("enabled"),
                    row.get("quiet_ms") == null ? null : ((Number) row.get("quiet_ms")).longValue(),
                    row.get("handoff_minutes") == null ? null : ((Number) row.get("handoff_minutes")).intValue(),
                    (BigDecimal) row.get("daily_spend_cap_usd"),
                    agentSettings(row.get("agent")),
                    row.get("knowledge_chars") == null ? null : ((Number) row.get("knowledge_chars")).intValue());
        }
    }

    /** A stored {@code agent} (jsonb) parsed; null when there is none or it cannot be read (the defaults). */
    private static JsonNode agentSettings(Object stored) {
        if (stored == null) {
            return null;
        }
        try {
            return AGENT_JSON.readTree(String.valueOf(stored));
        } catch (IOException e) {
            // stored by the admin API as JSON; unreadable all the same: the defaults
            return null;
        }
    }

    /** A stored {@code fallback_models} (a SQL array, or an array) as a list; null stays null (the default). */
    public static List<String> models(Object value) {
        if (value == null) {
            return null;
        }
        try {
            Object array = value instanceof Array sql ? sql.getArray() : value;
            return Arrays.stream((Object[]) array).map(String::valueOf).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("fallback_models cannot be read", e);
        }
    }
}
