package app.clivy.aiworker.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalogue of docs/testing.md names every test class, and nothing else: a new test without a
 * row, or a row for a test that is gone, fails here instead of drifting.
 */
class TestCatalogueTest {

    private static final Path TESTS = Path.of("src", "test", "java");
    private static final Path CATALOGUE = Path.of("docs", "testing.md");
    /** A test class named in a row's first cell: {@code `credits/CreditAssessorTest`} or {@code `intake/IntakeTest`}. */
    private static final Pattern ABSTRACT = Pattern.compile("(?m)^(public )?abstract class ");
    private static final Pattern NAMED = Pattern.compile("`(?:[a-z]+/)*([A-Z][A-Za-z0-9]*Test)`");

    @Test
    void everyTestClassHasARowAndEveryRowNamesATestClass() throws IOException {
        Set<String> classes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(TESTS)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith("Test.java"))::iterator) {
                if (!ABSTRACT.matcher(Files.readString(file)).find()) {
                    classes.add(file.getFileName().toString().replace(".java", ""));
                }
            }
        }
        Set<String> listed = new TreeSet<>();
        String catalogue = Files.readString(CATALOGUE);
        for (String line : catalogue.substring(catalogue.indexOf("## Catalogue")).split("\n")) {
            if (line.startsWith("| `")) {
                Matcher named = NAMED.matcher(line.substring(0, line.indexOf(" |", 2)));
                while (named.find()) {
                    listed.add(named.group(1));
                }
            }
        }
        assertThat(classes).as("test classes of src/test/java").hasSizeGreaterThan(50);
        assertThat(listed).as("rows of " + CATALOGUE + "'s catalogue").containsAll(classes);
        assertThat(classes).as("classes the catalogue names").containsAll(listed);
    }
}
