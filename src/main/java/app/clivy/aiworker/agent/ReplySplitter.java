package app.clivy.aiworker.agent;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A reply cut into WhatsApp messages of at most {@code max} characters each: whole paragraphs packed
 * together while they fit; a paragraph longer than that is cut between sentences, a sentence between
 * words, a word (a long URL) where it must. A reply within the limit is one part, unchanged.
 */
public final class ReplySplitter {

    private ReplySplitter() {
    }

    public static List<String> split(String text, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive");
        }
        if (text == null || text.length() <= max) {
            return text == null ? List.of() : List.of(text);
        }
        List<String> pieces = new ArrayList<>();
        for (String paragraph : text.split("\n\\s*\n")) {
            String p = paragraph.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.length() <= max) {
                pieces.add(p);
            } else {
                pieces.addAll(sentences(p, max));
            }
        }
        return pack(pieces, max, "\n\n");
    }

    /** Pieces joined with {@code glue} into parts of at most {@code max} characters, in order. */
    private static List<String> pack(List<String> pieces, int max, String glue) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (String piece : pieces) {
            if (part.length() > 0 && part.length() + glue.length() + piece.length() > max) {
                parts.add(part.toString());
                part.setLength(0);
            }
            if (part.length() > 0) {
                part.append(glue);
            }
            part.append(piece);
        }
        if (part.length() > 0) {
            parts.add(part.toString());
        }
        return parts;
    }

    /**
     * A paragraph over the limit: its lines packed (joined by a line break); a line over the limit cut
     * between sentences first (joined by a space). Each cut piece already fills its part, so two of
     * them never share one.
     */
    private static List<String> sentences(String paragraph, int max) {
        List<String> pieces = new ArrayList<>();
        for (String line : paragraph.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.length() <= max) {
                pieces.add(line);
                continue;
            }
            List<String> sentences = new ArrayList<>();
            BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
            it.setText(line);
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String sentence = line.substring(start, end).strip();
                if (sentence.length() <= max) {
                    if (!sentence.isEmpty()) {
                        sentences.add(sentence);
                    }
                } else {
                    sentences.addAll(words(sentence, max));
                }
            }
            pieces.addAll(pack(sentences, max, " "));
        }
        return pack(pieces, max, "\n");
    }

    /** A sentence over the limit: words packed; a word over the limit cut. */
    private static List<String> words(String sentence, int max) {
        List<String> pieces = new ArrayList<>();
        for (String word : sentence.split("\\s+")) {
            for (int i = 0; i < word.length(); i += max) {
                pieces.add(word.substring(i, Math.min(word.length(), i + max)));
            }
        }
        return pack(pieces, max, " ");
    }
}
