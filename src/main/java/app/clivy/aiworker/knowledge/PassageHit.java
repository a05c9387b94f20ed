package app.clivy.aiworker.knowledge;

/**
 * A passage a question got, with what put it there: its BM25 score and rank among the word matches
 * (0 when its words do not match), its cosine similarity and rank in meaning search (0 when meaning
 * search did not run or the passage has no vector yet), and the fused score that ordered it.
 */
public record PassageHit(Passage passage, double wordScore, int wordRank, double meaningScore, int meaningRank,
                         double fusedScore) {
}
