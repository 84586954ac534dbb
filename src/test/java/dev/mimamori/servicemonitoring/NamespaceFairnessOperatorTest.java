package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mimamori.api.Condition;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.sync.Ownership;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Under a low monitor-write limit, a namespace that creates one ServiceMonitoring while another namespace's burst is
 * being written gets its monitors before the burst is done: the operator shares each window between namespaces.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class NamespaceFairnessOperatorTest {
    static final String BULK = "fair-bulk";
    static final String SMALL = "fair-small";
    static final int BULK_RESOURCES = 12;
    /** The built-in profile's monitors per ServiceMonitoring: 7 single signals, 3 composites, 4 burn-rate alerts. */
    static final int MONITORS_EACH = 14;

    @Inject
    KubernetesClient client;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @Test
    void aOneResourceNamespaceIsWrittenBeforeAnotherNamespacesBurstIsDone() {
        Resources.namespace(client, BULK);
        Resources.namespace(client, SMALL);
        datadog.setRateLimit(DatadogSimulator.CREATE_MONITOR, 4, 1);
        try {
            for (int i = 0; i < BULK_RESOURCES; i++) {
                client.resource(Resources.serviceMonitoring(BULK, "svc-" + i, BULK + "-" + i, "prod"))
                        .create();
            }
            // The burst is under way, so the small namespace's writes queue behind it from the start.
            await().atMost(Duration.ofMinutes(2)).until(() -> monitorsOf(BULK) > 0);
            client.resource(Resources.serviceMonitoring(SMALL, "web", SMALL, "prod"))
                    .create();

            await().atMost(Duration.ofMinutes(3)).until(() -> monitorsOf(SMALL) == MONITORS_EACH);
            // Writes of the burst that reached Datadog before the small namespace had all of its own: with
            // first-come-first-served most of the burst would be in; with fair shares only a few windows of it.
            assertThat(monitorsOf(BULK)).isLessThan(BULK_RESOURCES * MONITORS_EACH / 2);
            await().atMost(Duration.ofMinutes(3)).until(() -> isReady(SMALL, "web"));
        } finally {
            datadog.setRateLimit(DatadogSimulator.CREATE_MONITOR, 1000, 10);
        }
        await().atMost(Duration.ofMinutes(3)).until(() -> monitorsOf(BULK) == BULK_RESOURCES * MONITORS_EACH);
        client.resources(ServiceMonitoring.class).inNamespace(BULK).delete();
        client.resources(ServiceMonitoring.class).inNamespace(SMALL).delete();
    }

    /** Monitors in Datadog owned by a ServiceMonitoring of this namespace (owner tag {@code namespace/name}). */
    private long monitorsOf(String namespace) {
        String owner = Ownership.OWNER + ":" + namespace + "/";
        return datadog.monitors().stream()
                .filter(m -> {
                    for (var tag : m.path("tags")) {
                        if (tag.asText().startsWith(owner)) {
                            return true;
                        }
                    }
                    return false;
                })
                .count();
    }

    private boolean isReady(String namespace, String name) {
        Condition ready = Resources.ready(client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .get());
        return ready != null && "True".equals(ready.getStatus());
    }
}
