package app.clivy.aiworker.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts a document into passages of a few hundred to {@code maxChars} characters on paragraph and
 * sentence boundaries. A passage ends at a paragraph boundary once it holds {@code targetChars},
 * and before a Markdown heading once it holds a third of that (a heading begins its section's
 * passage); otherwise before the sentence that would make it longer than {@code maxChars}. The next
 * passage repeats the last sentence of the one before (an overlap, so an answer spread over the cut
 * is whole in one of them), except after a heading. Only a single sentence longer than
 * {@code maxChars} is cut inside, between words.
 */
public final class PassageSplitter {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?…])\\s+(?=\\S)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+\\S.*");
    private static final int MAX_OVERLAP_CHARS = 250;

    private final int targetChars;
    private final int maxChars;

    public PassageSplitter(int targetChars, int maxChars) {
        if (targetChars < 1 || maxChars < targetChars) {
            throw new IllegalArgumentException("need 0 < target <= max, not " + targetChars + " and " + maxChars);
        }
        this.targetChars = targetChars;
        this.maxChars = maxChars;
    }

    /** One sentence (or a heading line) and whether it begins a paragraph or a heading. */
    private record Unit(String text, boolean paragraphStart, boolean heading) {
    }

    public List<String> split(String document) {
        List<String> passages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String lastSentence = null;
        for (Unit unit : units(document)) {
            boolean boundary = unit.heading() ? current.length() >= targetChars / 3
                    : unit.paragraphStart() && current.length() >= targetChars;
            boolean overflow = current.length() > 0 && current.length() + 1 + unit.text().length() > maxChars;
            if (boundary || overflow) {
                passages.add(current.toString());
                current.setLength(0);
                if (!unit.heading() && lastSentence != null && lastSentence.length() <= MAX_OVERLAP_CHARS
                        && lastSentence.length() + 1 + unit.text().length() <= maxChars) {
                    current.append(lastSentence);
                }
            }
            if (current.length() > 0) {
                current.append(unit.paragraphStart() || unit.heading() ? '\n' : ' ');
            }
            current.append(unit.text());
            lastSentence = unit.heading() ? null : unit.text();
        }
        if (!current.isEmpty()) {
            passages.add(current.toString());
        }
        return passages;
    }

    private List<Unit> units(String document) {
        List<Unit> units = new ArrayList<>();
        for (String paragraph : document.replace("\r\n", "\n").replace('\r', '\n').split("\n\\s*\n")) {
            boolean first = true;
            for (String line : paragraph.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (HEADING.matcher(trimmed).matches()) {
                    units.add(new Unit(trimmed, true, true));
                    first = false;
                    continue;
                }
                // a line of its own (a list item, a table row) is a paragraph start as well: it is
                // joined to the one before with a line break
                boolean lineStart = true;
                for (String sentence : SENTENCE_END.split(trimmed)) {
                    for (String piece : cutLong(sentence.strip())) {
                        units.add(new Unit(piece, first || lineStart, false));
                        first = false;
                        lineStart = false;
                    }
                }
            }
        }
        return units;
    }

    /** A sentence longer than a passage: cut between words, the only cut inside a sentence. */
    private List<String> cutLong(String sentence) {
        if (sentence.length() <= maxChars) {
            return List.of(sentence);
        }
        List<String> pieces = new ArrayList<>();
        String rest = sentence;
        while (rest.length() > maxChars) {
            int cut = rest.lastIndexOf(' ', maxChars);
            if (cut < maxChars / 2) {
                cut = maxChars;
            }
            pieces.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut).strip();
        }
        if (!rest.isEmpty()) {
            pieces.add(rest);
        }
        return pieces;
    }
}
