package app.clivy.aiworker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a start relaunches itself ({@link JvmRelaunch}), with which command, and that the recommended
 * options are the same everywhere they are written down. The processes themselves:
 * {@link PlainJarLaunchProcessTest}.
 */
class JvmRelaunchTest {

    private static final String RECOMMENDED = JvmRelaunch.RECOMMENDED_OPTIONS;

    @Test
    void onlyABareStartRelaunches() {
        assertThat(JvmRelaunch.shouldRelaunch(Map.of(), List.of())).isTrue();
        assertThat(JvmRelaunch.shouldRelaunch(Map.of(), List.of("-Dfile.encoding=UTF-8", "-Xss512k", "-javaagent:a.jar",
                "-XX:+HeapDumpOnOutOfMemoryError", "-XX:NativeMemoryTracking=summary"))).as("no heap, GC or JIT option").isTrue();
        for (String own : List.of("-Xmx256m", "-Xms64m", "-XX:MaxHeapSize=256m", "-XX:InitialHeapSize=64m",
                "-XX:MaxRAMPercentage=50", "-XX:MaxRAM=1g", "-XX:InitialRAMPercentage=10", "-XX:+UseSerialGC",
                "-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation",
                "-XX:VMOptionsFile=jvm.options")) {
            assertThat(JvmRelaunch.shouldRelaunch(Map.of(), List.of("-Dfile.encoding=UTF-8", own))).as(own).isFalse();
        }
        assertThat(JvmRelaunch.shouldRelaunch(Map.of("AI_WORKER_JVM_RELAUNCH", "false"), List.of())).isFalse();
        assertThat(JvmRelaunch.shouldRelaunch(Map.of("AI_WORKER_JVM_RELAUNCH", "FALSE "), List.of())).isFalse();
        assertThat(JvmRelaunch.shouldRelaunch(Map.of("AI_WORKER_JVM_RELAUNCH", "true"), List.of())).isTrue();
        assertThat(JvmRelaunch.shouldRelaunch(Map.of("AI_WORKER_JVM_PARENT_PID", "4711"), List.of()))
                .as("the child never relaunches").isFalse();
    }

    @Test
    void onlyJavaJarOfThisApplicationsJarCounts(@TempDir Path folder) throws IOException {
        Path packed = jar(folder.resolve("clivy-ai-worker.jar"), "org.springframework.boot.loader.launch.JarLauncher",
                "app.clivy.aiworker.AiWorkerApplication");
        Path extracted = jar(folder.resolve("app.jar"), "app.clivy.aiworker.AiWorkerApplication", null);
        Path other = jar(folder.resolve("surefirebooter.jar"), "org.apache.maven.surefire.booter.ForkedBooter", null);

        assertThat(JvmRelaunch.ownJar(packed.toString(), packed + " --server.port=8070")).hasValue(packed.toString());
        assertThat(JvmRelaunch.ownJar(extracted.toString(), extracted.toString())).hasValue(extracted.toString());
        assertThat(JvmRelaunch.ownJar(other.toString(), other.toString())).as("another application's jar").isEmpty();
        assertThat(JvmRelaunch.ownJar(packed.toString(), "app.clivy.aiworker.AiWorkerApplication"))
                .as("java -cp <jar> <main class>").isEmpty();
        assertThat(JvmRelaunch.ownJar(packed + ":" + other, packed.toString())).as("a class path").isEmpty();
        assertThat(JvmRelaunch.ownJar("target/classes", "app.clivy.aiworker.AiWorkerApplication")).isEmpty();
        assertThat(JvmRelaunch.ownJar(folder.resolve("missing.jar").toString(), folder.resolve("missing.jar").toString())).isEmpty();
    }

    @Test
    void theChildGetsTheOptionsThenTheParentsOwnArgumentsThenTheJarAndItsArguments() {
        assertThat(JvmRelaunch.options(Map.of())).containsExactly(RECOMMENDED.split(" "));
        assertThat(JvmRelaunch.options(Map.of("AI_WORKER_JVM_OPTIONS", "  "))).containsExactly(RECOMMENDED.split(" "));
        assertThat(JvmRelaunch.options(Map.of("AI_WORKER_JVM_OPTIONS", " -Xmx256m  -XX:+UseSerialGC ")))
                .containsExactly("-Xmx256m", "-XX:+UseSerialGC");

        List<String> passed = JvmRelaunch.passedOn(List.of("-Dfile.encoding=UTF-8", "-Duser.timezone=UTC", "-Dtool=x"),
                Map.of("JAVA_TOOL_OPTIONS", "-Dtool=x", "JDK_JAVA_OPTIONS", "-Duser.timezone=UTC"));
        assertThat(passed).as("the environment's options reach the child's JVM from the environment").containsExactly(
                "-Dfile.encoding=UTF-8");

        assertThat(JvmRelaunch.childCommand("/jdk/bin/java", List.of("-Xmx144m"), passed, "app.jar",
                new String[] {"--server.port=9000"}))
                .containsExactly("/jdk/bin/java", "-Xmx144m", "-Dfile.encoding=UTF-8", "-jar", "app.jar", "--server.port=9000");
    }

    @Test
    void theRecommendedOptionsAreTheSameEverywhere() throws IOException {
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<jvmArguments>" + RECOMMENDED + "</jvmArguments>");
        assertThat(Files.readString(Path.of("docker", "Dockerfile"))).contains("ENV JAVA_TOOL_OPTIONS=\"" + RECOMMENDED + "\"");
        assertThat(Files.readString(Path.of("bench", "src", "BenchDriver.java")))
                .contains("getOrDefault(\"BENCH_WORKER_JAVA_OPTS\", \"" + RECOMMENDED + "\")");
        assertThat(Files.readString(Path.of("docs", "deployment.md"))).contains("OPTS=\"" + RECOMMENDED + "\"");
        assertThat(Files.readString(Path.of("docs", "configuration.md"))).contains("| `AI_WORKER_JVM_OPTIONS` | `" + RECOMMENDED + "` |");
    }

    private static Path jar(Path path, String mainClass, String startClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        if (startClass != null) {
            manifest.getMainAttributes().putValue("Start-Class", startClass);
        }
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return path;
    }

    /** The start-up line shows the JVM's own flags; a -D property (a password, say) only as a count. */
    @Test
    void theStartUpLineShowsOnlyTheJvmFlags() {
        assertThat(JvmRelaunch.shown(List.of("-Xmx144m", "-XX:+UseSerialGC"))).isEqualTo("-Xmx144m -XX:+UseSerialGC");
        assertThat(JvmRelaunch.shown(List.of("-Xmx200m", "-Djavax.net.ssl.keyStorePassword=s3cret")))
                .isEqualTo("-Xmx200m and 1 other option (not shown)").doesNotContain("s3cret");
        assertThat(JvmRelaunch.shown(List.of("-Dpassword=a", "-Dtoken=b"))).isEqualTo("and 2 other options (not shown)");
    }
}
