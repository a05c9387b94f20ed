package app.clivy.aiworker.knowledge;

import java.util.List;

/**
 * What a question got from the instance's knowledge: the passages for the prompt, best first,
 * within the budget, and how meaning search went ({@code used}; {@code off}: no key or model;
 * {@code not_ready}: no passage has a vector yet; {@code failed}: the embeddings call failed,
 * {@code meaningError} says how, and the ranking is word search alone).
 */
public record Retrieval(List<PassageHit> passages, String meaningSearch, String meaningError, int candidates,
                        long cpuNanos) {

    public static Retrieval none(String meaningSearch, String meaningError) {
        return new Retrieval(List.of(), meaningSearch, meaningError, 0, 0);
    }
}
