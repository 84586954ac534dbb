package dev.mimamori.faults;

import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.DeletionPolicy;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.OperatorTestEnvironment;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What the fault tests look at, for ServiceMonitorings of the default profile: their objects in Datadog (this
 * cluster's only), their status and their events; and the one change a person makes to get a new reconcile.
 */
final class ServiceMonitorings {
    /** The built-in profile's seven signals, three composites, and two burn-rate alerts on each of its two SLOs. */
    static final Set<String> DEFAULT_MONITORS = Set.of(
            "latency-p95",
            "error-rate",
            "traffic-drop",
            "pod-restarts",
            "cpu-throttling",
            "memory-near-limit",
            "cpu-pressure",
            "slow-at-cpu-limit",
            "slow-on-busy-node",
            "slow-not-cpu",
            "slo-availability-fast-burn",
            "slo-availability-slow-burn",
            "slo-latency-fast-burn",
            "slo-latency-slow-burn");

    static final Set<String> DEFAULT_SLOS = Set.of("availability", "latency");
    static final String CLUSTER_TAG = "mimamori-cluster:" + OperatorTestEnvironment.CLUSTER_NAME;

    private final KubernetesClient client;
    private final DatadogSimulator datadog;

    ServiceMonitorings(KubernetesClient client, DatadogSimulator datadog) {
        this.client = client;
        this.datadog = datadog;
    }

    ServiceMonitoring get(String namespace, String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    /**
     * Spells out (or drops) the default deletionPolicy: a spec change that renders the same monitors, so the
     * operator reconciles at once instead of at its own retry (30 s or 5 min). A label would not do: the operator
     * reconciles on a new generation, and metadata changes do not make one.
     */
    void nudge(String namespace, String name) {
        editSpec(
                namespace,
                name,
                spec -> spec.deletionPolicy = spec.deletionPolicy == null ? DeletionPolicy.Delete : null);
    }

    /** Changes the spec as {@code kubectl edit} would: a patch, so a status written meanwhile is no conflict. */
    void editSpec(String namespace, String name, Consumer<ServiceMonitoringSpec> change) {
        client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .edit(sm -> {
                    change.accept(sm.getSpec());
                    return sm;
                });
    }

    /** Ready=False with this reason, for the current generation. */
    Condition awaitNotReady(String namespace, String name, String reason) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceMonitoring sm = get(namespace, name);
            Condition ready = ready(sm);
            assertThat(ready).as("Ready condition of %s/%s", namespace, name).isNotNull();
            assertThat(ready.getStatus() + " " + ready.getReason())
                    .as(ready.getMessage())
                    .isEqualTo("False " + reason);
            assertThat(sm.getStatus().observedGeneration)
                    .isEqualTo(sm.getMetadata().getGeneration());
        });
        return ready(get(namespace, name));
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

    /**
     * Datadog holds exactly what each named ServiceMonitoring asks for: ten monitors with ten distinct template tags
     * (none missing, none twice), two SLOs, burn-rate alerts on those SLOs; and the status says so and lists them.
     */
    void awaitExactlyTheDesiredObjects(String namespace, String... names) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String name : names) {
                String owner = namespace + "/" + name;
                List<ObjectNode> monitors = monitorsOf(owner);
                assertThat(monitors).as("monitors of %s", owner).hasSize(DEFAULT_MONITORS.size());
                assertThat(templateNames(monitors))
                        .as("template tags of the monitors of %s", owner)
                        .containsExactlyInAnyOrderElementsOf(DEFAULT_MONITORS);
                List<ObjectNode> slos = slosOf(owner);
                assertThat(sloNames(slos)).as("SLOs of %s", owner).containsExactlyInAnyOrderElementsOf(DEFAULT_SLOS);
                Set<String> sloIds = new TreeSet<>(
                        slos.stream().map(s -> s.path("id").asText()).toList());
                assertThat(monitors)
                        .filteredOn(m -> m.path("type").asText().equals("slo alert"))
                        .as("burn-rate alerts of %s", owner)
                        .hasSize(4)
                        .allSatisfy(m -> assertThat(sloIds)
                                .anySatisfy(id ->
                                        assertThat(m.path("query").asText()).contains("burn_rate(\"" + id + "\")")));

                ServiceMonitoring sm = get(namespace, name);
                Condition ready = ready(sm);
                assertThat(ready).as("Ready condition of %s", owner).isNotNull();
                assertThat(ready.getStatus())
                        .as(ready.getReason() + ": " + ready.getMessage())
                        .isEqualTo("True");
                assertThat(ready.getReason()).isEqualTo("MonitorsInSync");
                assertThat(sm.getStatus().observedGeneration)
                        .isEqualTo(sm.getMetadata().getGeneration());
                assertThat(sm.getStatus().monitorsInSync).isEqualTo("14/14");
                assertThat(new TreeSet<>(
                                sm.getStatus().monitors.stream().map(m -> m.id).toList()))
                        .as("monitor ids in the status of %s", owner)
                        .isEqualTo(ids(monitors));
                assertThat(sm.getStatus().slos)
                        .as("SLOs in the status of %s", owner)
                        .isNotNull();
                assertThat(new TreeSet<>(
                                sm.getStatus().slos.stream().map(s -> s.id).toList()))
                        .as("SLO ids in the status of %s", owner)
                        .isEqualTo(sloIds);
            }
        });
    }

    /** This cluster's monitors of the owner ({@code namespace/name}). */
    List<ObjectNode> monitorsOf(String owner) {
        return datadog.monitorsTagged("mimamori-owner:" + owner, CLUSTER_TAG);
    }

    /** This cluster's SLOs of the owner. */
    List<ObjectNode> slosOf(String owner) {
        return datadog.slos().stream()
                .filter(s -> tags(s).contains("mimamori-owner:" + owner) && tags(s).contains(CLUSTER_TAG))
                .toList();
    }

    /** The Warning events recorded on the named resource with this reason. */
    List<Event> warnings(String namespace, String name, String reason) {
        return events(namespace, name, "Warning", reason);
    }

    /** The events of this type (Normal, Warning) and reason recorded on the named resource. */
    List<Event> events(String namespace, String name, String type, String reason) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())
                        && type.equals(e.getType())
                        && reason.equals(e.getReason()))
                .toList();
    }

    Event awaitWarning(String namespace, String name, String reason) {
        return awaitEvent(namespace, name, "Warning", reason);
    }

    Event awaitEvent(String namespace, String name, String type, String reason) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events(namespace, name, type, reason))
                        .as("%s events %s on %s/%s", type, reason, namespace, name)
                        .isNotEmpty());
        return events(namespace, name, type, reason).get(0);
    }

    /** The mimamori-monitor tag of every monitor, duplicates kept. */
    static List<String> templateNames(List<? extends JsonNode> monitors) {
        List<String> names = new ArrayList<>();
        for (JsonNode m : monitors) {
            tags(m).stream()
                    .filter(t -> t.startsWith("mimamori-monitor:"))
                    .forEach(t -> names.add(t.substring("mimamori-monitor:".length())));
        }
        return names;
    }

    /** The mimamori-slo tag of every SLO, duplicates kept. */
    static List<String> sloNames(List<? extends JsonNode> slos) {
        List<String> names = new ArrayList<>();
        for (JsonNode s : slos) {
            tags(s).stream()
                    .filter(t -> t.startsWith("mimamori-slo:"))
                    .forEach(t -> names.add(t.substring("mimamori-slo:".length())));
        }
        return names;
    }

    static JsonNode byTemplate(List<? extends JsonNode> monitors, String template) {
        return monitors.stream()
                .filter(m -> tags(m).contains("mimamori-monitor:" + template))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no monitor for template " + template));
    }

    static List<String> tags(JsonNode node) {
        List<String> tags = new ArrayList<>();
        node.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    static Set<Long> ids(List<? extends JsonNode> monitors) {
        Set<Long> ids = new TreeSet<>();
        monitors.forEach(m -> ids.add(m.path("id").asLong()));
        return ids;
    }
}
