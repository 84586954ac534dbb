package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.api.Comparison;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ReleaseCheckTemplate;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.sim.CallLog;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.MovableClock;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The concurrent comparison end to end: the automatic gate of a monitored service holds each rollout while old and
 * new pods serve side by side, a regressed version is rolled back and a good one released. The test plays the
 * Deployment and ReplicaSet controllers (the mock API server runs none) and Datadog's per-version series (the
 * simulator); the operator's clock is moved instead of waited for.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class ConcurrentHoldOperatorTest {
    static final String NS = "gate-hold";
    static final long MINUTE = 60_000;

    @Inject
    KubernetesClient client;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    /** The namespace the helpers work in. */
    String ns = NS;

    @AfterEach
    void resetClock() {
        MovableClock.INSTANCE.reset();
    }

    /**
     * cart's p95 by version: 20.1.0 is 60% slower than 20.0.0, 20.2.0 as fast. Alternating minutes carry no serial
     * dependence to widen the test, so the verdicts do not hang on a noise draw.
     */
    void scriptVersions() {
        Map<String, Double> factor = Map.of("20.0.0", 1.0, "20.1.0", 1.6, "20.2.0", 1.0);
        datadog.scriptMetrics((query, t) -> {
            if (query.contains(".hits{")) {
                return 600.0;
            }
            if (query.contains(".errors{")) {
                return 1.2;
            }
            Double f = factor.get(query.replaceAll(".*version:([^,}]+).*", "$1"));
            return f == null ? null : f * ((t / MINUTE) % 2 == 0 ? 0.196 : 0.204);
        });
    }

    ReplicaSet replicaSet(long revision) {
        return client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .filter(rs -> Long.valueOf(revision).equals(Revisions.revisionOf(rs)))
                .findFirst()
                .orElseThrow();
    }

    /** What the ReplicaSet controller reports: {@code wanted} pods asked for, {@code ready} of them ready. */
    void pods(long revision, int wanted, int ready) {
        ReplicaSet rs = replicaSet(revision);
        client.resource(rs).edit(r -> {
            r.getSpec().setReplicas(wanted);
            return r;
        });
        client.resource(replicaSet(revision)).editStatus(r -> {
            r.setStatus(new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus());
            r.getStatus().setReplicas(wanted);
            r.getStatus().setReadyReplicas(ready);
            return r;
        });
    }

    /** What the Deployment controller does on a new pod template: the next revision and its ReplicaSet. */
    Deployment rollout(long revision, String version) {
        Deployment current = deployment();
        current.getSpec().setTemplate(Rollouts.template("cart", "cart", "prod", version));
        current.getMetadata().getAnnotations().put(Rollouts.REVISION, String.valueOf(revision));
        Rollouts.replicaSet(client, current, revision, current.getSpec().getTemplate());
        return client.resource(current).update();
    }

    Deployment deployment() {
        return client.apps().deployments().inNamespace(ns).withName("cart").get();
    }

    ReleaseCheck check(String name) {
        return client.resources(ReleaseCheck.class)
                .inNamespace(ns)
                .withName(name)
                .get();
    }

    ReleaseCheck awaitHeld(String name) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(statusOf(name)).contains("\"hold\":\"Held\"");
            assertThat(deployment().getSpec().getPaused()).isTrue();
        });
        return check(name);
    }

    ReleaseCheck awaitActed(String name) {
        ReleaseCheck held = check(name);
        MovableClock.INSTANCE.set(Instant.parse(held.getStatus().startedAt).plus(Duration.ofMinutes(20)));
        await().atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(statusOf(name)).contains("\"result\":\"Done\""));
        MovableClock.INSTANCE.reset();
        return check(name);
    }

    /** The check's status as JSON, for assertions that say what they saw; "" while there is none. */
    String statusOf(String name) {
        ReleaseCheck check = check(name);
        return check == null || check.getStatus() == null ? "" : Serialization.asJson(check.getStatus());
    }

    List<JsonNode> cartQueries() {
        return datadog.requests().stream()
                .filter(r -> r.key().equals(DatadogSimulator.QUERY_TIMESERIES))
                .map(CallLog.Call::body)
                .filter(b -> b.toString().contains("service:cart"))
                .toList();
    }

    @Test
    void aRegressionServingBesideTheOldVersionIsRolledBackAndAGoodVersionIsReleased() {
        scriptVersions();
        Resources.namespace(client, NS);
        ServiceMonitoring sm = Resources.serviceMonitoring(NS, "cart", "cart", "prod");
        sm.getSpec().releaseCheck = new ReleaseCheckTemplate();
        sm.getSpec().releaseCheck.comparison = Comparison.Concurrent;
        sm.getSpec().releaseCheck.onFailure = OnFailure.Rollback;
        client.resource(sm).create();
        Rollouts.deploy(client, NS, "cart", "cart", "prod", "20.0.0");
        pods(1, 3, 3);

        // 20.1.0 rolls out; until one of its pods is ready nothing is held.
        rollout(2, "20.1.0");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(statusOf("cart-2")).contains("waiting for the first ready pod of revision 2"));
        assertThat(deployment().getSpec().getPaused()).isNotEqualTo(Boolean.TRUE);
        pods(2, 1, 1);
        ReleaseCheck held = awaitHeld("cart-2");
        assertThat(held.getStatus().release.mode).isEqualTo("Concurrent");
        assertThat(deployment().getMetadata().getAnnotations()).containsEntry(CanaryHold.HELD_BY, "cart-2@2");
        List<Event> events = client.v1().events().inNamespace(NS).list().getItems();
        assertThat(events).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RolloutHeld"));

        ReleaseCheck failed = awaitActed("cart-2");
        assertThat(failed.getStatus().verdict).as(failed.getStatus().message).isEqualTo("Failed");
        assertThat(failed.getStatus().hold).isEqualTo(CanaryHold.LIFTED);
        assertThat(failed.getStatus().message).contains("rolled back to revision 1", "hold lifted");
        Deployment rolledBack = deployment();
        assertThat(rolledBack.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("tags.datadoghq.com/version", "20.0.0");
        assertThat(rolledBack.getSpec().getPaused())
                .as("a paused Deployment would not roll back")
                .isFalse();
        assertThat(rolledBack.getMetadata().getAnnotations())
                .doesNotContainKey(CanaryHold.HELD_BY)
                .containsEntry("mimamori.dev/rolled-back-by", "cart-2")
                .containsEntry("mimamori.dev/release-check", "failed");
        // Every look asked for both versions over the windows measured from the hold, not from the rollout.
        long from = AnalysisWindows.concurrent(Instant.parse(failed.getStatus().startedAt), AnalysisSettings.of(null))
                .historyFrom()
                .toEpochMilli();
        List<JsonNode> regressedLooks = cartQueries();
        assertThat(regressedLooks).isNotEmpty().allSatisfy(body -> {
            JsonNode attributes = body.path("data").path("attributes");
            assertThat(attributes.path("from").asLong()).isEqualTo(from);
            assertThat(attributes.path("queries").toString()).contains("version:20.0.0", "version:20.1.0");
        });

        // The controller turns the restored template into revision 3, the old ReplicaSet back at full size.
        Deployment restored = deployment();
        restored.getMetadata().getAnnotations().put(Rollouts.REVISION, "3");
        client.resource(restored).update();
        client.resource(replicaSet(1)).edit(rs -> {
            rs.getMetadata().getAnnotations().put(Rollouts.REVISION, "3");
            // The controller reuses the old template's ReplicaSet and records the revision it served before.
            rs.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision-history", "1");
            return rs;
        });
        pods(2, 0, 0);

        // 20.2.0 is as fast as 20.0.0: held while both serve, then released.
        rollout(4, "20.2.0");
        pods(4, 1, 1);
        awaitHeld("cart-4");
        ReleaseCheck passed = awaitActed("cart-4");
        assertThat(passed.getStatus().verdict).as(passed.getStatus().message).isEqualTo("Passed");
        assertThat(passed.getStatus().release.baselineVersion).isEqualTo("20.0.0");
        assertThat(passed.getStatus().hold).isEqualTo(CanaryHold.LIFTED);
        Deployment released = deployment();
        assertThat(released.getSpec().getPaused()).isFalse();
        assertThat(released.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("tags.datadoghq.com/version", "20.2.0");
        assertThat(released.getMetadata().getAnnotations())
                .doesNotContainKey(CanaryHold.HELD_BY)
                .containsEntry("mimamori.dev/release-check", "passed");
        assertThat(cartQueries().subList(regressedLooks.size(), cartQueries().size()))
                .isNotEmpty()
                .allSatisfy(body -> assertThat(body.path("data")
                                .path("attributes")
                                .path("queries")
                                .toString())
                        .contains("version:20.0.0", "version:20.2.0")
                        .doesNotContain("version:20.1.0"));
    }

    @Test
    void deletingACheckThatHoldsTheRolloutResumesIt() {
        ns = "gate-hold-deleted";
        scriptVersions();
        Rollouts.deploy(client, ns, "cart", "cart", "prod", "20.0.0");
        pods(1, 3, 3);
        rollout(2, "20.1.0");
        pods(2, 1, 1);
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName("cart-by-hand")
                .build());
        check.setSpec(new ReleaseCheckSpec());
        check.getSpec().workload = new WorkloadRef();
        check.getSpec().workload.name = "cart";
        check.getSpec().comparison = Comparison.Concurrent;
        client.resource(check).create();
        awaitHeld("cart-by-hand");

        client.resource(check).delete();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Deployment resumed = deployment();
            assertThat(resumed.getSpec().getPaused()).isFalse();
            assertThat(resumed.getMetadata().getAnnotations()).doesNotContainKey(CanaryHold.HELD_BY);
        });
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> assertThat(e.getMessage())
                        .contains("ReleaseCheck cart-by-hand that held this rollout no longer exists"));
    }
}
