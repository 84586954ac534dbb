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
import dev.mimamori.sim.CallLog;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.status.Conditions;
import dev.mimamori.testing.MovableClock;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in profile's diagnoses: its composites follow their members in Datadog, and the Contention condition
 * tells a service when a neighbour crowds its node, from the simulator's scripted cluster.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class ContentionOperatorTest {
    @Inject
    KubernetesClient client;

    @Inject
    DriftCheck driftCheck;

    @Inject
    ContentionCheck contentionCheck;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @Test
    void theBuiltInCompositesAreCreatedAfterTheirMembersRepairedAndDeletedFirst() {
        Resources.namespace(client, "diagnoses");
        client.resource(Resources.serviceMonitoring("diagnoses", "api", "api", "prod"))
                .create();
        awaitReady("diagnoses", "api");

        List<JsonNode> monitors = monitorsOf("diagnoses/api");
        long latency = id(monitors, "latency-p95");
        long throttling = id(monitors, "cpu-throttling");
        long pressure = id(monitors, "cpu-pressure");
        JsonNode busyNode = byTemplate(monitors, "slow-on-busy-node");
        assertThat(busyNode.path("type").asText()).isEqualTo("composite");
        assertThat(busyNode.path("query").asText()).isEqualTo(latency + " && " + pressure + " && !" + throttling);
        assertThat(busyNode.path("id").asLong()).isGreaterThan(Math.max(latency, Math.max(throttling, pressure)));
        assertThat(byTemplate(monitors, "slow-at-cpu-limit").path("query").asText())
                .isEqualTo(latency + " && " + throttling);
        assertThat(byTemplate(monitors, "slow-not-cpu").path("query").asText())
                .isEqualTo(latency + " && !" + throttling + " && !" + pressure);
        assertThat(byTemplate(monitors, "slow-not-cpu").path("message").asText())
                .contains("Look first at the latest release");

        // Someone edits a composite in Datadog: the next drift check puts it back.
        long compositeId = busyNode.path("id").asLong();
        datadog.editMonitor(compositeId, m -> m.put("query", latency + " || " + pressure));
        driftCheck.run();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> datadog.monitor(compositeId)
                        .path("query")
                        .asText()
                        .equals(latency + " && " + pressure + " && !" + throttling));

        // A cluster without PSI turns cpu-pressure off: the two composites over it go, before it does.
        long callsBefore = datadog.callMark();
        ServiceMonitoring edited = get("diagnoses", "api");
        MonitorTemplate off = new MonitorTemplate();
        off.name = "cpu-pressure";
        off.enabled = false;
        edited.getSpec().monitors = List.of(off);
        client.resource(edited).update();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !templateNames(monitorsOf("diagnoses/api")).contains("cpu-pressure"));
        awaitReady("diagnoses", "api");
        List<String> deleted = datadog.requestsSince(callsBefore).stream()
                .filter(c -> c.key().equals(DatadogSimulator.DELETE_MONITOR))
                .map(CallLog.Call::path)
                .toList();
        assertThat(deleted).hasSize(3).endsWith("/api/v1/monitor/" + pressure);
        assertThat(deleted.subList(0, 2))
                .containsExactlyInAnyOrder(
                        "/api/v1/monitor/" + compositeId, "/api/v1/monitor/" + id(monitors, "slow-not-cpu"));
        assertThat(byTemplate(monitorsOf("diagnoses/api"), "slow-at-cpu-limit")).isNotNull();
        assertThat(get("diagnoses", "api").getStatus().monitorsInSync).isEqualTo("11/11");

        // The resource goes: its remaining composite is deleted before any member, so nothing blocks the finalizer.
        long atLimit = id(monitorsOf("diagnoses/api"), "slow-at-cpu-limit");
        long before = datadog.callMark();
        client.resource(get("diagnoses", "api")).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> get("diagnoses", "api") == null);
        assertThat(monitorsOf("diagnoses/api")).isEmpty();
        List<String> removed = datadog.requestsSince(before).stream()
                .filter(c -> c.key().equals(DatadogSimulator.DELETE_MONITOR))
                .map(CallLog.Call::path)
                .toList();
        assertThat(removed).hasSize(11).startsWith("/api/v1/monitor/" + atLimit);
    }

    @Test
    void aBatchJobOnTheServicesNodeSetsContentionAndItsEndClearsIt() {
        Resources.namespace(client, "crowded");
        datadog.scriptNode("node-a", 8, 0, 0.6);
        datadog.scriptNode("node-b", 8, 0, 0.6);
        datadog.scriptContainer("node-a", "checkout-1", "checkout", "prod", 1);
        datadog.scriptContainer("node-b", "checkout-2", "checkout", "prod", 1);
        try {
            client.resource(Resources.serviceMonitoring("crowded", "checkout", "checkout", "prod"))
                    .create();
            awaitReady("crowded", "checkout");
            contentionCheck.run();
            Condition quiet = awaitContention("False");
            assertThat(quiet.getReason()).isEqualTo("NoContention");
            assertThat(quiet.getMessage())
                    .isEqualTo("none of the 2 nodes running checkout is under pressure from other workloads");

            datadog.startBatchJob("node-a", "etl-28374", 12);
            MovableClock.INSTANCE.set(MovableClock.INSTANCE.instant().plus(Duration.ofMinutes(6)));
            contentionCheck.run();
            Condition crowded = awaitContention("True");
            assertThat(crowded.getReason()).isEqualTo("NodeContention");
            assertThat(crowded.getMessage())
                    .startsWith(
                            "1 of 2 nodes running checkout are under pressure from other workloads: node-a (CPU 100%"
                                    + " busy; checkout 0.6 cores, waiting for a CPU 38% of the time")
                    .endsWith("heaviest neighbours workloads without a service tag 7.4 cores)");
            assertThat(ready(get("crowded", "checkout")).getStatus()).isEqualTo("True");

            datadog.stopContainer("etl-28374");
            MovableClock.INSTANCE.set(MovableClock.INSTANCE.instant().plus(Duration.ofMinutes(6)));
            contentionCheck.run();
            assertThat(awaitContention("False").getReason()).isEqualTo("NoContention");
        } finally {
            MovableClock.INSTANCE.reset();
            datadog.clearNodes();
        }
    }

    private Condition awaitContention(String status) {
        List<Condition> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Condition c = Conditions.find(get("crowded", "checkout").getStatus().conditions, Conditions.CONTENTION);
            assertThat(c).isNotNull();
            assertThat(c.getStatus()).as(c.getReason() + ": " + c.getMessage()).isEqualTo(status);
            seen.add(c);
        });
        return seen.get(seen.size() - 1);
    }

    private static long id(List<JsonNode> monitors, String template) {
        return byTemplate(monitors, template).path("id").asLong();
    }

    private List<JsonNode> monitorsOf(String owner) {
        return new ArrayList<>(datadog.monitorsTagged("mimamori-owner:" + owner));
    }

    private ServiceMonitoring get(String namespace, String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    private void awaitReady(String namespace, String name) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceMonitoring sm = get(namespace, name);
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
