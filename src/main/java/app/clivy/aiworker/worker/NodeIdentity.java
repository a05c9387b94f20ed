package app.clivy.aiworker.worker;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Defines {@code ai-worker.default-node-id}, the node id when {@code AI_WORKER_NODE_ID} is not set:
 * the operating system's host name and this process's id ({@code shop-01-4711}), so two processes
 * never share a name, on one host or on many, even where no {@code HOSTNAME} is exported (a plain
 * shell, systemd). The id names the node for operators ({@code locked_by}, logs, the quartz
 * instance); the claims' lease tokens are the fence.
 */
public class NodeIdentity implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String DEFAULT_NODE_ID = "ai-worker.default-node-id";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment env = context.getEnvironment();
        String id = hostName() + "-" + ProcessHandle.current().pid();
        env.getPropertySources().addLast(new PropertySource<>("ai-worker-node-identity", new Object()) {
            @Override
            public Object getProperty(String name) {
                return DEFAULT_NODE_ID.equals(name) ? id : null;
            }
        });
    }

    /** The kernel's host name (Linux), else the resolver's, else {@code local}. */
    static String hostName() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel, StandardCharsets.UTF_8).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: ask the resolver
        }
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (name != null && !name.isBlank()) {
                return name.strip();
            }
        } catch (IOException | RuntimeException e) {
            // no name resolves: fall through
        }
        return "local";
    }
}
