package app.clivy.aiworker.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages follow the pipeline's stages (docs/testing.md, "Where the code is"): no two of them
 * depend on each other in a circle, and what replaces or wraps a stock part ({@code platform}, one
 * sub-package each, docs/replaced-parts.md) uses no business package, so it can be deleted when the
 * upstream fix arrives.
 */
class PackageGraphTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("app.clivy.aiworker");

    @Test
    void thePackagesDependOnEachOtherWithoutACycle() {
        slices().matching("app.clivy.aiworker.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void thePlatformPartsEachDependOnNoOtherPackageOfOurs() {
        slices().matching("app.clivy.aiworker.platform.(*)..").should().notDependOnEachOther().check(MAIN);
        noClasses().that().resideInAPackage("app.clivy.aiworker.platform..")
                .should().dependOnClassesThat(resideInAPackage("app.clivy.aiworker..")
                        .and(not(resideInAPackage("app.clivy.aiworker.platform.."))))
                .check(MAIN);
    }
}
