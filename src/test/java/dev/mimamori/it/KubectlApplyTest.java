package dev.mimamori.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.testing.Kubeconfig;
import dev.mimamori.testing.MockCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The install the README gives, {@code kubectl apply -f crds/ && kubectl apply -k deploy/}, run by the real kubectl
 * against the embedded API server: kustomize must build deploy/, kubectl must find every kind by discovery, and every
 * object of deploy/ must be in the cluster afterwards. The embedded server stores what it is sent and validates no
 * schema, so this proves the kustomization and the kinds, not the fields. Skipped only where kubectl is not installed
 * (.ci/run installs it).
 */
class KubectlApplyTest {
    static final Path DEPLOY = Path.of("deploy");
    static final Path WORK = Path.of("target/it/kubectl");
    static final String NAMESPACE = "mimamori-system";

    static Path kubectl;

    @BeforeAll
    static void findKubectl() {
        Optional<Path> found = Stream.of(
                        System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst();
        assumeThat(found)
                .as(
                        "kubectl is not installed (on Debian: apt-get install kubernetes-client); skipping the install test")
                .isPresent();
        kubectl = found.get();
    }

    @Test
    void kustomizeBuildsEveryObjectOfDeployIntoTheOperatorsNamespace() throws Exception {
        Result built = run("kustomize", DEPLOY.toString());

        assertThat(built.exitCode()).as(built.log()).isZero();
        List<JsonNode> objects = yamlDocuments(built.output());
        assertThat(objects.stream().map(KubectlApplyTest::describe))
                .containsExactlyInAnyOrderElementsOf(
                        deployObjects().stream().map(KubectlApplyTest::describe).toList());
        objects.stream()
                .filter(o -> !isClusterScoped(o.path("kind").asText()))
                .forEach(o -> assertThat(o.at("/metadata/namespace").asText())
                        .as(describe(o))
                        .isEqualTo(NAMESPACE));
    }

    @Test
    void theReadmesInstallCommandsCreateEveryCrdAndEveryObjectOfDeploy() throws Exception {
        Files.createDirectories(WORK);
        try (MockCluster cluster = MockCluster.withoutCrds()) {
            Path kubeconfig = Kubeconfig.write(WORK.resolve("kubeconfig"), cluster.url());

            Result crds = run("--kubeconfig", kubeconfig.toString(), "apply", "-f", "crds/");
            assertThat(crds.exitCode()).as(crds.log()).isZero();
            Result deploy = run("--kubeconfig", kubeconfig.toString(), "apply", "-k", DEPLOY.toString());
            assertThat(deploy.exitCode()).as(deploy.log()).isZero();

            KubernetesClient client = cluster.client();
            try (Stream<Path> files = Files.list(Path.of("crds"))) {
                for (Path file : files.toList()) {
                    String name = DeployManifestsTest.documents(file)
                            .get(0)
                            .at("/metadata/name")
                            .asText();
                    assertThat(client.apiextensions()
                                    .v1()
                                    .customResourceDefinitions()
                                    .withName(name)
                                    .get())
                            .as("CRD %s", name)
                            .isNotNull();
                }
            }
            for (JsonNode object : deployObjects()) {
                String kind = object.path("kind").asText();
                String name = object.at("/metadata/name").asText();
                var resources = client.genericKubernetesResources(
                        object.path("apiVersion").asText(), kind);
                GenericKubernetesResource stored = isClusterScoped(kind)
                        ? resources.withName(name).get()
                        : resources.inNamespace(NAMESPACE).withName(name).get();
                assertThat(stored).as(describe(object)).isNotNull();
            }
        }
    }

    /** Every object the files of deploy/ declare (the kustomization itself is not one). */
    static List<JsonNode> deployObjects() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList()) {
                objects.addAll(DeployManifestsTest.documents(file));
            }
        }
        return objects;
    }

    static boolean isClusterScoped(String kind) {
        return List.of("Namespace", "ClusterRole", "ClusterRoleBinding").contains(kind);
    }

    static String describe(JsonNode object) {
        return object.path("kind").asText() + " " + object.at("/metadata/name").asText();
    }

    static List<JsonNode> yamlDocuments(String yaml) throws IOException {
        Path file = Files.createTempFile("kustomized", ".yaml");
        try {
            Files.writeString(file, yaml);
            return DeployManifestsTest.documents(file);
        } finally {
            Files.delete(file);
        }
    }

    /** What kubectl printed: the YAML or messages on stdout, warnings and errors on stderr. */
    record Result(int exitCode, String output, String errors) {
        String log() {
            return output + errors;
        }
    }

    /** Runs kubectl to its end; a kubectl that hangs (for example on discovery) fails the test after a minute. */
    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(kubectl.toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("kubectl", ".out");
        Path errors = Files.createTempFile("kubectl", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(output.toFile())
                    .redirectError(errors.toFile())
                    .start();
            boolean finished = process.waitFor(60, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            Result result = new Result(
                    finished ? process.exitValue() : -1,
                    Files.readString(output, StandardCharsets.UTF_8),
                    Files.readString(errors, StandardCharsets.UTF_8));
            if (!finished) {
                throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish: " + result.log());
            }
            return result;
        } finally {
            Files.delete(output);
            Files.delete(errors);
        }
    }
}
