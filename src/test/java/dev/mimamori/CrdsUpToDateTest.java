package dev.mimamori;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.testing.OperatorTestEnvironment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * crds/ is what users install; the build generates the CRDs from the Java types (during the Quarkus augmentation
 * that precedes every @QuarkusTest). They must be the same, or users would install a schema the operator does not use.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class CrdsUpToDateTest {

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        Path generated = Path.of("target/kubernetes");
        List<Path> files;
        try (Stream<Path> list = Files.list(generated)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".mimamori.dev-v1.yml"))
                    .sorted()
                    .toList();
        }
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        "monitoringprofiles.mimamori.dev-v1.yml", "releasechecks.mimamori.dev-v1.yml",
                        "servicemonitorings.mimamori.dev-v1.yml", "tenantpolicies.mimamori.dev-v1.yml");
        for (Path file : files) {
            Path committed = Path.of("crds").resolve(file.getFileName());
            assertThat(committed)
                    .as("crds/%s exists (run `make crds`)", file.getFileName())
                    .exists();
            assertThat(Files.readString(committed))
                    .as("crds/%s is stale: run `make crds`", file.getFileName())
                    .isEqualTo(Files.readString(file));
        }
    }

    /** kubectl explain shows these descriptions: every field of every kind must have one. */
    @Test
    void everyFieldIsDescribedForKubectlExplain() throws IOException {
        try (Stream<Path> list = Files.list(Path.of("crds"))) {
            for (Path file : list.toList()) {
                JsonNode crd = Serialization.unmarshal(Files.readString(file), JsonNode.class);
                List<String> undescribed = new ArrayList<>();
                collectUndescribed(crd.at("/spec/versions/0/schema/openAPIV3Schema"), "", undescribed);
                assertThat(undescribed)
                        .as("fields without a description in %s", file)
                        .isEmpty();
            }
        }
    }

    private static void collectUndescribed(JsonNode schema, String path, List<String> undescribed) {
        schema.path("properties").fields().forEachRemaining(field -> {
            String fieldPath = path + "." + field.getKey();
            if (!field.getValue().has("description")) {
                undescribed.add(fieldPath);
            }
            collectUndescribed(field.getValue(), fieldPath, undescribed);
            collectUndescribed(field.getValue().path("items"), fieldPath + "[]", undescribed);
        });
    }

    @Test
    void everyCrdHasStatusPrinterColumnsShortNamesAndTheMimamoriCategory() throws IOException {
        try (Stream<Path> list = Files.list(Path.of("crds"))) {
            for (Path file : list.toList()) {
                String crd = Files.readString(file);
                assertThat(crd)
                        .as(file.toString())
                        .contains("status: {}", "additionalPrinterColumns:", "shortNames:", "- \"mimamori\"");
            }
        }
    }
}
