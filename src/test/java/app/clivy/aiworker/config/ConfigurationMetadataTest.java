package app.clivy.aiworker.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An IDE completes every {@code ai-worker.*} key of application.yaml with its description: the
 * metadata spring-boot-configuration-processor writes into the jar (from the settings records and
 * META-INF/additional-spring-configuration-metadata.json) names each one.
 */
class ConfigurationMetadataTest {

    @Test
    void everyKeyOfApplicationYamlHasADescriptionInTheConfigurationMetadata() throws IOException {
        Map<String, String> described = new LinkedHashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
            for (JsonNode property : new ObjectMapper().readTree(in).path("properties")) {
                described.put(property.path("name").asText(), property.path("description").asText(""));
            }
        }
        TreeSet<String> keys = new TreeSet<>();
        Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(Path.of("application.yaml")));
        collect(((Map<?, ?>) yaml).get("ai-worker"), "ai-worker", keys);

        assertThat(keys).hasSizeGreaterThan(80);
        for (String key : keys) {
            assertThat(described).as("metadata of " + key).containsKey(key);
            assertThat(described.get(key)).as("description of " + key).isNotBlank();
        }
    }

    private static void collect(Object node, String prefix, TreeSet<String> keys) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> collect(value, prefix + "." + key, keys));
        } else {
            keys.add(prefix);
        }
    }
}
