package dev.mimamori.servicemonitoring;

import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.DashboardSpec;
import dev.mimamori.api.DashboardWidget;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.SloTemplate;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The unified dashboard, the SLOs with their burn-rate alerts and the telemetry check, with the real operator against
 * the mock API server and the Datadog simulator. Every test asserts what Datadog holds, then the status.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class DashboardSloTelemetryOperatorTest {
    static final String MARKER_PREFIX = "[mimamori cluster=" + OperatorTestEnvironment.CLUSTER_NAME + " profile=";

    @Inject
    KubernetesClient client;

    @Inject
    DriftCheck driftCheck;

    @Inject
    TelemetryCheck telemetryCheck;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @Test
    void oneDashboardPerProfileHoweverManyServicesRepairedAfterAnEditAndDeletedWithItsLastUser() {
        Resources.namespace(client, "dash");
        client.resource(profileWithDashboard("dash-web")).create();
        int posts = datadog.calls(DatadogSimulator.CREATE_DASHBOARD);
        for (String service : List.of("cart", "search", "payments")) {
            ServiceMonitoring sm = Resources.serviceMonitoring("dash", service, service, "prod");
            sm.getSpec().profile = "dash-web";
            client.resource(sm).create();
        }
        List.of("cart", "search", "payments").forEach(s -> awaitReady("dash", s));
        // One reconcile creates the shared dashboard; the others link it a moment later, without waiting for it.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> List.of("cart", "search", "payments").stream()
                        .allMatch(s -> get("dash", s).getStatus().dashboard != null));
        List<ServiceMonitoring> ready = List.of(get("dash", "cart"), get("dash", "search"), get("dash", "payments"));

        List<ObjectNode> dashboards = dashboardsOf("dash-web");
        assertThat(dashboards).hasSize(1);
        assertThat(datadog.calls(DatadogSimulator.CREATE_DASHBOARD) - posts).isEqualTo(1);
        String id = dashboards.get(0).path("id").asText();
        assertThat(ready).allSatisfy(sm -> {
            assertThat(sm.getStatus().dashboard.id).isEqualTo(id);
            assertThat(sm.getStatus().dashboard.url)
                    .isEqualTo(datadog.url() + "/dashboard/" + id + "?tpl_var_env=prod&tpl_var_service="
                            + sm.getSpec().service);
        });
        ObjectNode stored = datadog.dashboard(id);
        JsonNode request = stored.path("widgets")
                .get(0)
                .path("definition")
                .path("requests")
                .get(0);
        assertThat(request.path("response_format").asText()).isEqualTo("timeseries");
        assertThat(request.path("queries").get(0).path("query").asText())
                .isEqualTo("p95:trace.http.request{$service,$env,$version} by {version}");
        assertThat(request.has("q")).isFalse();
        assertThat(stored.path("template_variables").toString()).contains("\"service\"", "\"env\"", "\"version\"");

        // Somebody retitles a widget in the Datadog UI: the next drift check puts it back, with one write.
        datadog.editDashboard(
                id, d -> ((ObjectNode) d.path("widgets").get(0).path("definition")).put("title", "my own title"));
        int puts = datadog.calls(DatadogSimulator.UPDATE_DASHBOARD);
        driftCheck.run();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(datadog.dashboard(id)
                                .path("widgets")
                                .get(0)
                                .path("definition")
                                .path("title")
                                .asText())
                        .isEqualTo("p95 by version"));
        assertThat(datadog.calls(DatadogSimulator.UPDATE_DASHBOARD) - puts).isEqualTo(1);
        assertThat(dashboardsOf("dash-web")).hasSize(1);

        // The dashboard stays while any service uses the profile, and goes with the last one.
        delete("dash", "cart");
        delete("dash", "search");
        assertThat(dashboardsOf("dash-web")).hasSize(1);
        delete("dash", "payments");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(dashboardsOf("dash-web")).isEmpty());
    }

    @Test
    void slosAndTheirBurnRateAlertsFollowTheServiceMonitoring() {
        Resources.namespace(client, "slo");
        client.resource(Resources.serviceMonitoring("slo", "orders", "orders", "prod"))
                .create();
        ServiceMonitoring sm = awaitReady("slo", "orders");

        List<ObjectNode> slos = slosOf("slo/orders");
        assertThat(slos)
                .extracting(s -> s.path("name").asText())
                .containsExactlyInAnyOrder("[prod] orders: availability", "[prod] orders: latency");
        ObjectNode availability = sloNamed(slos, "availability");
        assertThat(availability.path("thresholds").get(0).path("target").asDouble())
                .isEqualTo(99.9);
        assertThat(availability.path("query").path("denominator").asText())
                .isEqualTo("sum:trace.http.request.hits{service:orders,env:prod}.as_count()");
        List<JsonNode> burnRate = burnRateMonitorsOf("slo/orders");
        assertThat(burnRate).hasSize(4);
        assertThat(burnRate)
                .extracting(m -> m.path("query").asText())
                .contains("burn_rate(\"" + availability.path("id").asText()
                        + "\").over(\"30d\").long_window(\"1h\").short_window(\"5m\") > 14.4");
        assertThat(sm.getStatus().slos).extracting(s -> s.name).containsExactly("availability", "latency");
        assertThat(sm.getStatus().slos.get(0).url)
                .isEqualTo(
                        datadog.url() + "/slo?slo_id=" + availability.path("id").asText());
        assertThat(sm.getStatus().monitorsInSync).isEqualTo("14/14");

        // A stricter target for this service, and no latency SLO: one SLO updated, one SLO and its alerts gone.
        int sloPuts = datadog.calls(DatadogSimulator.UPDATE_SLO);
        SloTemplate stricter = new SloTemplate();
        stricter.name = "availability";
        stricter.target = "99.95";
        SloTemplate noLatency = new SloTemplate();
        noLatency.name = "latency";
        noLatency.enabled = false;
        ServiceMonitoring edited = client.resources(ServiceMonitoring.class)
                .inNamespace("slo")
                .withName("orders")
                .get();
        edited.getSpec().slos = List.of(stricter, noLatency);
        client.resource(edited).update();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(slosOf("slo/orders")).hasSize(1);
            assertThat(sloNamed(slosOf("slo/orders"), "availability")
                            .path("thresholds")
                            .get(0)
                            .path("target")
                            .asDouble())
                    .isEqualTo(99.95);
            assertThat(burnRateMonitorsOf("slo/orders")).hasSize(2);
        });
        assertThat(datadog.calls(DatadogSimulator.UPDATE_SLO) - sloPuts).isEqualTo(1);
        assertThat(sloNamed(slosOf("slo/orders"), "availability").path("id").asText())
                .isEqualTo(availability.path("id").asText());

        // An SLO deleted in Datadog comes back at the next drift check, with its alerts pointing at the new one.
        datadog.monitors().stream()
                .filter(m -> m.path("query")
                        .asText()
                        .contains(availability.path("id").asText()))
                .forEach(m -> datadog.deleteMonitor(m.path("id").asLong()));
        datadog.deleteSlo(availability.path("id").asText());
        driftCheck.run();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(slosOf("slo/orders")).hasSize(1);
            String newId = slosOf("slo/orders").get(0).path("id").asText();
            assertThat(burnRateMonitorsOf("slo/orders"))
                    .hasSize(2)
                    .allSatisfy(m -> assertThat(m.path("query").asText()).contains(newId));
        });

        delete("slo", "orders");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(slosOf("slo/orders")).isEmpty();
            assertThat(datadog.monitorsTagged("mimamori-owner:slo/orders")).isEmpty();
        });
    }

    @Test
    void aServiceThatSendsNoTracesIsFlaggedBlindUntilItsDataArrives() {
        Resources.namespace(client, "blind");
        datadog.silenceMetrics("ghost", "prod", "trace.");
        client.resource(Resources.serviceMonitoring("blind", "ghost", "ghost", "prod"))
                .create();
        awaitReady("blind", "ghost");
        int queries = datadog.calls(DatadogSimulator.QUERY_SCALAR);

        telemetryCheck.run();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ServiceMonitoring sm = get("blind", "ghost");
            Condition telemetry = Conditions.find(sm.getStatus().conditions, Conditions.TELEMETRY_FOUND);
            assertThat(telemetry).isNotNull();
            assertThat(telemetry.getStatus()).isEqualTo("False");
            assertThat(telemetry.getReason()).isEqualTo("TelemetryMissing");
            assertThat(telemetry.getMessage())
                    .contains("trace.http.request", "trace.http.request.errors", "trace.http.request.hits")
                    .doesNotContain("kubernetes.");
            assertThat(sm.getStatus().telemetry.missing)
                    .containsExactly("trace.http.request", "trace.http.request.errors", "trace.http.request.hits");
            // The built-in profile reads three APM metrics, five Kubernetes metrics and the containers' CPU stall.
            assertThat(sm.getStatus().telemetry.checked).isEqualTo(9);
            assertThat(ready(sm).getStatus()).isEqualTo("True");
            assertThat(ready(sm).getMessage()).contains("no data in the last hour for trace.http.request");
        });
        assertThat(datadog.calls(DatadogSimulator.QUERY_SCALAR)).isGreaterThan(queries);

        // Asked again within the interval: nothing is due, so Datadog is not asked.
        int before = datadog.calls(DatadogSimulator.QUERY_SCALAR);
        telemetryCheck.run();
        assertThat(datadog.calls(DatadogSimulator.QUERY_SCALAR)).isEqualTo(before);

        // The traces start to arrive; an hour later the next check sees them.
        datadog.unsilenceMetrics("ghost", "prod");
        MovableClock.INSTANCE.set(MovableClock.INSTANCE.instant().plus(Duration.ofHours(1)));
        try {
            telemetryCheck.run();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Condition telemetry =
                        Conditions.find(get("blind", "ghost").getStatus().conditions, Conditions.TELEMETRY_FOUND);
                assertThat(telemetry.getStatus()).isEqualTo("True");
                assertThat(telemetry.getReason()).isEqualTo("TelemetryFound");
                assertThat(ready(get("blind", "ghost")).getMessage()).doesNotContain("no data");
            });
        } finally {
            MovableClock.INSTANCE.reset();
        }
    }

    static MonitoringProfile profileWithDashboard(String name) {
        MonitoringProfile profile = Resources.profile(
                name, Map.of("depth", "100"), Resources.metricMonitor("queue-depth", "queue.depth", "depth"));
        DashboardSpec dashboard = new DashboardSpec();
        DashboardWidget p95 = new DashboardWidget();
        p95.title = "p95 by version";
        p95.queries = List.of("p95:trace.http.request{$service,$env,$version} by {version}");
        DashboardWidget monitors = new DashboardWidget();
        monitors.title = "Monitors";
        monitors.type = DashboardWidget.Kind.monitors;
        dashboard.widgets = List.of(p95, monitors);
        profile.getSpec().dashboard = dashboard;
        return profile;
    }

    List<ObjectNode> dashboardsOf(String profile) {
        return datadog.dashboards().stream()
                .filter(d -> d.path("description").asText().contains(MARKER_PREFIX + profile + "]"))
                .toList();
    }

    List<ObjectNode> slosOf(String owner) {
        return datadog.slos().stream()
                .filter(s -> tags(s).contains("mimamori-owner:" + owner))
                .toList();
    }

    static ObjectNode sloNamed(List<ObjectNode> slos, String template) {
        return slos.stream()
                .filter(s -> tags(s).contains("mimamori-slo:" + template))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no SLO " + template));
    }

    List<JsonNode> burnRateMonitorsOf(String owner) {
        return datadog.monitorsTagged("mimamori-owner:" + owner).stream()
                .filter(m -> m.path("type").asText().equals("slo alert"))
                .map(m -> (JsonNode) m)
                .toList();
    }

    static List<String> tags(JsonNode node) {
        List<String> tags = new ArrayList<>();
        node.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    void delete(String namespace, String name) {
        client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> get(namespace, name) == null);
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
}
