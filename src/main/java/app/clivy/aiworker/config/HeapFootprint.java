package app.clivy.aiworker.config;

import java.lang.management.ManagementFactory;
import java.util.List;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Keeps a node started as plain {@code java -jar} (no heap options) small. Without them the JVM
 * sizes the heap from the machine's memory: G1 commits 1/64 of it at start (384 MB on 24 GB) and
 * lets its young generation grow into all of that, so the worker touched several hundred MB of
 * heap for a live set of about 60 MB. A jar cannot carry JVM options, and a running JVM accepts few:
 * the heap's free-ratio bounds are among them (manageable flags). Set low, with a full collection
 * right at start, the committed heap goes back to what is live and G1 grows it again only as far as
 * its GC time asks. Any heap option of the operator's (on the command line, in JAVA_TOOL_OPTIONS or
 * JDK_JAVA_OPTIONS, as the Dockerfile's -Xmx) leaves the JVM as it is.
 */
public final class HeapFootprint {

    /** Options that show the operator sized the heap: then nothing is changed. */
    private static final List<String> HEAP_OPTIONS = List.of("-Xmx", "-Xms", "-Xmn", "-XX:MaxHeapSize", "-XX:InitialHeapSize",
            "-XX:MinHeapSize", "-XX:MaxRAM", "-XX:MaxRAMPercentage", "-XX:InitialRAMPercentage", "-XX:MinRAMPercentage",
            "-XX:MaxRAMFraction", "-XX:MinHeapFreeRatio", "-XX:MaxHeapFreeRatio", "-XX:NewSize", "-XX:MaxNewSize");

    private HeapFootprint() {
    }

    /** Called first in main; returns whether it changed anything. */
    public static boolean apply() {
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (arguments.stream().anyMatch(a -> HEAP_OPTIONS.stream().anyMatch(a::startsWith))) {
            return false;
        }
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            vm.setVMOption("MinHeapFreeRatio", "10"); // lowered first: Min <= Max at every step
            vm.setVMOption("MaxHeapFreeRatio", "30");
        } catch (RuntimeException notThisJvm) {
            return false; // another JVM, or the flags are not manageable there: its own ergonomics
        }
        System.gc();
        return true;
    }
}
