package app.clivy.aiworker.knowledge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One instance's passages in memory, ranked two ways. Word search: Okapi BM25 (k1 1.2, b 0.75) over
 * the passages' stored terms (sql knowledge_terms: Indonesian and English stems, filler words out),
 * so a rare word weighs more than a common one and a long passage gains nothing by its length.
 * Meaning search: cosine similarity between the question's vector and the passages' vectors
 * (normalised once here, so a dot product). Immutable: a changed knowledge base is a new index.
 */
public final class KnowledgeIndex {

    private static final double K1 = 1.2;
    private static final double B = 0.75;

    final long version;
    final long loadedAtNanos;
    final Passage[] passages;
    /** term -> the passages holding it (indexes into passages) and how often each holds it */
    private final Map<String, int[][]> postings;
    private final double averageLength;
    /** by passage index; null where a passage has no vector of the current model yet */
    final float[][] vectors;
    final int vectorCount;
    /** the newest embedded_seq loaded: the next load asks only for vectors stored after it */
    final long lastEmbeddedSeq;
    final Map<Long, float[]> vectorsById;

    KnowledgeIndex(long version, List<Passage> passages, List<String[]> terms, Map<Long, float[]> vectorsById,
                   long lastEmbeddedSeq) {
        this.version = version;
        this.loadedAtNanos = System.nanoTime();
        this.passages = passages.toArray(Passage[]::new);
        this.lastEmbeddedSeq = lastEmbeddedSeq;
        this.vectorsById = vectorsById;
        Map<String, List<int[]>> lists = new HashMap<>();
        long totalLength = 0;
        for (int i = 0; i < this.passages.length; i++) {
            Map<String, Integer> tf = new HashMap<>();
            for (String term : terms.get(i)) {
                tf.merge(term, 1, Integer::sum);
            }
            totalLength += this.passages[i].length();
            for (var e : tf.entrySet()) {
                lists.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new int[] {i, e.getValue()});
            }
        }
        this.postings = new HashMap<>(lists.size() * 2);
        lists.forEach((term, list) -> {
            int[] idx = new int[list.size()];
            int[] freq = new int[list.size()];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = list.get(k)[0];
                freq[k] = list.get(k)[1];
            }
            postings.put(term, new int[][] {idx, freq});
        });
        this.averageLength = this.passages.length == 0 ? 1 : Math.max(1.0, (double) totalLength / this.passages.length);
        this.vectors = new float[this.passages.length][];
        int count = 0;
        for (int i = 0; i < this.passages.length; i++) {
            vectors[i] = vectorsById.get(this.passages[i].id());
            if (vectors[i] != null) {
                count++;
            }
        }
        this.vectorCount = count;
    }

    public int size() {
        return passages.length;
    }

    /** A scored passage: its index in {@link #passages} and its score. */
    record Scored(int index, double score) {
    }

    /** The best {@code limit} passages by BM25 for the question's terms, best first; only passages sharing a term. */
    List<Scored> words(List<String> questionTerms, int limit) {
        double n = passages.length;
        // scores in a plain array, the touched passages listed once: no boxing per posting
        double[] scores = new double[passages.length];
        int[] touched = new int[16];
        int count = 0;
        for (String term : new java.util.LinkedHashSet<>(questionTerms)) {
            int[][] post = postings.get(term);
            if (post == null) {
                continue;
            }
            int[] idx = post[0];
            int[] freq = post[1];
            double idf = Math.log(1 + (n - idx.length + 0.5) / (idx.length + 0.5));
            for (int k = 0; k < idx.length; k++) {
                int i = idx[k];
                double tf = freq[k];
                double norm = tf + K1 * (1 - B + B * passages[i].length() / averageLength);
                if (scores[i] == 0) {
                    if (count == touched.length) {
                        touched = Arrays.copyOf(touched, count * 2);
                    }
                    touched[count++] = i;
                }
                scores[i] += idf * tf * (K1 + 1) / norm;
            }
        }
        List<Scored> ranked = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            ranked.add(new Scored(touched[c], scores[touched[c]]));
        }
        return best(ranked, limit);
    }

    /** The best {@code limit} passages by cosine similarity to the question's vector, best first. */
    List<Scored> meaning(float[] question, int limit) {
        float[] q = normalised(question);
        List<Scored> ranked = new ArrayList<>(vectorCount);
        for (int i = 0; i < vectors.length; i++) {
            float[] v = vectors[i];
            if (v == null || v.length != q.length) {
                continue;
            }
            double dot = 0;
            for (int d = 0; d < q.length; d++) {
                dot += q[d] * v[d];
            }
            ranked.add(new Scored(i, dot));
        }
        return best(ranked, limit);
    }

    private List<Scored> best(List<Scored> ranked, int limit) {
        ranked.sort(Comparator.comparingDouble(Scored::score).reversed()
                .thenComparingLong(s -> passages[s.index()].id()));
        return ranked.size() > limit ? new ArrayList<>(ranked.subList(0, limit)) : ranked;
    }

    static float[] normalised(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        if (sum == 0) {
            return v;
        }
        float[] out = Arrays.copyOf(v, v.length);
        float norm = (float) Math.sqrt(sum);
        for (int i = 0; i < out.length; i++) {
            out[i] /= norm;
        }
        return out;
    }
}
