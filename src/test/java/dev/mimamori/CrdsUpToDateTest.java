package dev.mimamori;

import dev.mimamori.testing.OperatorTestEnvironment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

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
            files = list.filter(p -> p.getFileName().toString().endsWith(".mimamori.dev-v1.yml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "monitoringprofiles.mimamori.dev-v1.yml", "releasechecks.mimamori.dev-v1.yml",
                "servicemonitorings.mimamori.dev-v1.yml");
        for (Path file : files) {
            Path committed = Path.of("crds").resolve(file.getFileName());
            assertThat(committed).as("crds/%s exists (run `make crds`)", file.getFileName()).exists();
            assertThat(Files.readString(committed)).as("crds/%s is stale: run `make crds`", file.getFileName())
                    .isEqualTo(Files.readString(file));
        }
    }

    @Test
    void everyCrdHasStatusPrinterColumnsShortNamesAndTheMimamoriCategory() throws IOException {
        try (Stream<Path> list = Files.list(Path.of("crds"))) {
            for (Path file : list.toList()) {
                String crd = Files.readString(file);
                assertThat(crd).as(file.toString()).contains("status: {}", "additionalPrinterColumns:",
                        "shortNames:", "- \"mimamori\"");
            }
        }
    }
}
