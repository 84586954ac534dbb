package dev.mimamori.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.MonitorRequests;
import dev.mimamori.datadog.SloDefinition;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.DesiredMonitor;
import dev.mimamori.render.DesiredSlo;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.servicemonitoring.DriftCheck;
import dev.mimamori.sim.CallLog;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another cluster in the same Datadog organisation, and another namespace of this cluster, may hold objects that look
 * exactly like the ones a ServiceMonitoring wants: same names, queries, service, env and template tags. Only the
 * ownership tags (or the dashboard's marker line) differ, and the operator must never touch them.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class IsolationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OTHER_CLUSTER = "other-cluster";

    @Inject
    KubernetesClient client;

    @Inject
    DriftCheck driftCheck;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();
    ServiceMonitorings sms;
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void lookThroughTheOperatorsClient() {
        sms = new ServiceMonitorings(client, datadog);
    }

    @Test
    void lookAlikesOfAnotherClusterOrNamespaceAreNeverTouched() throws Exception {
        Resources.namespace(client, "iso");
        Rendering wanted = MonitorRenderer.render(
                BuiltInProfile.spec(),
                Resources.serviceMonitoring("iso", "web", "web", "prod").getSpec(),
                "iso/web",
                OperatorTestEnvironment.CLUSTER_NAME);
        assertThat(wanted.ok()).isTrue();
        Set<String> seeded = new TreeSet<>();
        seedLookAlikes(
                wanted,
                tag -> tag.equals(ServiceMonitorings.CLUSTER_TAG) ? "mimamori-cluster:" + OTHER_CLUSTER : tag,
                seeded);
        seedLookAlikes(
                wanted, tag -> tag.equals("mimamori-owner:iso/web") ? "mimamori-owner:iso-other/web" : tag, seeded);
        String dashboard = seedDashboardOfOtherCluster(wanted.dashboard().orElseThrow());
        seeded.add("dashboard " + dashboard);
        assertThat(seeded).hasSize(2 * (11 + 2) + 1);
        Map<String, String> before = asStored(seeded);

        client.resource(Resources.serviceMonitoring("iso", "web", "web", "prod"))
                .create();
        sms.awaitExactlyTheDesiredObjects("iso", "web");
        driftCheck.run();

        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(asStored(seeded)).isEqualTo(before));
        sms.awaitExactlyTheDesiredObjects("iso", "web");
        ServiceMonitoring web = sms.get("iso", "web");
        assertThat(web.getStatus().monitors).extracting(m -> "monitor " + m.id).doesNotContainAnyElementsOf(seeded);
        assertThat(web.getStatus().slos).extracting(s -> "slo " + s.id).doesNotContainAnyElementsOf(seeded);
        assertThat(web.getStatus().dashboard.id).isNotEqualTo(dashboard);
        assertThat(writesTo(seeded)).isEmpty();

        client.resources(ServiceMonitoring.class)
                .inNamespace("iso")
                .withName("web")
                .delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> sms.get("iso", "web") == null);
        assertThat(sms.monitorsOf("iso/web")).isEmpty();
        assertThat(sms.slosOf("iso/web")).isEmpty();
        assertThat(asStored(seeded)).isEqualTo(before);
        assertThat(writesTo(seeded)).isEmpty();
    }

    /**
     * Creates, through Datadog's API, the monitors and SLOs the rendering asks for, with the ownership tags changed
     * by {@code retag}; adds "monitor ID" and "slo ID" to {@code seeded}.
     */
    void seedLookAlikes(Rendering rendering, UnaryOperator<String> retag, Set<String> seeded)
            throws IOException, InterruptedException {
        // Composites name their members by id, which the look-alikes do not share: the single-signal ones suffice.
        List<MonitorDefinition> monitors = new ArrayList<>(rendering.monitors().stream()
                .map(DesiredMonitor::definition)
                .filter(d -> !d.type().equals("composite"))
                .toList());
        for (DesiredSlo slo : rendering.slos()) {
            JsonNode body = requestBodies(List.of(), List.of(slo.definition()))
                    .get("slos")
                    .get(0);
            String id = post("/api/v1/slo", retagged(body, retag))
                    .path("data")
                    .get(0)
                    .path("id")
                    .asText();
            seeded.add("slo " + id);
            slo.alertMonitors(id).forEach(m -> monitors.add(m.definition()));
        }
        for (JsonNode body : requestBodies(monitors, List.of()).get("monitors")) {
            seeded.add("monitor "
                    + post("/api/v1/monitor", retagged(body, retag)).path("id").asLong());
        }
    }

    /** The profile's dashboard as this cluster would create it, but marked as another cluster's. */
    String seedDashboardOfOtherCluster(DashboardDefinition dashboard) throws IOException, InterruptedException {
        ObjectNode body = dashboard.body().deepCopy();
        String ours = "[mimamori cluster=" + OperatorTestEnvironment.CLUSTER_NAME + " profile=default]";
        String theirs = "[mimamori cluster=" + OTHER_CLUSTER + " profile=default]";
        assertThat(body.path("description").asText()).endsWith(ours);
        body.put("description", body.path("description").asText().replace(ours, theirs));
        return post("/api/v1/dashboard", body).path("id").asText();
    }

    /** The JSON bodies the operator sends for these definitions. */
    static JsonNode requestBodies(List<MonitorDefinition> monitors, List<SloDefinition> slos) throws IOException {
        return JSON.readTree(MonitorRequests.asJson(monitors, slos, Optional.empty()));
    }

    static ObjectNode retagged(JsonNode body, UnaryOperator<String> retag) {
        ObjectNode copy = (ObjectNode) body.deepCopy();
        ArrayNode tags = copy.putArray("tags");
        body.path("tags").forEach(t -> tags.add(retag.apply(t.asText())));
        return copy;
    }

    ObjectNode post(String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(datadog.url() + path))
                .header("Content-Type", "application/json")
                .header("DD-API-KEY", DatadogSimulator.DEFAULT_API_KEY)
                .header("DD-APPLICATION-KEY", DatadogSimulator.DEFAULT_APP_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("POST %s: %s", path, response.body())
                .isEqualTo(200);
        return (ObjectNode) JSON.readTree(response.body());
    }

    /** Each seeded object as Datadog holds it now, or "absent". */
    Map<String, String> asStored(Set<String> seeded) {
        Map<String, String> stored = new TreeMap<>();
        for (String key : seeded) {
            String id = key.substring(key.indexOf(' ') + 1);
            JsonNode object = key.startsWith("monitor ")
                    ? datadog.monitor(Long.parseLong(id))
                    : key.startsWith("slo ") ? datadog.slo(id) : datadog.dashboard(id);
            stored.put(key, object == null ? "absent" : object.toString());
        }
        return stored;
    }

    /** PUT and DELETE calls on any seeded id, from the simulator's call log. */
    List<CallLog.Call> writesTo(Set<String> seeded) {
        Set<String> ids = new TreeSet<>();
        seeded.forEach(key -> ids.add(key.substring(key.indexOf(' ') + 1)));
        return datadog.requests().stream()
                .filter(c -> c.method().equals("PUT") || c.method().equals("DELETE"))
                .filter(c -> ids.contains(c.path().substring(c.path().lastIndexOf('/') + 1)))
                .toList();
    }
}
