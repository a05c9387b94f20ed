package app.clivy.aiworker.knowledge;

/** One stored passage as the worker keeps it for ranking: its place in its document, its text and its search terms' length. */
public record Passage(long id, long documentId, int ordinal, String title, String text, int length) {
}
