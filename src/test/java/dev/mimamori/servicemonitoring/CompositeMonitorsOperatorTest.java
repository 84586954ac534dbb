package dev.mimamori.servicemonitoring;

import static dev.mimamori.servicemonitoring.ServiceMonitoringOperatorTest.byTemplate;
import static dev.mimamori.servicemonitoring.ServiceMonitoringOperatorTest.templateNames;
import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Composite monitors a profile declares over its own templates: created after their members with the members' ids,
 * repaired like any monitor, and deleted before a member goes (Datadog refuses the other order, and so does the
 * simulator).
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class CompositeMonitorsOperatorTest {
    @Inject
    KubernetesClient client;

    @Inject
    DriftCheck driftCheck;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @Test
    void compositesFollowTheirMembersInOrder() {
        Resources.namespace(client, "composites");
        MonitorTemplate stuck = new MonitorTemplate();
        stuck.name = "stuck";
        stuck.type = "composite";
        stuck.query = "queue-depth && message-age";
        stuck.message = "The queue is deep and old messages wait: look at the consumers first.";
        client.resource(Resources.profile(
                        "queue-composite",
                        Map.of("depth", "100", "age", "60"),
                        Resources.metricMonitor("queue-depth", "queue.depth", "depth"),
                        Resources.metricMonitor("message-age", "queue.message.age", "age"),
                        stuck))
                .create();
        ServiceMonitoring sm = Resources.serviceMonitoring("composites", "worker", "worker", "prod");
        sm.getSpec().profile = "queue-composite";
        client.resource(sm).create();
        awaitReady();

        long depth = byTemplate(monitors(), "queue-depth").path("id").asLong();
        long age = byTemplate(monitors(), "message-age").path("id").asLong();
        JsonNode composite = byTemplate(monitors(), "stuck");
        assertThat(composite.path("type").asText()).isEqualTo("composite");
        assertThat(composite.path("query").asText()).isEqualTo(depth + " && " + age);
        assertThat(composite.path("id").asLong()).isGreaterThan(Math.max(depth, age));
        assertThat(get().getStatus().monitorsInSync).isEqualTo("3/3");

        // Edited in the Datadog UI: put back by the next drift check, with one write.
        long compositeId = composite.path("id").asLong();
        datadog.editMonitor(compositeId, m -> m.put("query", depth + " || " + age));
        int puts = datadog.calls("PUT /api/v1/monitor/{id}");
        driftCheck.run();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> datadog.monitor(compositeId).path("query").asText().equals(depth + " && " + age));
        assertThat(datadog.calls("PUT /api/v1/monitor/{id}") - puts).isEqualTo(1);

        // The service drops a member: the composite goes first, or Datadog would refuse to delete the member.
        ServiceMonitoring edited = get();
        MonitorTemplate drop = new MonitorTemplate();
        drop.name = "message-age";
        drop.enabled = false;
        edited.getSpec().monitors = List.of(drop);
        client.resource(edited).update();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> templateNames(monitors()).equals(new java.util.TreeSet<>(List.of("queue-depth"))));
        awaitReady();
        assertThat(get().getStatus().problems).isNull();

        client.resource(get()).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> get() == null);
        assertThat(monitors()).isEmpty();
    }

    private List<JsonNode> monitors() {
        return new ArrayList<>(datadog.monitorsTagged("mimamori-owner:composites/worker"));
    }

    private ServiceMonitoring get() {
        return client.resources(ServiceMonitoring.class)
                .inNamespace("composites")
                .withName("worker")
                .get();
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceMonitoring sm = get();
            Condition condition = ready(sm);
            assertThat(condition).isNotNull();
            assertThat(condition.getStatus())
                    .as(condition.getReason() + ": " + condition.getMessage())
                    .isEqualTo("True");
            assertThat(sm.getStatus().observedGeneration)
                    .isEqualTo(sm.getMetadata().getGeneration());
        });
    }
}
