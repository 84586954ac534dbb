package dev.mimamori.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's memory figures are only the pod's figures if it runs the operator with the options deploy/ gives
 * it, and the sizing guide only helps if it quotes them; a change to one without the others fails here.
 */
class DeployedJvmTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theBenchmarkRunsTheOperatorWithTheJvmOptionsAndMallocSettingOfTheDeployment() throws IOException {
        JsonNode container =
                YAML.readTree(Path.of("deploy", "deployment.yaml").toFile()).at("/spec/template/spec/containers/0");
        assertThat(envValue(container, "JAVA_OPTS_APPEND")).isEqualTo(DeployedJvm.OPTIONS);
        assertThat(envValue(container, "MALLOC_ARENA_MAX")).isEqualTo(ScaleRun.MALLOC_ARENA_MAX);
    }

    @Test
    void theSizingGuideQuotesTheOptionsTheBenchmarkMeasured() throws IOException {
        String operations = Files.readString(Path.of("docs", "operations.md")).replaceAll("\\s+", " ");
        assertThat(operations).contains("`" + DeployedJvm.OPTIONS + "`");
    }

    private static String envValue(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (name.equals(env.path("name").asText())) {
                return env.path("value").asText();
            }
        }
        throw new AssertionError("deploy/deployment.yaml sets no " + name);
    }
}
