package app.clivy.aiworker.process;

import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import app.clivy.aiworker.support.WorkerProcess;
import app.clivy.aiworker.support.WorkerProcesses;
import com.sun.tools.attach.VirtualMachine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One JVM per worker: the packed jar started as plain {@code java -jar} runs the worker in the
 * process the operator started, so a JMX attach to that pid (what {@code jcmd}, JConsole and
 * VisualVM do) finds Camel and its routes there, and the process has no child JVM. The
 * recommended options reach it through {@code JAVA_TOOL_OPTIONS}, as the image gives them.
 */
@Tag("process")
@EnabledIfSystemProperty(named = "ai-worker.process-tests", matches = "true")
class PlainJarJmxProcessTest {

    private static final String RECOMMENDED = "-Xmx144m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    @RegisterExtension
    final WorkerProcesses node = new WorkerProcesses(Map.of());

    @Test
    void aJmxAttachToTheStartedPidListsTheCamelRoutes() throws Exception {
        WorkerProcess worker = node.launchPackedJar("jmx", List.of("-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8"),
                Map.of("JAVA_TOOL_OPTIONS", RECOMMENDED), Map.of());
        worker.awaitServing();
        assertThat(worker.client().get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        long pid = worker.process().pid();
        assertThat(worker.process().children().filter(child -> child.info().command()
                .map(command -> command.endsWith("/java")).orElse(false))).as("no child JVM").isEmpty();

        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            RuntimeMXBean runtime = ManagementFactory.newPlatformMXBeanProxy(mbeans,
                    ManagementFactory.RUNTIME_MXBEAN_NAME, RuntimeMXBean.class);
            assertThat(runtime.getPid()).as("the JVM we attached to").isEqualTo(pid);
            assertThat(runtime.getInputArguments()).as("the recommended options, from JAVA_TOOL_OPTIONS")
                    .contains(RECOMMENDED.split(" "));

            Set<String> routes = new TreeSet<>();
            for (ObjectName route : mbeans.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null)) {
                routes.add(String.valueOf(mbeans.getAttribute(route, "RouteId")));
            }
            System.out.println("Camel routes over JMX on pid " + pid + ": " + routes);
            assertThat(routes).contains("intake", "job-listener", "job-sweep", "claim-jobs", "run-job", "call-openrouter");
            ObjectName intake = mbeans.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"intake\",*"), null)
                    .iterator().next();
            assertThat(mbeans.getAttribute(intake, "State")).isEqualTo("Started");
        }

        worker.process().destroy();
        assertThat(worker.waitFor(Duration.ofSeconds(60))).as("SIGTERM stops the process that was started").isTrue();
        assertThat(worker.shutdownLines()).containsExactlyElementsOf(WorkerProcess.SHUTDOWN_LINES);
    }
}
