package app.clivy.aiworker.platform.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The statements of {@code src/main/resources/sql/} written with psql's variables, so each file runs
 * as it is in {@code psql} after {@code \set}: {@code :name} inserts a value as it is (numbers),
 * {@code :'name'} as a quoted literal (text). For camel-sql both become its named parameter
 * {@code :#name}, whose value camel-sql looks up by name in the body (a map), then the headers, then
 * the variables of the exchange.
 *
 * <p>Every file is bound at start in Camel's registry under its classpath name, converted, and a
 * route names it with camel-sql's stock {@code ref:} query: {@code sql:ref:sql/job-done.sql}. As in
 * psql, nothing inside a quoted literal ({@code '...'}, {@code E'...'}, {@code $$...$$}), a quoted
 * name ({@code "..."}) or a comment is a parameter, and {@code ::} is a cast. Files still written with
 * camel-sql's {@code :#name} keep them (the conversion leaves {@code :#} alone) and are named with
 * {@code classpath:} as before; docs/jobs.md lists which are which.
 */
public final class PsqlStatements {

    /** Where the statements are, and the prefix of their names in the registry. */
    public static final String FOLDER = "sql/";

    private PsqlStatements() {
    }

    /** The statement as camel-sql reads it: every psql variable {@code :name} or {@code :'name'} as {@code :#name}. */
    public static String toCamelSql(String psql) {
        StringBuilder out = new StringBuilder(psql.length());
        scan(psql, out, null);
        return out.toString();
    }

    /** The psql variables of the statement, in order, once per occurrence (as many as camel-sql's {@code ?}). */
    public static List<String> parameters(String psql) {
        List<String> names = new ArrayList<>();
        scan(psql, new StringBuilder(psql.length()), names);
        return names;
    }

    /** Every statement of the folder by its registry name ({@code sql/job-done.sql}), converted. */
    public static Map<String, String> load() {
        Map<String, String> statements = new TreeMap<>();
        try {
            for (Resource file : new PathMatchingResourcePatternResolver().getResources("classpath*:" + FOLDER + "*.sql")) {
                statements.put(FOLDER + file.getFilename(), toCamelSql(file.getContentAsString(StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return statements;
    }

    private static void scan(String sql, StringBuilder out, List<String> names) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            int end;
            if (c == '-' && next == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && next == '*') {
                end = blockCommentEnd(sql, i);
            } else if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isNameChar(sql.charAt(i - 2)));
                end = quotedEnd(sql, i, '\'', escapes);
            } else if (c == '"') {
                end = quotedEnd(sql, i, '"', false);
            } else if (c == '$' && (i == 0 || !isNameChar(sql.charAt(i - 1))) && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int close = sql.indexOf(tag, i + tag.length());
                end = close < 0 ? n : close + tag.length();
            } else if (sql.startsWith(":#${", i) || sql.startsWith(":#$simple{", i)) {
                // camel-sql's own :#${expression}: copied whole, its colons are not variables
                end = closingBrace(sql, sql.indexOf('{', i)) + 1;
            } else if (c == ':' && next == ':') {
                end = i + 2;
            } else if (c == ':' && next == '\'' && isNameStart(i + 2 < n ? sql.charAt(i + 2) : 0)) {
                int close = nameEnd(sql, i + 2);
                if (close >= n || sql.charAt(close) != '\'') {
                    throw new IllegalArgumentException("Unclosed :'" + sql.substring(i + 2, close) + " in statement");
                }
                parameter(sql.substring(i + 2, close), out, names);
                i = close + 1;
                continue;
            } else if (c == ':' && next == '"') {
                throw new IllegalArgumentException("psql's :\"name\" (an identifier) cannot be a statement parameter");
            } else if (c == ':' && isNameStart(next)) {
                int close = nameEnd(sql, i + 1);
                parameter(sql.substring(i + 1, close), out, names);
                i = close;
                continue;
            } else {
                end = i + 1;
            }
            out.append(sql, i, end);
            i = end;
        }
    }

    private static void parameter(String name, StringBuilder out, List<String> names) {
        out.append(":#").append(name);
        if (names != null) {
            names.add(name);
        }
    }

    private static int closingBrace(String sql, int open) {
        int depth = 0;
        for (int i = open; i < sql.length(); i++) {
            if (sql.charAt(i) == '{') {
                depth++;
            } else if (sql.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return sql.length() - 1;
    }

    private static int blockCommentEnd(String sql, int from) {
        int depth = 0;
        for (int i = from; i < sql.length() - 1; i++) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i++;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                i++;
                if (--depth == 0) {
                    return i + 1;
                }
            }
        }
        return sql.length();
    }

    /** The index after the closing quote; a doubled quote is part of the text. */
    private static int quotedEnd(String sql, int from, char quote, boolean backslashEscapes) {
        for (int i = from + 1; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i++;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i++;
                } else {
                    return i + 1;
                }
            }
        }
        return sql.length();
    }

    /** {@code $$} or {@code $tag$} starting at {@code from}, else null. */
    private static String dollarTag(String sql, int from) {
        int i = from + 1;
        if (i < sql.length() && isNameStart(sql.charAt(i))) {
            i = nameEnd(sql, i);
        }
        return i < sql.length() && sql.charAt(i) == '$' ? sql.substring(from, i + 1) : null;
    }

    private static int nameEnd(String sql, int from) {
        int i = from;
        while (i < sql.length() && isNameChar(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Binds every statement before the routes start, so {@code sql:ref:sql/<file>} finds it. */
    @Configuration(proxyBeanMethods = false)
    static class Installation {

        @Bean
        CamelContextConfiguration psqlStatements() {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext context) {
                    load().forEach((name, statement) -> context.getRegistry().bind(name, String.class, statement));
                }

                @Override
                public void afterApplicationStart(CamelContext context) {
                }
            };
        }
    }
}
