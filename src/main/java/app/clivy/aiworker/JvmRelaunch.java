package app.clivy.aiworker;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * Plain {@code java -jar} of the packed jar runs the worker in a child JVM started with the
 * recommended options, since a jar cannot carry JVM options and a running JVM cannot change its
 * collector or compiler. The pattern of launchers that set their own JVM options; nothing stock is
 * replaced. Only JDK classes here: the parent starts no Spring context.
 * <p>
 * The parent relaunches only when it is {@code java -jar} of this application's jar, got none of
 * the heap, GC or JIT options ({@link #SIZING}; {@code JAVA_TOOL_OPTIONS} and
 * {@code JDK_JAVA_OPTIONS} show among the input arguments too) and {@code AI_WORKER_JVM_RELAUNCH}
 * is not {@code false}. It then forwards SIGTERM / SIGINT to the child, waits for its drain and
 * exits with its exit code. The child ends itself the normal way (shutdown hooks: drain, hand back)
 * when the parent dies without forwarding (kill -9).
 * <p>
 * The parent does not collect its own heap after starting the child: a full G1 collection there
 * (with lowered {@code Min/MaxHeapFreeRatio}) raised its peak RSS from about 51 to 80 MB.
 */
final class JvmRelaunch {

    /** The recommended JVM options (README, Performance); the Dockerfile, pom and bench use the same. */
    static final String RECOMMENDED_OPTIONS = "-Xmx144m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    static final String RELAUNCH_ENV = "AI_WORKER_JVM_RELAUNCH";
    static final String OPTIONS_ENV = "AI_WORKER_JVM_OPTIONS";
    /** Set in the child's environment to the parent's pid: the child never relaunches, and ends with the parent. */
    static final String PARENT_ENV = "AI_WORKER_JVM_PARENT_PID";

    /**
     * How long the parent waits for the child after forwarding SIGTERM: longer than the worker's
     * own shutdown (drain {@code ai-worker.shutdown-timeout-seconds} 10 s, Camel's
     * {@code camel.main.shutdown-timeout} 15 s, Spring's {@code timeout-per-shutdown-phase} 30 s).
     */
    static final Duration CHILD_STOP_WAIT = Duration.ofSeconds(90);

    /** The exit code of a JVM ended by SIGTERM (128 + 15), also the child's when its parent is gone. */
    static final int SIGTERM_EXIT = 143;

    /** Options that size the heap or choose the collector or the compiler: given any, the caller chose. */
    static final Pattern SIZING = Pattern.compile("-Xm[xs].*"
            + "|-XX:(MaxHeapSize|InitialHeapSize|MinHeapSize|MaxRAM\\w*|InitialRAM\\w*|MinRAM\\w*)=.*"
            + "|-XX:[+-]Use\\w*GC|-XX:TieredStopAtLevel=.*|-XX:[+-]TieredCompilation"
            + "|-XX:(Flags|VMOptionsFile)=.*");

    private static final String MAIN_CLASS = "app.clivy.aiworker.AiWorkerApplication";

    private JvmRelaunch() {
    }

    /**
     * In a bare {@code java -jar}: runs the worker in a child JVM and returns its exit code once it
     * has ended; otherwise (or when no child could be started) empty, and the caller runs the worker.
     */
    static OptionalInt runInChildWhenBare(String[] args) {
        Map<String, String> env = System.getenv();
        List<String> inputArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        Optional<String> jar = ownJar(System.getProperty("java.class.path"), System.getProperty("sun.java.command"));
        if (jar.isEmpty() || !shouldRelaunch(env, inputArguments)) {
            return OptionalInt.empty();
        }
        List<String> options = options(env);
        List<String> command = childCommand(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                options, passedOn(inputArguments, env), jar.get(), args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(PARENT_ENV, String.valueOf(ProcessHandle.current().pid()));
        Process child;
        try {
            child = builder.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("JVM relaunch: could not start a child JVM (" + e.getMessage()
                    + "); running the worker in this JVM");
            return OptionalInt.empty();
        }
        System.err.println("JVM relaunch: running the worker in a child JVM (pid " + child.pid() + ") with "
                + shown(options) + (env.containsKey(OPTIONS_ENV) && !env.get(OPTIONS_ENV).isBlank()
                        ? " (" + OPTIONS_ENV + ")" : " (the recommended options; " + OPTIONS_ENV + " sets others)")
                + "; this process forwards SIGTERM and exits with its code. To run in this JVM: set "
                + RELAUNCH_ENV + "=false or pass heap, GC or JIT options of your own (-Xmx...)");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopChild(child), "jvm-relaunch-stop"));
        return OptionalInt.of(waitFor(child));
    }

    /**
     * In the child: when the parent that started it is gone (kill -9, so it could not forward a
     * signal), shut down as on SIGTERM (Spring's shutdown hook: drain, hand back) instead of
     * running on as an orphan. Does nothing in a JVM not started by {@link #runInChildWhenBare}.
     */
    static void endWithParent() {
        String parentPid = System.getenv(PARENT_ENV);
        if (parentPid == null || !parentPid.matches("\\d{1,18}")) {
            return;
        }
        long pid = Long.parseLong(parentPid);
        Optional<ProcessHandle> launcher = ProcessHandle.of(pid);
        if (launcher.isPresent() && ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != pid) {
            return; // the variable came from elsewhere: that process did not start this one
        }
        launcher.map(ProcessHandle::onExit).orElse(CompletableFuture.completedFuture(null)).thenRun(() -> new Thread(() -> {
                    org.slf4j.LoggerFactory.getLogger(JvmRelaunch.class).warn(
                            "🛑 The launching JVM (pid {}) is gone: shutting down as on SIGTERM", pid);
                    System.exit(SIGTERM_EXIT);
                }, "jvm-relaunch-parent-gone").start());
    }

    /** The jar of {@code java -jar <jar>} when it is this application's jar; empty for any other start. */
    static Optional<String> ownJar(String classPath, String command) {
        if (classPath == null || classPath.isEmpty() || classPath.contains(File.pathSeparator)
                || !classPath.endsWith(".jar") || command == null || !command.startsWith(classPath)
                || !Files.isRegularFile(Path.of(classPath))) {
            return Optional.empty();
        }
        try (JarFile file = new JarFile(classPath)) {
            Manifest manifest = file.getManifest();
            // the packed jar names the application as Start-Class, the extracted one as Main-Class
            boolean ours = manifest != null && (MAIN_CLASS.equals(manifest.getMainAttributes().getValue("Start-Class"))
                    || MAIN_CLASS.equals(manifest.getMainAttributes().getValue("Main-Class")));
            return ours ? Optional.of(classPath) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Relaunch unless switched off, already the child, or the caller gave heap, GC or JIT options. */
    static boolean shouldRelaunch(Map<String, String> env, List<String> inputArguments) {
        return !"false".equalsIgnoreCase(env.getOrDefault(RELAUNCH_ENV, "").trim())
                && !env.containsKey(PARENT_ENV)
                && inputArguments.stream().noneMatch(argument -> SIZING.matcher(argument).matches());
    }

    /** {@code AI_WORKER_JVM_OPTIONS} when set and not blank, else the recommended options. */
    /**
     * The options as the start-up line shows them: the JVM's own {@code -X} flags; any other (a
     * {@code -D} property may carry a password) only counted.
     */
    static String shown(List<String> options) {
        List<String> flags = options.stream().filter(o -> o.startsWith("-X")).toList();
        int hidden = options.size() - flags.size();
        return String.join(" ", flags) + (hidden == 0 ? "" : (flags.isEmpty() ? "" : " ") + "and " + hidden
                + (hidden == 1 ? " other option" : " other options") + " (not shown)");
    }

    static List<String> options(Map<String, String> env) {
        String options = env.getOrDefault(OPTIONS_ENV, "");
        return split(options.isBlank() ? RECOMMENDED_OPTIONS : options);
    }

    /**
     * The parent's own JVM arguments the child gets too ({@code -D...}, agents): all but those of
     * {@code JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS}, which the child's JVM reads from the
     * environment again.
     */
    static List<String> passedOn(List<String> inputArguments, Map<String, String> env) {
        List<String> passed = new ArrayList<>(inputArguments);
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            split(env.getOrDefault(variable, "")).forEach(passed::remove);
        }
        return passed;
    }

    static List<String> childCommand(String java, List<String> options, List<String> passedOn, String jar, String[] args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.addAll(passedOn);
        command.add("-jar");
        command.add(jar);
        command.addAll(Arrays.asList(args));
        return command;
    }

    private static List<String> split(String options) {
        return options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    /** Shutdown hook of the parent: SIGTERM to the child, wait for its drain, exit with its code. */
    private static void stopChild(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(CHILD_STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println("JVM relaunch: the child JVM did not stop within " + CHILD_STOP_WAIT.toSeconds()
                        + " s; killing it");
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(child.isAlive() ? 1 : child.exitValue());
    }

    private static int waitFor(Process child) {
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // only the shutdown hook ends the parent while the child runs
            }
        }
    }
}
