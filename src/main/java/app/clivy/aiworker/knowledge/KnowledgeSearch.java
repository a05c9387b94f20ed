package app.clivy.aiworker.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Retrieval for one question (routes/05-context.camel.yaml and the preview of the admin API): ranks
 * the instance's passages by words (BM25) and by meaning (cosine, when the question has a vector),
 * fuses both rankings by reciprocal rank fusion and keeps the best passages that fit the budget.
 * Each instance's passages are held in memory ({@link KnowledgeIndex}) and loaded again when the
 * instance's knowledge version (read by the context statement) has moved, at most once per
 * {@code cache-refresh-ms}; vectors are loaded once each.
 */
@Component("knowledgeSearch")
public class KnowledgeSearch {

    private static final ObjectMapper JSON = JsonMappers.create();
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private final NamedParameterJdbcTemplate db;
    private final KnowledgeSettings settings;
    private final KnowledgeEmbeddings embeddings;
    private final String passagesSql;
    private final String vectorsSql;
    private final Map<String, KnowledgeIndex> cache = new ConcurrentHashMap<>();

    private final app.clivy.aiworker.instances.InstanceSettingsCache instances;

    public KnowledgeSearch(NamedParameterJdbcTemplate db, KnowledgeSettings settings, KnowledgeEmbeddings embeddings,
                           app.clivy.aiworker.instances.InstanceSettingsCache instances) {
        this.db = db;
        this.instances = instances;
        this.settings = settings;
        this.embeddings = embeddings;
        this.passagesSql = sql("sql/knowledge-passages.sql");
        this.vectorsSql = sql("sql/knowledge-vectors.sql");
    }

    /**
     * @param instance    the job's instance
     * @param context     the row of sql/context.sql: {@code knowledge_version} (null: no passages)
     *                    and {@code question_terms} (a JSON array; null without a version)
     * @param vector      the question's embedding, or null
     * @param meaningFail why the question has no embedding although meaning search is on, or null
     * @param budget      characters of passage text the prompt takes
     */
    public Retrieval retrieve(String instance, Map<String, Object> context, float[] vector, String meaningFail,
                              int budget) throws IOException {
        Object version = context.get("knowledge_version");
        String meaning = !embeddings.enabled() ? "off" : meaningFail != null ? "failed" : vector == null ? "not_ready" : "used";
        if (version == null) {
            return Retrieval.none(meaning, meaningFail);
        }
        List<String> terms = new ArrayList<>();
        JSON.readTree(String.valueOf(context.get("question_terms"))).forEach(t -> terms.add(t.asText()));
        long cpu = CPU.getCurrentThreadCpuTime();
        KnowledgeIndex index = index(instance, ((Number) version).longValue());
        Retrieval ranked = rank(index, terms, vector, meaning, meaningFail, budget);
        return new Retrieval(ranked.passages(), ranked.meaningSearch(), ranked.meaningError(), ranked.candidates(),
                CPU.getCurrentThreadCpuTime() - cpu);
    }

    /** Characters of passage text in the prompt of this instance's jobs: its knowledge_chars, else budget-chars. */
    public int budget(String instance) {
        return instances.of(instance).knowledgeChars();
    }

    /** Whether a question of this instance should be embedded: meaning search is on and some passage has a vector. */
    public boolean wantsVector(String instance, Map<String, Object> context) {
        Object version = context.get("knowledge_version");
        if (!embeddings.enabled() || version == null) {
            return false;
        }
        return index(instance, ((Number) version).longValue()).vectorCount > 0;
    }

    Retrieval rank(KnowledgeIndex index, List<String> terms, float[] vector, String meaning, String meaningFail,
                   int budget) {
        int limit = settings.candidates();
        List<KnowledgeIndex.Scored> words = index.words(terms, limit);
        List<KnowledgeIndex.Scored> near = vector == null ? List.of() : index.meaning(vector, limit);
        if (vector != null && near.isEmpty()) {
            meaning = "not_ready";
        }
        Map<Integer, double[]> fused = new LinkedHashMap<>(); // index -> word score, rank, meaning score, rank, fused
        for (int r = 0; r < words.size(); r++) {
            double[] f = fused.computeIfAbsent(words.get(r).index(), k -> new double[5]);
            f[0] = words.get(r).score();
            f[1] = r + 1;
            f[4] += 1.0 / (settings.rrfK() + r + 1);
        }
        for (int r = 0; r < near.size(); r++) {
            double[] f = fused.computeIfAbsent(near.get(r).index(), k -> new double[5]);
            f[2] = near.get(r).score();
            f[3] = r + 1;
            f[4] += 1.0 / (settings.rrfK() + r + 1);
        }
        List<Map.Entry<Integer, double[]>> order = new ArrayList<>(fused.entrySet());
        order.sort(Comparator.<Map.Entry<Integer, double[]>>comparingDouble(e -> e.getValue()[4]).reversed()
                .thenComparingLong(e -> index.passages[e.getKey()].id()));
        List<PassageHit> chosen = new ArrayList<>();
        int left = budget;
        for (var e : order) {
            Passage p = index.passages[e.getKey()];
            if (p.text().length() > left) {
                continue;
            }
            double[] f = e.getValue();
            chosen.add(new PassageHit(p, f[0], (int) f[1], f[2], (int) f[3], f[4]));
            left -= p.text().length();
        }
        return new Retrieval(List.copyOf(chosen), meaning, meaningFail, order.size(), 0);
    }

    /** The instance's index at {@code version} or newer; loaded again when older and the last load is older than the refresh period. */
    KnowledgeIndex index(String instance, long version) {
        KnowledgeIndex cached = cache.get(instance);
        if (fresh(cached, version)) {
            return cached;
        }
        // one load per instance at a time: the jobs that find it stale together wait for that one
        return cache.compute(instance, (key, current) -> fresh(current, version) ? current : load(key, version, current));
    }

    private boolean fresh(KnowledgeIndex index, long version) {
        return index != null && (index.version >= version
                || System.nanoTime() - index.loadedAtNanos < TimeUnit.MILLISECONDS.toNanos(settings.cacheRefreshMs()));
    }

    private KnowledgeIndex load(String instance, long version, KnowledgeIndex previous) {
        List<Passage> passages = new ArrayList<>();
        List<String[]> terms = new ArrayList<>();
        db.query(passagesSql, Map.of("instance", instance), rs -> {
            String[] t = rs.getString("terms").isEmpty() ? new String[0] : rs.getString("terms").split(" ");
            passages.add(new Passage(rs.getLong("id"), rs.getLong("document_id"), rs.getInt("ordinal"),
                    rs.getString("title"), rs.getString("text"), t.length));
            terms.add(t);
        });
        Map<Long, float[]> vectors = new HashMap<>();
        long after = 0;
        if (previous != null) {
            // passages never change their text (a changed document gets new ones): keep the loaded vectors
            for (Passage p : passages) {
                float[] v = previous.vectorsById.get(p.id());
                if (v != null) {
                    vectors.put(p.id(), v);
                }
            }
            after = previous.lastEmbeddedSeq;
        }
        long[] last = {after};
        if (embeddings.enabled()) {
            db.query(vectorsSql, Map.of("instance", instance, "model", embeddings.model(), "after", after), rs -> {
                vectors.put(rs.getLong("id"), KnowledgeIndex.normalised(floats(rs.getBytes("vector"))));
                last[0] = Math.max(last[0], rs.getLong("embedded_seq"));
            });
        }
        return new KnowledgeIndex(version, passages, terms, vectors, last[0]);
    }

    /** PostgreSQL's binary one-dimensional real[] (array_send): header, then length-prefixed 4-byte floats. */
    static float[] floats(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int dims = buf.getInt();
        buf.getInt(); // has nulls
        buf.getInt(); // element type
        if (dims == 0) {
            return new float[0];
        }
        int n = buf.getInt();
        buf.getInt(); // lower bound
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            buf.getInt(); // element length (4)
            out[i] = buf.getFloat();
        }
        return out;
    }

    /**
     * The job's {@code output_json} with what its knowledge was: {@code knowledge.meaning_search}
     * (used / off / not_ready / failed, and {@code meaning_search_error}) and {@code
     * knowledge.passages}, the passages in its prompt in prompt order with their scores.
     */
    public String record(String output, Retrieval retrieval) throws IOException {
        if (retrieval == null) {
            return output;
        }
        ObjectNode node = (ObjectNode) JSON.readTree(output);
        node.set("knowledge", describe(retrieval, false));
        return node.toString();
    }

    /** The retrieval as JSON: for output_json, or with the passages' text for the admin API's preview. */
    public ObjectNode describe(Retrieval retrieval, boolean withText) {
        ObjectNode knowledge = JSON.createObjectNode();
        knowledge.put("meaning_search", retrieval.meaningSearch());
        knowledge.put("retrieval_cpu_ms", Math.round(retrieval.cpuNanos() / 1000.0) / 1000.0);
        if (retrieval.meaningError() != null) {
            knowledge.put("meaning_search_error", retrieval.meaningError());
        }
        ArrayNode passages = knowledge.putArray("passages");
        for (PassageHit hit : retrieval.passages()) {
            ObjectNode p = passages.addObject();
            p.put("document_id", hit.passage().documentId());
            p.put("passage_id", hit.passage().id());
            p.put("ordinal", hit.passage().ordinal());
            p.put("title", hit.passage().title());
            p.put("word_score", round(hit.wordScore()));
            p.put("word_rank", hit.wordRank());
            p.put("meaning_score", round(hit.meaningScore()));
            p.put("meaning_rank", hit.meaningRank());
            p.put("fused_score", round(hit.fusedScore()));
            if (withText) {
                p.put("text", hit.passage().text());
            }
        }
        return knowledge;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    static String sql(String path) {
        try (var in = new ClassPathResource(path).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
