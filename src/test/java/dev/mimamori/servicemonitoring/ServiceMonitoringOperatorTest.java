package dev.mimamori.servicemonitoring;

import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.DeletionPolicy;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator, running for real against the mock API server and the Datadog simulator: each test applies what a
 * person would apply and asserts what reached Datadog, then the status.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class ServiceMonitoringOperatorTest {
    // The built-in profile's seven single signals and three composites, and a fast and a slow burn-rate alert on each
    // of its two SLOs.
    static final Set<String> DEFAULT_MONITORS = Set.of(
            "latency-p95",
            "error-rate",
            "traffic-drop",
            "pod-restarts",
            "slo-availability-fast-burn",
            "slo-availability-slow-burn",
            "slo-latency-fast-burn",
            "slo-latency-slow-burn",
            "cpu-throttling",
            "memory-near-limit",
            "cpu-pressure",
            "slow-at-cpu-limit",
            "slow-on-busy-node",
            "slow-not-cpu");

    @Inject
    KubernetesClient client;

    @Inject
    DriftCheck driftCheck;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @Test
    void createsTheDefaultProfileMonitorsWithOwnershipTagsAndReportsThem() {
        Resources.namespace(client, "shop");
        long createsBefore = datadog.calls("POST /api/v1/monitor");
        ServiceMonitoring sm = Resources.serviceMonitoring("shop", "checkout", "checkout", "prod");
        sm.getSpec().team = "payments";
        sm.getSpec().notify = List.of("@slack-payments");
        sm.getSpec().parameters = Map.of("latencyP95Ms", "400");
        client.resource(sm).create();

        ServiceMonitoring ready = awaitReady("shop", "checkout");

        List<JsonNode> monitors = monitorsOf("shop/checkout");
        assertThat(templateNames(monitors)).isEqualTo(new TreeSet<>(DEFAULT_MONITORS));
        assertThat(datadog.calls("POST /api/v1/monitor") - createsBefore).isEqualTo(14);
        JsonNode latency = byTemplate(monitors, "latency-p95");
        assertThat(tags(latency))
                .contains(
                        "managed-by:mimamori",
                        "mimamori-cluster:test-cluster",
                        "mimamori-owner:shop/checkout",
                        "mimamori-monitor:latency-p95",
                        "service:checkout",
                        "env:prod",
                        "team:payments");
        assertThat(latency.path("query").asText())
                .isEqualTo("avg(last_10m):p95:trace.http.request{service:checkout,env:prod} * 1000 > 400");
        assertThat(latency.path("options").path("thresholds").path("critical").asDouble())
                .isEqualTo(400.0);
        assertThat(latency.path("message").asText())
                .contains("{{#is_alert}}", "{{value}}", "@slack-payments")
                .doesNotContain("${");

        assertThat(ready.getStatus().observedGeneration)
                .isEqualTo(ready.getMetadata().getGeneration());
        assertThat(ready.getStatus().monitorsInSync).isEqualTo("14/14");
        assertThat(ready.getStatus().monitors).hasSize(14).allSatisfy(m -> {
            assertThat(m.id).isPositive();
            assertThat(m.url).isEqualTo(datadog.url() + "/monitors/" + m.id);
        });
        assertThat(ready(ready).getReason()).isEqualTo("MonitorsInSync");
    }

    @Test
    void changingAThresholdUpdatesExactlyThatMonitor() {
        Resources.namespace(client, "thresholds");
        client.resource(Resources.serviceMonitoring("thresholds", "api", "api", "prod"))
                .create();
        awaitReady("thresholds", "api");
        long puts = datadog.calls("PUT /api/v1/monitor/{id}");
        long posts = datadog.calls("POST /api/v1/monitor");

        ServiceMonitoring sm = get("thresholds", "api");
        sm.getSpec().parameters = Map.of("errorRatePercent", "2");
        client.resource(sm).update();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(byTemplate(monitorsOf("thresholds/api"), "error-rate")
                                .path("query")
                                .asText())
                        .endsWith("> 2"));
        JsonNode errorRate = byTemplate(monitorsOf("thresholds/api"), "error-rate");
        assertThat(errorRate.path("options").path("thresholds").path("critical").asDouble())
                .isEqualTo(2.0);
        awaitObserved("thresholds", "api");
        assertThat(datadog.calls("PUT /api/v1/monitor/{id}") - puts).isEqualTo(1);
        assertThat(datadog.calls("POST /api/v1/monitor") - posts).isZero();
    }

    @Test
    void aMonitorRemovedFromTheProfileIsDeletedFromDatadog() {
        Resources.namespace(client, "profiles");
        MonitoringProfile profile = Resources.profile(
                "queue-worker",
                Map.of("depth", "100", "age", "60"),
                Resources.metricMonitor("queue-depth", "queue.depth", "depth"),
                Resources.metricMonitor("message-age", "queue.message.age", "age"));
        client.resource(profile).create();
        ServiceMonitoring sm = Resources.serviceMonitoring("profiles", "worker", "worker", "prod");
        sm.getSpec().profile = "queue-worker";
        client.resource(sm).create();
        awaitReady("profiles", "worker");
        assertThat(templateNames(monitorsOf("profiles/worker"))).containsExactly("message-age", "queue-depth");

        MonitoringProfile edited = client.resources(MonitoringProfile.class)
                .withName("queue-worker")
                .get();
        edited.getSpec().monitors.removeIf(m -> m.name.equals("message-age"));
        client.resource(edited).update();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(templateNames(monitorsOf("profiles/worker"))).containsExactly("queue-depth"));
        await().untilAsserted(() ->
                assertThat(get("profiles", "worker").getStatus().monitorsInSync).isEqualTo("1/1"));
    }

    @Test
    void anOverrideWithEnabledFalseDropsOneProfileMonitor() {
        Resources.namespace(client, "dropping");
        ServiceMonitoring sm = Resources.serviceMonitoring("dropping", "batch", "batch", "prod");
        sm.getSpec().monitors = List.of(Resources.disabled("traffic-drop"));
        client.resource(sm).create();
        awaitReady("dropping", "batch");
        assertThat(templateNames(monitorsOf("dropping/batch"))).hasSize(13).doesNotContain("traffic-drop");
    }

    @Test
    void anEditInTheDatadogUiIsPutBackByTheNextDriftCheck() {
        Resources.namespace(client, "drift");
        client.resource(Resources.serviceMonitoring("drift", "search", "search", "prod"))
                .create();
        awaitReady("drift", "search");
        JsonNode latency = byTemplate(monitorsOf("drift/search"), "latency-p95");
        long id = latency.path("id").asLong();
        String query = latency.path("query").asText();
        datadog.editMonitor(id, m -> {
            m.put("query", "avg(last_10m):p95:trace.http.request{service:search,env:prod} * 1000 > 9000");
            ((ObjectNode) m.path("options").path("thresholds")).put("critical", 9000);
        });
        long puts = datadog.calls("PUT /api/v1/monitor/{id}");

        Set<String> woken = driftCheck.run();

        assertThat(woken).contains("drift/search");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(datadog.monitor(id).path("query").asText()).isEqualTo(query));
        assertThat(datadog.calls("PUT /api/v1/monitor/{id}") - puts).isEqualTo(1);
    }

    @Test
    void aServiceMonitoringWithA250CharacterNameIsFoundBackThroughItsShortOwnerTag() {
        Resources.namespace(client, "long-names");
        String name = "checkout-" + "x".repeat(241);
        client.resource(Resources.serviceMonitoring("long-names", name, "checkout", "prod"))
                .create();
        ServiceMonitoring ready = awaitReady("long-names", name);
        List<JsonNode> monitors = monitorsOf(ready.ownerKey());
        assertThat(templateNames(monitors)).isEqualTo(new TreeSet<>(DEFAULT_MONITORS));
        assertThat(monitors)
                .allSatisfy(
                        m -> assertThat(tags(m)).allSatisfy(t -> assertThat(t).hasSizeLessThanOrEqualTo(200)));
        long id = byTemplate(monitors, "latency-p95").path("id").asLong();
        String query = byTemplate(monitors, "latency-p95").path("query").asText();
        long writes = datadog.writeCalls();

        datadog.editMonitor(id, m -> m.put("message", "edited in the UI"));
        Set<String> woken = driftCheck.run();

        // The drift check finds the shortened owner and wakes the resource it stands for; nothing else is rewritten.
        assertThat(woken).containsExactly(ready.ownerKey());
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(datadog.monitor(id).path("message").asText()).isNotEqualTo("edited in the UI"));
        assertThat(datadog.monitor(id).path("query").asText()).isEqualTo(query);
        assertThat(datadog.writeCalls() - writes).isEqualTo(1);
    }

    @Test
    void anEditInTheDatadogUiIsFoundThroughTheAuditTrailAndPutBackWithoutWaitingForAFullResync() {
        Resources.namespace(client, "audited");
        client.resource(Resources.serviceMonitoring("audited", "orders", "audited-orders", "prod"))
                .create();
        awaitReady("audited", "orders");
        long id = byTemplate(monitorsOf("audited/orders"), "error-rate")
                .path("id")
                .asLong();
        String message = datadog.monitor(id).path("message").asText();
        // The operator's own creates are audited too: one look takes them in first.
        driftCheck.runChanges(Instant.now().plusSeconds(1));

        datadog.editMonitor(id, m -> m.put("message", "edited in the UI"));
        Set<String> woken = driftCheck.runChanges(Instant.now().plusSeconds(1));

        assertThat(woken).contains("audited/orders");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(datadog.monitor(id).path("message").asText()).isEqualTo(message));
    }

    @Test
    void withoutTheAuditTrailALookFindsNothingAndTheFullResyncRepairs() {
        Resources.namespace(client, "unaudited");
        client.resource(Resources.serviceMonitoring("unaudited", "stock", "stock", "prod"))
                .create();
        awaitReady("unaudited", "stock");
        long id = byTemplate(monitorsOf("unaudited/stock"), "error-rate")
                .path("id")
                .asLong();
        String message = datadog.monitor(id).path("message").asText();
        datadog.setAuditTrail(false);
        try {
            datadog.editMonitor(id, m -> m.put("message", "edited in the UI"));
            long searches = datadog.calls(DatadogSimulator.SEARCH_AUDIT);

            assertThat(driftCheck.runChanges(Instant.now().plusSeconds(1))).isEmpty();
            assertThat(driftCheck.runChanges(Instant.now().plusSeconds(2)))
                    .as("after a 403 the operator stops asking until the next full resync")
                    .isEmpty();
            assertThat(datadog.calls(DatadogSimulator.SEARCH_AUDIT) - searches).isEqualTo(1);

            assertThat(driftCheck.run()).contains("unaudited/stock");
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> assertThat(datadog.monitor(id).path("message").asText())
                                    .isEqualTo(message));
        } finally {
            datadog.setAuditTrail(true);
        }
    }

    @Test
    void aMonitorDeletedInDatadogIsRecreatedByTheNextDriftCheck() {
        Resources.namespace(client, "recreate");
        client.resource(Resources.serviceMonitoring("recreate", "cart", "cart", "prod"))
                .create();
        awaitReady("recreate", "cart");
        long id =
                byTemplate(monitorsOf("recreate/cart"), "error-rate").path("id").asLong();
        datadog.deleteMonitor(id);

        driftCheck.run();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<JsonNode> monitors = monitorsOf("recreate/cart");
            assertThat(templateNames(monitors)).isEqualTo(new TreeSet<>(DEFAULT_MONITORS));
            assertThat(byTemplate(monitors, "error-rate").path("id").asLong()).isNotEqualTo(id);
        });
        await().untilAsserted(() ->
                assertThat(get("recreate", "cart").getStatus().monitors).noneMatch(m -> m.id == id));
    }

    @Test
    void deletingTheResourceDeletesItsMonitorsAndOrphanKeepsThem() {
        Resources.namespace(client, "cleanup");
        client.resource(Resources.serviceMonitoring("cleanup", "gone", "gone", "prod"))
                .create();
        ServiceMonitoring kept = Resources.serviceMonitoring("cleanup", "kept", "kept", "prod");
        kept.getSpec().deletionPolicy = DeletionPolicy.Orphan;
        client.resource(kept).create();
        awaitReady("cleanup", "gone");
        awaitReady("cleanup", "kept");

        client.resource(get("cleanup", "gone")).delete();
        client.resource(get("cleanup", "kept")).delete();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(get("cleanup", "gone")).isNull();
            assertThat(get("cleanup", "kept")).isNull();
        });
        assertThat(monitorsOf("cleanup/gone")).isEmpty();
        assertThat(monitorsOf("cleanup/kept")).hasSize(14);
    }

    @Test
    void whileDatadogIsDownTheFinalizerStaysAndNothingIsOrphaned() {
        Resources.namespace(client, "outage");
        client.resource(Resources.serviceMonitoring("outage", "ledger", "ledger", "prod"))
                .create();
        awaitReady("outage", "ledger");
        datadog.setOutage(true);
        try {
            client.resource(get("outage", "ledger")).delete();
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> get("outage", "ledger") != null);
            assertThat(monitorsOf("outage/ledger")).hasSize(14);
        } finally {
            datadog.setOutage(false);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> get("outage", "ledger") == null);
        assertThat(monitorsOf("outage/ledger")).isEmpty();
    }

    @Test
    void twoNamespacesWithTheSameNameAndServiceKeepSeparateMonitors() {
        Resources.namespace(client, "team-a");
        Resources.namespace(client, "team-b");
        client.resource(Resources.serviceMonitoring("team-a", "web", "web", "prod"))
                .create();
        client.resource(Resources.serviceMonitoring("team-b", "web", "web", "prod"))
                .create();
        awaitReady("team-a", "web");
        awaitReady("team-b", "web");
        List<JsonNode> a = monitorsOf("team-a/web");
        assertThat(a).hasSize(14);
        assertThat(monitorsOf("team-b/web")).hasSize(14);

        client.resource(get("team-b", "web")).delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> monitorsOf("team-b/web").isEmpty());
        assertThat(ids(monitorsOf("team-a/web"))).isEqualTo(ids(a));
    }

    @Test
    void anUnchangedResyncMakesNoWritesAndOneListPerKind() {
        Resources.namespace(client, "steady");
        for (int i = 0; i < 5; i++) {
            client.resource(Resources.serviceMonitoring("steady", "svc-" + i, "svc-" + i, "prod"))
                    .create();
        }
        for (int i = 0; i < 5; i++) {
            awaitReady("steady", "svc-" + i);
        }
        driftCheck.run(); // absorb monitors other tests changed by hand
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        datadog.resetCounts();

        Set<String> woken = driftCheck.run();
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);

        assertThat(woken).isEmpty();
        assertThat(datadog.writeCalls()).isZero();
        assertThat(datadog.calls(DatadogSimulator.LIST_MONITORS)).isEqualTo(1);
        assertThat(datadog.calls(DatadogSimulator.LIST_SLOS)).isEqualTo(1);
        // The shared dashboards: one list tells by their modified time that none needs reading.
        assertThat(datadog.calls(DatadogSimulator.GET_DASHBOARD)).isZero();
        assertThat(datadog.totalCalls()).isLessThanOrEqualTo(3);
    }

    ServiceMonitoring get(String namespace, String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    ServiceMonitoring awaitReady(String namespace, String name) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceMonitoring sm = get(namespace, name);
            Condition ready = ready(sm);
            assertThat(ready).as("Ready condition of %s/%s", namespace, name).isNotNull();
            assertThat(ready.getStatus())
                    .as(ready.getReason() + ": " + ready.getMessage())
                    .isEqualTo("True");
            assertThat(sm.getStatus().observedGeneration)
                    .isEqualTo(sm.getMetadata().getGeneration());
        });
        return get(namespace, name);
    }

    void awaitObserved(String namespace, String name) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceMonitoring sm = get(namespace, name);
            assertThat(sm.getStatus().observedGeneration)
                    .isEqualTo(sm.getMetadata().getGeneration());
        });
    }

    List<JsonNode> monitorsOf(String owner) {
        return new ArrayList<>(datadog.monitorsTagged("mimamori-owner:" + owner));
    }

    static JsonNode byTemplate(List<JsonNode> monitors, String template) {
        return monitors.stream()
                .filter(m -> tags(m).contains("mimamori-monitor:" + template))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no monitor for template " + template));
    }

    static List<String> tags(JsonNode monitor) {
        List<String> tags = new ArrayList<>();
        monitor.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    static TreeSet<String> templateNames(List<JsonNode> monitors) {
        TreeSet<String> names = new TreeSet<>();
        for (JsonNode m : monitors) {
            tags(m).stream()
                    .filter(t -> t.startsWith("mimamori-monitor:"))
                    .forEach(t -> names.add(t.substring("mimamori-monitor:".length())));
        }
        return names;
    }

    static Set<Long> ids(List<JsonNode> monitors) {
        Set<Long> ids = new TreeSet<>();
        monitors.forEach(m -> ids.add(m.path("id").asLong()));
        return ids;
    }
}
