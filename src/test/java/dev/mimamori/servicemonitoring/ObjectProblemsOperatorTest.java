package dev.mimamori.servicemonitoring;

import static dev.mimamori.servicemonitoring.ServiceMonitoringOperatorTest.byTemplate;
import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ObjectProblemStatus;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.SloTemplate;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One Datadog object that Datadog will not change (still referenced, restricted to other roles) is named in status
 * while every other object of the resource converges; deleting such a resource says what holds its finalizer. And
 * objects whose ownership tags were forged are never touched.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class ObjectProblemsOperatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    @Inject
    DriftCheck driftCheck;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @Test
    void monitorsReferencedByACompositeOrRestrictedAreReportedWhileTheRestConvergeAndHoldTheFinalizer() {
        Resources.namespace(client, "blocked");
        client.resource(Resources.serviceMonitoring("blocked", "api", "api", "prod"))
                .create();
        awaitReady("blocked", "api");
        long latency =
                byTemplate(monitorsOf("blocked/api"), "latency-p95").path("id").asLong();
        long errors =
                byTemplate(monitorsOf("blocked/api"), "error-rate").path("id").asLong();
        long composite = datadog.putMonitor(composite(latency, errors));
        datadog.editMonitor(errors, m -> m.putArray("restricted_roles").add("00000000-role-of-another-team"));

        ServiceMonitoring sm = get("blocked", "api");
        sm.getSpec().monitors = List.of(Resources.disabled("latency-p95"), Resources.disabled("pod-restarts"));
        sm.getSpec().parameters = Map.of("errorRatePercent", "3", "trafficDropPercent", "40");
        client.resource(sm).update();

        ServiceMonitoring seen = awaitProblems("blocked", "api", 2);
        assertThat(ready(seen).getReason()).isEqualTo("ObjectForbidden");
        assertThat(seen.getStatus().problems)
                .extracting(p -> p.name + "/" + p.reason)
                .containsExactlyInAnyOrder("latency-p95/DeletionBlocked", "error-rate/ObjectForbidden");
        ObjectProblemStatus blocked = problem(seen, "latency-p95");
        assertThat(blocked.kind).isEqualTo("monitor");
        assertThat(blocked.id).isEqualTo(Long.toString(latency));
        assertThat(blocked.message).contains("composite monitors", Long.toString(composite));
        // Everything else converged: the dropped monitor is gone, the other change reached Datadog.
        assertThat(templates("blocked/api")).doesNotContain("pod-restarts");
        assertThat(byTemplate(monitorsOf("blocked/api"), "traffic-drop")
                        .path("query")
                        .asText())
                .contains("40");
        assertThat(datadog.monitor(errors).path("query").asText()).doesNotContain("> 3");

        client.resource(get("blocked", "api")).delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Condition condition = ready(get("blocked", "api"));
            assertThat(condition).isNotNull();
            assertThat(condition.getReason()).isEqualTo("DeletionBlocked");
            assertThat(condition.getMessage()).contains("latency-p95", "error-rate", "deletionPolicy: Orphan");
        });
        assertThat(templates("blocked/api")).containsExactlyInAnyOrder("latency-p95", "error-rate");

        datadog.deleteMonitor(composite);
        datadog.editMonitor(errors, m -> m.putArray("restricted_roles"));
        // Nothing in our lists shows a reference gone: the drift check retries blocked deletions.
        driftCheck.run();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("blocked", "api") == null);
        assertThat(monitorsOf("blocked/api")).isEmpty();
    }

    @Test
    void anSloShownOnADashboardOrRestrictedIsReportedWhileTheRestConverge() {
        Resources.namespace(client, "slo-blocked");
        client.resource(Resources.serviceMonitoring("slo-blocked", "api", "api", "prod"))
                .create();
        ServiceMonitoring first = awaitReady("slo-blocked", "api");
        String availability = sloId(first, "availability");
        String latency = sloId(first, "latency");
        String dashboard = datadog.putDashboard(dashboardShowing(availability));
        datadog.restrictSlo(latency);

        ServiceMonitoring sm = get("slo-blocked", "api");
        sm.getSpec().slos = List.of(disabledSlo("availability"), slo("latency", "99.5"));
        client.resource(sm).update();

        ServiceMonitoring seen = awaitProblems("slo-blocked", "api", 2);
        assertThat(seen.getStatus().problems)
                .extracting(p -> p.kind + " " + p.name + "/" + p.reason)
                .containsExactlyInAnyOrder("SLO availability/DeletionBlocked", "SLO latency/ObjectForbidden");
        assertThat(problem(seen, "availability").message).contains("dashboard", dashboard);
        // The burn-rate alerts of the dropped SLO went first, as Datadog requires.
        assertThat(templates("slo-blocked/api"))
                .doesNotContain("slo-availability-fast-burn", "slo-availability-slow-burn");
        assertThat(datadog.slo(availability)).isNotNull();

        client.resource(get("slo-blocked", "api")).delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Condition condition = ready(get("slo-blocked", "api"));
            assertThat(condition).isNotNull();
            assertThat(condition.getReason()).isEqualTo("DeletionBlocked");
            assertThat(condition.getMessage()).contains("SLO availability", "SLO latency", dashboard);
        });
        // Every monitor went, burn-rate alerts included; only the two SLOs Datadog refused remain.
        assertThat(monitorsOf("slo-blocked/api")).isEmpty();
        datadog.deleteDashboard(dashboard);
        datadog.unrestrictSlo(latency);
        driftCheck.run();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("slo-blocked", "api") == null);
        assertThat(datadog.slo(availability)).isNull();
        assertThat(datadog.slo(latency)).isNull();
    }

    @Test
    void aRestrictedDashboardIsReportedWhileMonitorsConverge() {
        Resources.namespace(client, "dash-blocked");
        MonitoringProfileSpec spec = Serialization.clone(BuiltInProfile.spec());
        spec.shared = true;
        MonitoringProfile profile = new MonitoringProfile();
        profile.setMetadata(
                new ObjectMetaBuilder().withName("restricted-dashboard").build());
        profile.setSpec(spec);
        client.resource(profile).create();
        ServiceMonitoring sm = Resources.serviceMonitoring("dash-blocked", "api", "api", "prod");
        sm.getSpec().profile = "restricted-dashboard";
        client.resource(sm).create();
        ServiceMonitoring first = awaitReady("dash-blocked", "api");
        String dashboard = first.getStatus().dashboard.id;
        datadog.editDashboard(dashboard, d -> d.putArray("restricted_roles").add("00000000-role-of-another-team"));

        MonitoringProfile edited = client.resources(MonitoringProfile.class)
                .withName("restricted-dashboard")
                .get();
        edited.getSpec().dashboard.title = "Changed title";
        edited.getSpec().monitors.removeIf(m -> m.name.equals("pod-restarts"));
        client.resource(edited).update();

        ServiceMonitoring seen = awaitProblems("dash-blocked", "api", 1);
        assertThat(seen.getStatus().problems)
                .extracting(p -> p.kind + " " + p.name + "/" + p.reason)
                .containsExactly("dashboard dashboard/ObjectForbidden");
        assertThat(templates("dash-blocked/api")).doesNotContain("pod-restarts");

        // Its last user leaves: the unused dashboard's deletion is refused too, and asked for once, not again by
        // every reconcile of every other ServiceMonitoring after it.
        long deletesBefore = datadog.calls(DatadogSimulator.DELETE_DASHBOARD);
        client.resource(get("dash-blocked", "api")).delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("dash-blocked", "api") == null);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> datadog.calls(DatadogSimulator.DELETE_DASHBOARD) > deletesBefore);
        long refused = datadog.calls(DatadogSimulator.DELETE_DASHBOARD);
        Resources.namespace(client, "dash-neighbours");
        for (String name : List.of("web", "shop", "search")) {
            client.resource(Resources.serviceMonitoring("dash-neighbours", name, name, "prod"))
                    .create();
            awaitReady("dash-neighbours", name);
        }
        assertThat(datadog.calls(DatadogSimulator.DELETE_DASHBOARD)).isEqualTo(refused);
        assertThat(datadog.dashboard(dashboard)).isNotNull();

        // After a full resync it is asked for once more (a restriction policy lifted, a role granted to the key: the
        // list shows no change), and refused again.
        driftCheck.run();
        client.resource(Resources.serviceMonitoring("dash-neighbours", "books", "books", "prod"))
                .create();
        awaitReady("dash-neighbours", "books");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> datadog.calls(DatadogSimulator.DELETE_DASHBOARD) == refused + 1);
        client.resource(Resources.serviceMonitoring("dash-neighbours", "music", "music", "prod"))
                .create();
        awaitReady("dash-neighbours", "music");
        assertThat(datadog.calls(DatadogSimulator.DELETE_DASHBOARD)).isEqualTo(refused + 1);
        assertThat(datadog.dashboard(dashboard)).isNotNull();

        // Once Datadog lists it changed (the restriction lifted), it is deleted.
        datadog.editDashboard(dashboard, d -> d.putArray("restricted_roles"));
        driftCheck.run();
        client.resource(Resources.serviceMonitoring("dash-neighbours", "cart", "cart", "prod"))
                .create();
        await().atMost(Duration.ofSeconds(20)).until(() -> datadog.dashboard(dashboard) == null);
    }

    @Test
    void objectsWithAForgedOrSecondOwnerOrClusterTagAreNeverChangedOrDeleted() {
        Resources.namespace(client, "forged");
        client.resource(Resources.serviceMonitoring("forged", "api", "api", "prod"))
                .create();
        awaitReady("forged", "api");
        List<Long> foreign = new ArrayList<>();
        JsonNode latency = byTemplate(monitorsOf("forged/api"), "latency-p95");
        for (String extra : List.of(
                "mimamori-owner:a", "mimamori-owner:forged/other", "mimamori-cluster:other", "mimamori-cluster:aaa")) {
            ObjectNode copy = latency.deepCopy();
            copy.remove("id");
            ((com.fasterxml.jackson.databind.node.ArrayNode) copy.get("tags")).add(extra);
            copy.put("query", copy.path("query").asText().replace("> 500", "> 9999"));
            foreign.add(datadog.putMonitor(copy));
        }
        List<String> before =
                foreign.stream().map(id -> datadog.monitor(id).toString()).toList();
        long posts = datadog.calls("POST /api/v1/monitor");

        driftCheck.run();
        driftCheck.run();
        touch("forged", "api");
        awaitReady("forged", "api");

        assertThat(foreign.stream().map(id -> datadog.monitor(id).toString()).toList())
                .isEqualTo(before);
        assertThat(datadog.calls("POST /api/v1/monitor")).isEqualTo(posts);
        assertThat(monitorsOf("forged/api").stream()
                        .filter(m -> !foreign.contains(m.path("id").asLong())))
                .hasSize(14);
    }

    @Test
    void aReservedTagKeyInTheSpecIsRefusedWithAClearReasonAndNothingIsWritten() {
        Resources.namespace(client, "reserved");
        long posts = datadog.calls("POST /api/v1/monitor");
        ServiceMonitoring sm = Resources.serviceMonitoring("reserved", "api", "api", "prod");
        sm.getSpec().tags = List.of("tier:web", "mimamori-owner:a");
        client.resource(sm).create();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Condition condition = ready(get("reserved", "api"));
            assertThat(condition).isNotNull();
            assertThat(condition.getReason()).isEqualTo("ReservedTag");
            assertThat(condition.getMessage()).contains("mimamori-owner:a", "reserved");
        });
        assertThat(datadog.calls("POST /api/v1/monitor")).isEqualTo(posts);
    }

    private static ObjectNode composite(long a, long b) {
        ObjectNode m = JSON.createObjectNode()
                .put("name", "latency and errors together")
                .put("type", "composite")
                .put("query", a + " && " + b)
                .put("message", "made by hand in the UI");
        m.putArray("tags").add("team:sre");
        return m;
    }

    private static ObjectNode dashboardShowing(String sloId) {
        ObjectNode d = JSON.createObjectNode().put("title", "Team overview").put("layout_type", "ordered");
        ObjectNode definition = d.putArray("widgets").addObject().putObject("definition");
        definition
                .put("type", "slo")
                .put("slo_id", sloId)
                .put("view_type", "detail")
                .put("view_mode", "overall");
        definition.putArray("time_windows").add("30d");
        return d;
    }

    private static SloTemplate disabledSlo(String name) {
        SloTemplate t = new SloTemplate();
        t.name = name;
        t.enabled = false;
        return t;
    }

    private static SloTemplate slo(String name, String target) {
        SloTemplate t = new SloTemplate();
        t.name = name;
        t.target = target;
        return t;
    }

    private static String sloId(ServiceMonitoring sm, String name) {
        return sm.getStatus().slos.stream()
                .filter(s -> s.name.equals(name))
                .findFirst()
                .orElseThrow()
                .id;
    }

    private static ObjectProblemStatus problem(ServiceMonitoring sm, String name) {
        return sm.getStatus().problems.stream()
                .filter(p -> p.name.equals(name))
                .findFirst()
                .orElseThrow();
    }

    private List<String> templates(String owner) {
        return new ArrayList<>(ServiceMonitoringOperatorTest.templateNames(monitorsOf(owner)));
    }

    private List<JsonNode> monitorsOf(String owner) {
        return new ArrayList<>(datadog.monitorsTagged("mimamori-owner:" + owner));
    }

    private void touch(String namespace, String name) {
        client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .edit(sm -> {
                    sm.getMetadata().setAnnotations(Map.of("test/touched", Long.toString(System.nanoTime())));
                    return sm;
                });
    }

    private ServiceMonitoring awaitProblems(String namespace, String name, int count) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceMonitoring sm = get(namespace, name);
            assertThat(sm.getStatus()).isNotNull();
            assertThat(sm.getStatus().observedGeneration)
                    .isEqualTo(sm.getMetadata().getGeneration());
            assertThat(sm.getStatus().problems).hasSize(count);
        });
        return get(namespace, name);
    }

    private ServiceMonitoring get(String namespace, String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    private ServiceMonitoring awaitReady(String namespace, String name) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceMonitoring sm = get(namespace, name);
            Condition ready = ready(sm);
            assertThat(ready).isNotNull();
            assertThat(ready.getStatus())
                    .as(ready.getReason() + ": " + ready.getMessage())
                    .isEqualTo("True");
        });
        return get(namespace, name);
    }
}
