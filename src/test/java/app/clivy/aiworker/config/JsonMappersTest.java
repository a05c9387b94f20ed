package app.clivy.aiworker.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jackson's buffers come from one pool shared by all threads, not one set per thread: with 512 job
 * threads the per-thread sets held about 20 MB of the 144 MB heap (bench/README.md, round 5).
 */
class JsonMappersTest {

    @Test
    void theMappersShareOneBoundedBufferPool() throws Exception {
        ObjectMapper one = JsonMappers.create();
        ObjectMapper other = JsonMappers.create();
        assertThat(one.getFactory()._getRecyclerPool())
                .isSameAs(other.getFactory()._getRecyclerPool())
                .isSameAs(JsonRecyclerPools.sharedBoundedPool());
        assertThat(one.readTree("{\"a\":[1,2]}").path("a").size()).isEqualTo(2);
    }

    @Test
    void noClassOfOursMakesAMapperWithJacksonsPerThreadBuffers() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("app.clivy.aiworker");
        noClasses().that().resideOutsideOfPackage("app.clivy.aiworker.config..")
                .should().callConstructor(ObjectMapper.class)
                .orShould().callMethod(JsonFactory.class, "builder")
                .because("JsonMappers.create() and JsonMappers.factoryBuilder() share one buffer pool")
                .check(main);
    }
}
