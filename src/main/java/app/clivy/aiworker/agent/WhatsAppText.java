package app.clivy.aiworker.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown as a model writes it, turned into the formatting WhatsApp shows: {@code **bold**} and
 * {@code __bold__} become {@code *bold*}, {@code *italic*} becomes {@code _italic_}, {@code ~~x~~}
 * becomes {@code ~x~}; headings become a bold line; tables become one line per row ("header: value");
 * links read {@code text (url)}; lists, numbered lists, quotes and code blocks are kept (WhatsApp
 * shows them); rules and runs of blank lines go. Text without Markdown comes out unchanged.
 */
public final class WhatsAppText {

    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern RULE = Pattern.compile("^\\s{0,3}([-*_])(\\s*\\1){2,}\\s*$");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\s*\\|.*\\|\\s*$");
    private static final Pattern TABLE_SEPARATOR = Pattern.compile("^\\s*\\|?\\s*:?-{2,}:?\\s*(\\|\\s*:?-{2,}:?\\s*)*\\|?\\s*$");
    private static final Pattern BULLET = Pattern.compile("^(\\s*)[*+]\\s+");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)]\\(([^)\\s]+)[^)]*\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\(([^)\\s]+)[^)]*\\)");
    private static final Pattern AUTOLINK = Pattern.compile("<(https?://[^>\\s]+)>");
    private static final Pattern BOLD_ITALIC = Pattern.compile("\\*\\*\\*(?=\\S)(.+?)(?<=\\S)\\*\\*\\*");
    private static final Pattern BOLD = Pattern.compile("(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1");
    private static final Pattern ITALIC = Pattern.compile("(?<![*\\w])\\*(?=\\S)([^*\\n]+?)(?<=\\S)\\*(?![*\\w])");
    private static final Pattern STRIKE = Pattern.compile("~~(?=\\S)(.+?)(?<=\\S)~~");
    /** Stands for a bold marker while italics are converted (a character no reply contains). */
    private static final char BOLD_MARK = '\uE000';

    private WhatsAppText() {
    }

    /** The reply as WhatsApp text. */
    public static String format(String markdown) {
        if (markdown == null || markdown.isEmpty()) {
            return markdown;
        }
        List<String> out = new ArrayList<>();
        List<String> table = new ArrayList<>();
        boolean code = false;
        for (String line : markdown.replace("\r\n", "\n").split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                flushTable(table, out);
                code = !code;
                out.add(line);
                continue;
            }
            if (code) {
                out.add(line);
                continue;
            }
            if (TABLE_ROW.matcher(line).matches() || (!table.isEmpty() && TABLE_SEPARATOR.matcher(line).matches())) {
                table.add(line);
                continue;
            }
            flushTable(table, out);
            if (RULE.matcher(line).matches()) {
                out.add("");
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String title = inline(heading.group(1)).replace("*", "").strip();
                out.add(title.isEmpty() ? "" : "*" + title + "*");
                continue;
            }
            Matcher bullet = BULLET.matcher(line);
            if (bullet.find()) {
                line = bullet.group(1) + "- " + line.substring(bullet.end());
            }
            out.add(inline(line));
        }
        flushTable(table, out);
        return String.join("\n", out).replaceAll("\n{3,}", "\n\n").strip();
    }

    /** Bold, italic, strike-through and links within one line (inline code left alone). */
    static String inline(String line) {
        StringBuilder result = new StringBuilder();
        String[] pieces = line.split("`", -1);
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) {
                result.append('`');
            }
            // odd pieces are inside `code` (when the backticks pair up)
            boolean inCode = i % 2 == 1 && pieces.length % 2 == 1;
            result.append(inCode ? pieces[i] : spans(pieces[i]));
        }
        return result.toString();
    }

    private static String spans(String text) {
        String s = IMAGE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(link(m.group(1), m.group(2))));
        s = LINK.matcher(s).replaceAll(m -> Matcher.quoteReplacement(link(m.group(1), m.group(2))));
        s = AUTOLINK.matcher(s).replaceAll("$1");
        s = BOLD_ITALIC.matcher(s).replaceAll(m -> Matcher.quoteReplacement(BOLD_MARK + "_" + m.group(1) + "_" + BOLD_MARK));
        s = BOLD.matcher(s).replaceAll(m -> Matcher.quoteReplacement(BOLD_MARK + m.group(2) + BOLD_MARK));
        s = ITALIC.matcher(s).replaceAll(m -> Matcher.quoteReplacement("_" + m.group(1) + "_"));
        s = STRIKE.matcher(s).replaceAll(m -> Matcher.quoteReplacement("~" + m.group(1) + "~"));
        return s.replace(BOLD_MARK, '*');
    }

    private static String link(String text, String url) {
        String label = text.strip();
        if (label.isEmpty() || label.equals(url) || ("mailto:" + label).equals(url)) {
            return url.startsWith("mailto:") ? url.substring(7) : url;
        }
        return label + " (" + url + ")";
    }

    /** A table as lines: with a header row, "- header: value, header: value"; without, "- a, b". */
    private static void flushTable(List<String> table, List<String> out) {
        if (table.isEmpty()) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        boolean header = table.size() > 1 && TABLE_SEPARATOR.matcher(table.get(1)).matches();
        for (String line : table) {
            if (TABLE_SEPARATOR.matcher(line).matches()) {
                continue;
            }
            String inner = line.strip();
            inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1 : inner.length());
            List<String> cells = new ArrayList<>();
            for (String cell : inner.split("\\|", -1)) {
                cells.add(inline(cell.strip()));
            }
            rows.add(cells);
        }
        table.clear();
        if (rows.isEmpty()) {
            return;
        }
        List<String> names = header ? rows.remove(0) : null;
        if (rows.isEmpty() && names != null) {
            out.add(String.join(", ", names));
            return;
        }
        for (List<String> row : rows) {
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < row.size(); c++) {
                String value = row.get(c);
                if (value.isEmpty()) {
                    continue;
                }
                String name = names != null && c < names.size() ? names.get(c).replace("*", "") : "";
                cells.add(name.isEmpty() || c == 0 && names != null && isFirstColumnKey(names) ? value : name + ": " + value);
            }
            out.add("- " + String.join(", ", cells));
        }
    }

    /** A table whose first header is empty keys its rows by the first column. */
    private static boolean isFirstColumnKey(List<String> names) {
        return names.get(0).isEmpty();
    }
}
