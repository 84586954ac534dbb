package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.sim.SeriesScript;
import dev.mimamori.testing.MovableClock;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A regression attributed by the operator from the simulator's scripted nodes: a slower release on a quiet node is
 * rolled back, a slowdown a batch job on the node explains is not, and a slowdown that came with more load is capacity.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class AttributionOperatorTest {
    static final long MINUTE = 60_000;

    @Inject
    KubernetesClient client;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();
    /** version -> p95 latency in ms, and requests per second (600 unless set). */
    final Map<String, LongFunction<Double>> latency = new ConcurrentHashMap<>();

    final Map<String, Double> requests = new ConcurrentHashMap<>();

    @AfterEach
    void resetClockAndNodes() {
        MovableClock.INSTANCE.reset();
        // The simulator is shared: other tests' services must not find these containers next to them.
        List.of("tally-1", "tally-cache-1", "fjord-1", "etl-7f9c", "quill-1", "quill-2")
                .forEach(datadog::stopContainer);
    }

    void script(String version, double latencyFactor, long seed, double requestsPerSecond) {
        latency.put(
                version, new SeriesScript(SeriesScript.MODERATE_TRAFFIC, seed).p95LatencyMsAt(latencyFactor, MINUTE));
        requests.put(version, requestsPerSecond);
        datadog.scriptMetrics((query, t) -> {
            String v = query.replaceAll(".*version:([^,}]+).*", "$1");
            if (query.contains(".hits{")) {
                return requests.getOrDefault(v, 600.0);
            }
            if (query.contains(".errors{")) {
                return 1.2;
            }
            LongFunction<Double> ms = latency.get(v);
            Double value = ms == null ? null : ms.apply(t);
            return value == null ? null : value / 1000;
        });
    }

    ReleaseCheck check(String namespace, String deployment, OnFailure onFailure) {
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(deployment + "-check")
                .build());
        check.setSpec(new ReleaseCheckSpec());
        check.getSpec().workload = new WorkloadRef();
        check.getSpec().workload.name = deployment;
        check.getSpec().onFailure = onFailure;
        return client.resource(check).create();
    }

    Instant startOf(ReleaseCheck check) {
        return Rollouts.startOf(client, check);
    }

    ReleaseCheck awaitVerdict(ReleaseCheck check) {
        MovableClock.INSTANCE.set(startOf(check).plus(Duration.ofMinutes(20)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ReleaseCheck current = client.resource(check).get();
            assertThat(current.getStatus()).isNotNull();
            assertThat(current.getStatus().isFinished())
                    .as("phase " + current.getStatus().phase)
                    .isTrue();
            assertThat(current.getStatus().action == null || !"Pending".equals(current.getStatus().action.result))
                    .isTrue();
        });
        return client.resource(check).get();
    }

    List<Event> eventsOf(String namespace, String kind) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> kind.equals(e.getInvolvedObject().getKind()))
                .toList();
    }

    @Test
    void aSlowerReleaseOnAQuietNodeIsTheReleasesAndIsRolledBack() {
        Rollouts.deploy(client, "attr-quiet", "tally", "tally", "prod", "40.0.0", "40.1.0");
        datadog.scriptNode("quiet-1", 8, 0, 0.6);
        datadog.scriptContainer("quiet-1", "tally-1", "tally", "prod", 1.0);
        datadog.scriptContainer("quiet-1", "tally-cache-1", "cache", "prod", 0.5);
        script("40.0.0", 1.0, 41, 600);
        script("40.1.0", 1.5, 42, 600);

        ReleaseCheck done = awaitVerdict(check("attr-quiet", "tally", OnFailure.Rollback));

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Failed");
        assertThat(done.getStatus().attribution.cause).isEqualTo("Release");
        assertThat(done.getStatus().attribution.nodes).containsExactly("quiet-1");
        assertThat(done.getStatus().attribution.neighbours)
                .extracting(n -> n.name)
                .containsExactly("cache");
        assertThat(done.getStatus().message).contains("(attributed to the release)", "rolled back to revision 1");
        Deployment after = client.apps()
                .deployments()
                .inNamespace("attr-quiet")
                .withName("tally")
                .get();
        assertThat(after.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("tags.datadoghq.com/version", "40.0.0");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("mimamori.dev/rolled-back-by", "tally-check");
    }

    @Test
    void aSlowdownABatchJobOnTheNodeExplainsIsInconclusiveAndNotRolledBack() {
        Rollouts.deploy(client, "attr-neighbour", "fjord", "fjord", "prod", "42.0.0", "42.1.0");
        datadog.scriptNode("busy-1", 4, 0, 0.6);
        datadog.scriptContainer("busy-1", "fjord-1", "fjord", "prod", 1.0);
        script("42.0.0", 1.0, 21, 600);
        script("42.1.0", 1.5, 22, 600);
        ReleaseCheck check = check("attr-neighbour", "fjord", OnFailure.Rollback);
        // The batch job lands on the node as the release rolls out: the baseline window never saw it.
        datadog.scriptContainer("busy-1", "etl-7f9c", "nightly-etl", "batch", 4.0, startOf(check));

        ReleaseCheck done = awaitVerdict(check);

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Inconclusive");
        assertThat(done.getStatus().attribution.cause).isEqualTo("Neighbour");
        assertThat(done.getStatus().attribution.candidateNodeBusyPercent).isEqualTo(100.0);
        assertThat(done.getStatus().attribution.baselineNeighbourCores).isEqualTo(0.0);
        assertThat(done.getStatus().attribution.neighbours)
                .extracting(n -> n.name + "@" + n.node)
                .containsExactly("nightly-etl@busy-1");
        assertThat(done.getStatus().action.type).isEqualTo("Flag");
        assertThat(eventsOf("attr-neighbour", "ReleaseCheck")).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(GateAttribution.NEIGHBOUR_EVENT);
            assertThat(e.getMessage()).contains("busy-1", "nightly-etl");
        });
        Deployment after = client.apps()
                .deployments()
                .inNamespace("attr-neighbour")
                .withName("fjord")
                .get();
        assertThat(after.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("tags.datadoghq.com/version", "42.1.0");
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKey("mimamori.dev/rolled-back-by");
    }

    @Test
    void aSlowdownThatCameWithMoreLoadAndCpuWaitIsCapacity() {
        Rollouts.deploy(client, "attr-capacity", "quill", "quill", "prod", "46.0.0", "46.1.0");
        datadog.scriptNode("small-1", 2, 0, 0.6);
        datadog.scriptContainer("small-1", "quill-1", "quill", "prod", 1.5);
        script("46.0.0", 1.0, 61, 600);
        script("46.1.0", 1.5, 62, 900);
        ReleaseCheck check = check("attr-capacity", "quill", OnFailure.Flag);
        // Half again as many requests need half again as much CPU, which the node does not have.
        datadog.scriptContainer("small-1", "quill-2", "quill", "prod", 1.5, startOf(check));

        ReleaseCheck done = awaitVerdict(check);

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Failed");
        assertThat(done.getStatus().attribution.cause).isEqualTo("Capacity");
        assertThat(done.getStatus().attribution.candidateRequestsPerSecond).isEqualTo(900.0);
        assertThat(done.getStatus().attribution.candidateCpuWaitPercent).isGreaterThan(20.0);
        assertThat(done.getStatus().attribution.message).startsWith("capacity: quill served 600 -> 900 requests/s");
    }
}
