package app.clivy.aiworker.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * No container engine runs where the tests run, so this parses docker/ and docker/k8s/ and
 * checks what must agree with the worker itself: its port, its actuator probe paths, its
 * shutdown timeout, its settings (the environment variables' table of docs/configuration.md) and its
 * operator files.
 */
class DeploymentFilesTest {

    private static final Path DOCKER = Path.of("docker");
    private static final Path K8S = DOCKER.resolve("k8s");
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern ENV_LINE = Pattern.compile("^(#\\s*)?([A-Z][A-Z0-9_]*)=(.*)$");
    private static final Pattern CONFIGURATION_TABLE_VARIABLE = Pattern.compile("^\\|\\s*`([A-Z][A-Z0-9_]*)`\\s*\\|");
    private static final Pattern PLACEHOLDER_DEFAULT = Pattern.compile("\\$\\{[A-Za-z0-9_]+:([^}]*)}");
    /** The shape of a real OpenRouter key: none may be committed. */
    private static final Pattern REAL_KEY = Pattern.compile("sk-or-[A-Za-z0-9-]{20,}");

    // --- docker-compose.yml ---

    @Test
    void composeRunsPostgres17AndTwoWorkerNodes() {
        Map<String, Object> services = map(compose(), "services");
        assertThat(services).containsOnlyKeys("postgres", "worker-1", "worker-2", "prometheus", "grafana");

        Map<String, Object> postgres = map(services, "postgres");
        assertThat(postgres.get("image")).isEqualTo("postgres:17");
        assertThat(String.valueOf(map(postgres, "healthcheck").get("test"))).contains("pg_isready");
        assertThat(list(postgres, "volumes")).anySatisfy(v ->
                assertThat(String.valueOf(v)).endsWith(":/var/lib/postgresql/data"));

        Set<Object> nodeIds = new LinkedHashSet<>();
        for (String name : List.of("worker-1", "worker-2")) {
            Map<String, Object> worker = map(services, name);
            assertThat(map(worker, "build").get("dockerfile")).isEqualTo("docker/Dockerfile");
            assertThat(map(map(worker, "depends_on"), "postgres").get("condition")).isEqualTo("service_healthy");
            nodeIds.add(map(worker, "environment").get("AI_WORKER_NODE_ID"));
        }
        assertThat(nodeIds).as("each node its own AI_WORKER_NODE_ID").hasSize(2).doesNotContainNull();
    }

    @Test
    void composeWorkersPublishTheWorkerPortAndMountTheOperatorFiles() {
        Map<String, Object> services = map(compose(), "services");
        int port = serverPort();
        List<String> published = new ArrayList<>();
        for (String name : List.of("worker-1", "worker-2")) {
            Map<String, Object> worker = map(services, name);
            for (Object mapping : list(worker, "ports")) {
                String entry = String.valueOf(mapping);
                if (entry.endsWith(":" + managementPort())) {
                    // the management port (health, Prometheus, the console): on this machine only
                    assertThat(entry).as(name + " management port").startsWith("127.0.0.1:");
                    continue;
                }
                assertThat(entry).endsWith(":" + port);
                published.add(entry);
            }
            Map<String, String> mounts = new LinkedHashMap<>();
            for (Object volume : list(worker, "volumes")) {
                String[] parts = String.valueOf(volume).split(":");
                assertThat(parts).as("read-only mount " + volume).hasSize(3);
                assertThat(parts[2]).isEqualTo("ro");
                mounts.put(parts[1], parts[0]);
            }
            assertThat(mounts).containsEntry("/app/routes", "../routes")
                    .containsEntry("/app/application.yaml", "../application.yaml");
            mounts.values().forEach(source -> assertThat(DOCKER.resolve(source)).exists());
        }
        assertThat(published).contains(port + ":" + port);
    }

    @Test
    void composeStopGracePeriodOutlastsTheShutdownTimeout() {
        Map<String, Object> services = map(compose(), "services");
        for (String name : List.of("worker-1", "worker-2")) {
            Duration grace = composeDuration(String.valueOf(map(services, name).get("stop_grace_period")));
            assertThat(grace).as(name + " stop_grace_period").isGreaterThan(shutdownTimeout());
        }
    }

    // --- monitoring: Prometheus and Grafana in the compose file ---

    @Test
    void composePrometheusScrapesEveryWorkerAndLoadsTheAlertRules() {
        Map<String, Object> services = map(compose(), "services");
        Map<String, String> mounts = bindMounts(map(services, "prometheus"));
        Map<String, Object> config = loadYaml(DOCKER.resolve(mounts.get("/etc/prometheus/prometheus.yml")));

        // the rule files it loads are the mounted alerts.yml
        List<Object> ruleFiles = list(config, "rule_files");
        assertThat(ruleFiles).isNotEmpty();
        for (Object ruleFile : ruleFiles) {
            assertThat(mounts).as("rule file " + ruleFile + " is mounted").containsKey(String.valueOf(ruleFile));
        }
        assertThat(mounts.get(String.valueOf(ruleFiles.get(0)))).isEqualTo("./prometheus/alerts.yml");

        // one job, named as the alert rules expect, over every worker's /actuator/prometheus
        List<Object> scrapes = list(config, "scrape_configs");
        assertThat(scrapes).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> job = (Map<String, Object>) scrapes.get(0);
        assertThat(job.get("job_name")).isEqualTo("clivy-ai-worker");
        assertThat(read(DOCKER.resolve("prometheus/alerts.yml"))).contains("up{job=\"clivy-ai-worker\"}");
        assertThat(job.get("metrics_path")).isEqualTo(actuatorBase() + "/prometheus");
        Set<Object> targets = new LinkedHashSet<>();
        for (Object staticConfig : list(job, "static_configs")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) staticConfig;
            targets.addAll(list(entry, "targets"));
        }
        Set<String> workers = new LinkedHashSet<>();
        for (String name : services.keySet()) {
            if (name.startsWith("worker-")) {
                // scraped on the management port, not on the port the gateways reach
                workers.add(map(services, name).get("hostname") + ":" + managementPort());
            }
        }
        assertThat(targets).as("scrape targets").containsExactlyInAnyOrderElementsOf(workers);
    }

    @Test
    void composeGrafanaProvisionsThePrometheusDatasourceAndTheDashboard() {
        Map<String, Object> services = map(compose(), "services");
        Map<String, Object> grafana = map(services, "grafana");
        Map<String, String> mounts = bindMounts(grafana);
        Path provisioning = DOCKER.resolve(mounts.get("/etc/grafana/provisioning"));

        Map<String, Object> datasources = loadYaml(provisioning.resolve("datasources/prometheus.yml"));
        Map<String, Object> datasource = map(list(datasources, "datasources"), 0);
        assertThat(datasource.get("type")).isEqualTo("prometheus");
        assertThat(datasource.get("url")).as("the compose file's prometheus service")
                .isEqualTo("http://prometheus:" + String.valueOf(list(map(services, "prometheus"), "ports").get(0)).replaceAll(".*:", ""));

        Map<String, Object> providers = loadYaml(provisioning.resolve("dashboards/clivy-ai-worker.yml"));
        String dashboardsPath = String.valueOf(map(map(list(providers, "providers"), 0), "options").get("path"));
        assertThat(mounts).as("the provider's folder is mounted").containsKey(dashboardsPath);
        Path dashboards = DOCKER.resolve(mounts.get(dashboardsPath));
        String home = String.valueOf(map(grafana, "environment").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"));
        assertThat(home).startsWith(dashboardsPath + "/");
        assertThat(dashboards.resolve(home.substring(dashboardsPath.length() + 1))).exists();

        // every panel of the dashboard queries the provisioned datasource
        String dashboard = read(dashboards.resolve("clivy-ai-worker.json"));
        Matcher uid = Pattern.compile("\"datasource\"\\s*:\\s*\\{[^}]*\"uid\"\\s*:\\s*\"([^\"]+)\"").matcher(dashboard);
        Set<String> uids = new LinkedHashSet<>();
        while (uid.find()) {
            uids.add(uid.group(1));
        }
        assertThat(uids).containsExactly(String.valueOf(datasource.get("uid")));
    }

    /** A service's bind mounts, container path -> source (relative to docker/); named volumes left out. */
    private static Map<String, String> bindMounts(Map<String, Object> service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object volume : list(service, "volumes")) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts[0].startsWith(".")) {
                assertThat(parts).as("read-only mount " + volume).hasSize(3);
                assertThat(parts[2]).isEqualTo("ro");
                assertThat(DOCKER.resolve(parts[0])).as(volume.toString()).exists();
                mounts.put(parts[1], parts[0]);
            }
        }
        return mounts;
    }

    // --- .env.example ---

    @Test
    void envExampleDefinesEveryVariableTheComposeFileUsesAndNoOther() {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = COMPOSE_VARIABLE.matcher(read(DOCKER.resolve("docker-compose.yml")));
        while (m.find()) {
            used.add(m.group(1));
        }
        Map<String, String> set = envExample(false);
        assertThat(used).isNotEmpty();
        assertThat(set.keySet()).as("settings in .env.example").containsAll(used);
        assertThat(used).as("settings the compose file reads").containsAll(set.keySet());
        assertThat(set).containsEntry("DB_HOST", "postgres").containsKey("AI_WORKER_DEMO");
    }

    @Test
    void envExampleNamesEverySettingOfTheConfigurationTable() {
        Set<String> table = new LinkedHashSet<>();
        for (String line : read(Path.of("docs", "configuration.md")).split("\n")) {
            Matcher m = CONFIGURATION_TABLE_VARIABLE.matcher(line);
            if (m.find()) {
                table.add(m.group(1));
            }
        }
        assertThat(table).contains("OPENROUTER_API_KEY", "DB_HOST", "AI_TIMEOUT_MS");
        // commented lines count: settings the image or compose file fixes are listed, not set
        assertThat(envExample(true).keySet()).containsAll(table);
    }

    @Test
    void noRealKeyIsCommitted() {
        assertThat(envExample(true).get("OPENROUTER_API_KEY")).isNotBlank().doesNotMatch(REAL_KEY);
        assertThat(read(K8S.resolve("secret.example.yaml"))).doesNotContainPattern(REAL_KEY);
    }

    // --- Dockerfile ---

    @Test
    void dockerfileBuildsWithTheWrapperAndRunsAsNonRootWithAHealthCheck() {
        List<String> lines = dockerfileInstructions();
        assertThat(lines.stream().filter(l -> l.startsWith("FROM "))).as("multi-stage").hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines).anyMatch(l -> l.startsWith("RUN ") && l.contains("./mvnw -B -DskipTests package"));

        List<String> runStage = lines.subList(lastIndexStartingWith(lines, "FROM "), lines.size());
        assertThat(runStage.get(0)).contains("jre");
        String user = runStage.get(lastIndexStartingWith(runStage, "USER ")).substring(5).trim();
        assertThat(user.split(":")[0]).as("USER").isNotIn("root", "0");
        assertThat(runStage).contains("WORKDIR /app", "EXPOSE " + serverPort(), "EXPOSE " + managementPort())
                .anyMatch(l -> l.matches("COPY routes/? \\./routes/?"))
                .anyMatch(l -> l.matches("COPY application\\.yaml \\./(application\\.yaml)?"));
        assertThat(runStage).anyMatch(l -> l.startsWith("HEALTHCHECK ")
                && l.contains("curl") && l.contains(actuatorPath("readiness"))
                && l.contains("${MANAGEMENT_PORT:-" + managementPort() + "}"));
        assertThat(runStage).anyMatch(l -> l.contains("apt-get install") && l.contains("curl"));
    }

    // --- the recommended JVM options, given by the stock means of each way to start ---

    private static final String RECOMMENDED_JVM_OPTIONS = "-Xmx144m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    @Test
    void theRecommendedJvmOptionsAreTheSameEverywhere() {
        assertThat(read(Path.of("pom.xml"))).as("spring-boot:run").contains("<jvmArguments>" + RECOMMENDED_JVM_OPTIONS + "</jvmArguments>");
        assertThat(read(DOCKER.resolve("Dockerfile"))).contains("ENV JAVA_TOOL_OPTIONS=\"" + RECOMMENDED_JVM_OPTIONS + "\"");
        assertThat(list(workerContainer(), "env")).as("the Kubernetes manifest").anySatisfy(env -> assertThat(env)
                .isEqualTo(Map.of("name", "JAVA_TOOL_OPTIONS", "value", RECOMMENDED_JVM_OPTIONS)));
        assertThat(read(Path.of("bench", "src", "BenchDriver.java")))
                .contains("getOrDefault(\"BENCH_WORKER_JAVA_OPTS\", \"" + RECOMMENDED_JVM_OPTIONS + "\")");
        assertThat(read(Path.of("docs", "deployment.md"))).contains("OPTS=\"" + RECOMMENDED_JVM_OPTIONS + "\"")
                .contains("JAVA_TOOL_OPTIONS=\"" + RECOMMENDED_JVM_OPTIONS + "\" java -jar");
    }

    // --- Kubernetes ---

    @Test
    void deploymentRunsTwoPodsWithTheActuatorProbesOnTheManagementPort() {
        Map<String, Object> container = workerContainer();
        assertThat(deploymentSpec().get("replicas")).isEqualTo(2);
        assertThat(map(map(podTemplate(), "spec"), "securityContext")).containsEntry("runAsNonRoot", true);

        Map<String, Object> port = map(list(container, "ports"), 0);
        assertThat(port.get("containerPort")).isEqualTo(serverPort());
        Map<String, Object> management = map(list(container, "ports"), 1);
        assertThat(management.get("containerPort")).isEqualTo(managementPort());
        for (String[] probe : new String[][] {
                {"readinessProbe", "readiness"}, {"livenessProbe", "liveness"}, {"startupProbe", "liveness"}}) {
            Map<String, Object> get = map(map(container, probe[0]), "httpGet");
            assertThat(get.get("path")).as(probe[0]).isEqualTo(actuatorPath(probe[1]));
            // on their own connector: they keep answering when the webhook port is flooded
            assertThat(get.get("port")).as(probe[0] + " port").isIn(management.get("name"), management.get("containerPort"));
        }

        Map<String, Object> service = map(k8s("Service", "clivy-ai-worker"), "spec");
        assertThat(map(service, "selector")).isEqualTo(podLabels());
        assertThat(map(list(service, "ports"), 0).get("targetPort")).isIn(port.get("name"), port.get("containerPort"));
    }

    @Test
    void deploymentGracePeriodOutlastsPreStopPlusTheShutdownTimeout() {
        Map<String, Object> pod = map(podTemplate(), "spec");
        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        long preStop = 0;
        Map<String, Object> lifecycle = map(workerContainer(), "lifecycle");
        if (lifecycle != null) {
            List<Object> command = list(map(map(lifecycle, "preStop"), "exec"), "command");
            assertThat(command.get(0)).isEqualTo("sleep");
            preStop = Long.parseLong(String.valueOf(command.get(1)));
        }
        assertThat(Duration.ofSeconds(grace)).isGreaterThan(shutdownTimeout().plusSeconds(preStop));
    }

    @Test
    void deploymentTakesSecretsFromTheSecretAndTheNodeIdFromThePodName() {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        for (Object e : list(workerContainer(), "env")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) e;
            env.put(String.valueOf(entry.get("name")), entry);
        }
        assertThat(map(map(env.get("AI_WORKER_NODE_ID"), "valueFrom"), "fieldRef").get("fieldPath"))
                .isEqualTo("metadata.name");

        Map<String, Object> secret = k8s("Secret", "clivy-ai-worker");
        assertThat(map(secret, "stringData")).containsKeys("OPENROUTER_API_KEY", "DB_PASSWORD");
        for (String name : List.of("OPENROUTER_API_KEY", "DB_PASSWORD")) {
            Map<String, Object> ref = map(map(env.get(name), "valueFrom"), "secretKeyRef");
            assertThat(ref).as(name).containsEntry("name", "clivy-ai-worker").containsEntry("key", name);
        }
        // every setting the pod sets is one the worker reads
        assertThat(envExample(true).keySet()).containsAll(
                env.keySet().stream().filter(n -> !n.equals("AI_WORKER_NODE_ID")).toList());
    }

    @Test
    void deploymentMountsRoutesAndApplicationYamlFromConfigMaps() {
        Map<String, Object> pod = map(podTemplate(), "spec");
        Map<String, String> configMapOfVolume = new LinkedHashMap<>();
        for (Object v : list(pod, "volumes")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> volume = (Map<String, Object>) v;
            configMapOfVolume.put(String.valueOf(volume.get("name")), String.valueOf(map(volume, "configMap").get("name")));
        }
        Map<String, String> configMapAt = new LinkedHashMap<>();
        for (Object m : list(workerContainer(), "volumeMounts")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> mount = (Map<String, Object>) m;
            assertThat(mount.get("readOnly")).isEqualTo(true);
            configMapAt.put(String.valueOf(mount.get("mountPath")), configMapOfVolume.get(String.valueOf(mount.get("name"))));
        }
        assertThat(configMapAt).containsEntry("/app/routes", "clivy-ai-worker-routes")
                .containsEntry("/app/application.yaml", "clivy-ai-worker-config");

        Object overrides = map(k8s("ConfigMap", "clivy-ai-worker-config"), "data").get("application.yaml");
        assertThat(yaml().<Object>load(String.valueOf(overrides))).as("its application.yaml").isInstanceOf(Map.class);
        assertThat(read(K8S.resolve("configmap.example.yaml")))
                .contains("kubectl create configmap clivy-ai-worker-routes --from-file=routes/")
                .contains("kubectl create configmap clivy-ai-worker-config --from-file=application.yaml");
    }

    @Test
    void disruptionBudgetKeepsOnePodOfTheDeployment() {
        Map<String, Object> spec = map(k8s("PodDisruptionBudget", "clivy-ai-worker"), "spec");
        assertThat(spec.get("minAvailable")).isEqualTo(1);
        assertThat(map(spec, "selector")).isEqualTo(Map.of("matchLabels", podLabels()));
    }

    // --- the worker's own settings (application.yaml) ---

    private static Duration shutdownTimeout() {
        Object value = property("camel.main.shutdown-timeout");
        assertThat(value).as("camel.main.shutdown-timeout").isNotNull();
        return Duration.ofSeconds(Long.parseLong(String.valueOf(value))); // Camel reads it as seconds
    }

    private static int serverPort() {
        return Integer.parseInt(withDefault(property("server.port"), "8080"));
    }

    /** management.server.port: health, probes and Prometheus on a connector of their own. */
    private static int managementPort() {
        Object value = property("management.server.port");
        assertThat(value).as("management.server.port").isNotNull();
        return Integer.parseInt(withDefault(value, "0"));
    }

    private static String actuatorPath(String probe) {
        assertThat(property("management.endpoint.health.probes.enabled")).isEqualTo(true);
        return actuatorBase() + "/health/" + probe;
    }

    private static String actuatorBase() {
        return withDefault(property("management.endpoints.web.base-path"), "/actuator");
    }

    /** A key of application.yaml, nested or dotted ({@code a.b.c} or {@code a: {b.c: ...}}). */
    private static Object property(String key) {
        return property(loadYaml(Path.of("application.yaml")), key);
    }

    private static Object property(Map<String, Object> node, String key) {
        if (node.containsKey(key)) {
            return node.get(key);
        }
        for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
            if (node.get(key.substring(0, dot)) instanceof Map<?, ?> child) {
                @SuppressWarnings("unchecked")
                Object found = property((Map<String, Object>) child, key.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** {@code ${PORT:8070}} -> 8070; a plain value as is; nothing -> the fallback. */
    private static String withDefault(Object value, String fallback) {
        if (value == null) {
            return fallback;
        }
        Matcher m = PLACEHOLDER_DEFAULT.matcher(String.valueOf(value));
        return m.matches() ? m.group(1) : String.valueOf(value);
    }

    /** A compose duration: {@code 45s}, {@code 1m30s}, {@code 500ms}. */
    private static Duration composeDuration(String value) {
        Matcher part = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = part.end();
        }
        assertThat(end).as("duration " + value).isEqualTo(value.length()).isPositive();
        return total;
    }

    // --- reading the files ---

    private static Map<String, Object> compose() {
        return loadYaml(DOCKER.resolve("docker-compose.yml"));
    }

    /** NAME=value lines of .env.example; with {@code commented}, also the documented {@code # NAME=value}. */
    private static Map<String, String> envExample(boolean commented) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : read(DOCKER.resolve(".env.example")).split("\n")) {
            Matcher m = ENV_LINE.matcher(line.strip());
            if (m.matches() && (commented || m.group(1) == null)) {
                assertThat(env).as("defined twice: " + m.group(2)).doesNotContainKey(m.group(2));
                env.put(m.group(2), m.group(3));
            }
        }
        return env;
    }

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    private static List<String> dockerfileInstructions() {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : read(DOCKER.resolve("Dockerfile")).split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                instructions.add(current.toString().replaceAll("\\s+", " ").strip());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static int lastIndexStartingWith(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no " + prefix.strip() + " instruction");
    }

    private static Map<String, Object> deploymentSpec() {
        return map(k8s("Deployment", "clivy-ai-worker"), "spec");
    }

    private static Map<String, Object> podTemplate() {
        return map(deploymentSpec(), "template");
    }

    private static Map<String, Object> podLabels() {
        return map(map(podTemplate(), "metadata"), "labels");
    }

    private static Map<String, Object> workerContainer() {
        Map<String, Object> pod = map(podTemplate(), "spec");
        List<Object> containers = list(pod, "containers");
        assertThat(containers).hasSize(1);
        return map(containers, 0);
    }

    /** The one manifest of this kind and name among docker/k8s/*.yaml. */
    private static Map<String, Object> k8s(String kind, String name) {
        List<Map<String, Object>> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object document : yaml().loadAll(read(file))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> manifest = (Map<String, Object>) document;
                    if (manifest != null && kind.equals(manifest.get("kind"))
                            && name.equals(map(manifest, "metadata").get("name"))) {
                        found.add(manifest);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(found).as(kind + " " + name).hasSize(1);
        return found.get(0);
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    private static Map<String, Object> loadYaml(Path file) {
        return yaml().load(read(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(List<Object> parent, int index) {
        return (Map<String, Object>) parent.get(index);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
