package dev.mimamori.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mock API server answers a list with a limit in pages, as a real one does, so paged listing is measured. */
class MockClusterPagingTest {

    @Test
    void aListWithALimitComesInPagesThatTogetherHoldEveryItemOnce() {
        try (MockCluster cluster = MockCluster.start()) {
            KubernetesClient client = cluster.client();
            for (int i = 0; i < 5; i++) {
                client.configMaps()
                        .inNamespace("paged")
                        .resource(new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("cm-" + i)
                                .endMetadata()
                                .build())
                        .create();
            }

            ConfigMapList first = client.configMaps()
                    .inNamespace("paged")
                    .list(new ListOptionsBuilder().withLimit(2L).build());
            assertThat(first.getItems()).hasSize(2);
            assertThat(first.getMetadata().getContinue()).isNotBlank();
            assertThat(first.getMetadata().getRemainingItemCount()).isEqualTo(3L);

            List<String> names = new ArrayList<>();
            String next = null;
            do {
                ConfigMapList page = client.configMaps()
                        .inNamespace("paged")
                        .list(new ListOptionsBuilder()
                                .withLimit(2L)
                                .withContinue(next)
                                .build());
                page.getItems().stream().map(c -> c.getMetadata().getName()).forEach(names::add);
                next = page.getMetadata().getContinue();
            } while (next != null && !next.isEmpty());
            assertThat(names).containsExactlyInAnyOrder("cm-0", "cm-1", "cm-2", "cm-3", "cm-4");

            List<ConfigMap> all =
                    client.configMaps().inNamespace("paged").list().getItems();
            assertThat(all).hasSize(5);
        }
    }
}
