package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.sim.SeriesScript;
import dev.mimamori.status.KubeEvents;
import dev.mimamori.tenancy.TenantPolicies;
import dev.mimamori.testing.MovableClock;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An operator restart in the middle of an analysis. The check carries a label the in-process operator ignores (see
 * src/test/resources/application.properties); instead two operator instances, each with its own client and nothing
 * in memory from the other, run one after the other: the first is stopped mid-analysis, the second must resume,
 * decide and act once; a third, started after that, must do nothing at all.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class ReleaseCheckRestartTest {
    static final String STANDALONE = "mimamori.dev/test-standalone-operator";
    static final long MINUTE = 60_000;

    @Inject
    KubernetesClient client;

    @Inject
    DatadogApi datadogApi;

    @Inject
    MimamoriConfig config;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @AfterEach
    void resetClock() {
        MovableClock.INSTANCE.reset();
    }

    Operator startOperator() {
        KubernetesClient own = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build();
        KubeEvents events = new KubeEvents(own, MovableClock.INSTANCE);
        // No rollout controller in this operator: the gate reads Deployments from the API server.
        Workloads workloads = new Workloads(own);
        ReleaseCheckReconciler reconciler = new ReleaseCheckReconciler(
                datadogApi,
                new RolloutActions(own, datadogApi, events, workloads),
                new GateProfiles(own),
                workloads,
                events,
                new SimpleMeterRegistry(),
                MovableClock.INSTANCE,
                config,
                new TenantPolicies(own, config));
        Operator operator = new Operator(
                o -> o.withKubernetesClient(own).withCloseClientOnStop(true).withUseSSAToPatchPrimaryResource(false));
        operator.register(reconciler, c -> c.withLabelSelector(STANDALONE));
        operator.start();
        return operator;
    }

    ReleaseCheck get(ReleaseCheck check) {
        return client.resource(check).get();
    }

    @Test
    void aRestartMidAnalysisResumesDecidesAndActsOnce() {
        Deployment deployment =
                Rollouts.deploy(client, "gate-restart", "inventory", "inventory", "prod", "9.0.0", "9.1.0");
        LongFunction<Double> before = new SeriesScript(SeriesScript.MODERATE_TRAFFIC, 91).p95LatencyMsAt(1.0, MINUTE);
        LongFunction<Double> after = new SeriesScript(SeriesScript.MODERATE_TRAFFIC, 92).p95LatencyMsAt(1.5, MINUTE);
        // 0.2% errors for both versions; p95 in seconds, as APM reports it (the gate query multiplies by 1000).
        datadog.scriptMetrics((query, t) -> {
            if (query.contains(".hits{")) {
                return 600.0;
            }
            if (query.contains(".errors{")) {
                return 1.2;
            }
            // No series for other versions (as one expression, this null would be unboxed and throw).
            LongFunction<Double> latency =
                    query.contains("version:9.1.0") ? after : query.contains("version:9.0.0") ? before : null;
            return latency == null ? null : latency.apply(t) / 1000;
        });
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("gate-restart")
                .withName("inventory-2")
                .addToLabels(STANDALONE, "true")
                .build());
        check.setSpec(new ReleaseCheckSpec());
        check.getSpec().workload = new WorkloadRef();
        check.getSpec().workload.name = "inventory";
        check.getSpec().onFailure = OnFailure.Rollback;
        check = client.resource(check).create();
        ReleaseCheck created = check;
        Instant t0 = Instant.parse(check.getMetadata().getCreationTimestamp());

        Operator first = startOperator();
        MovableClock.INSTANCE.set(t0.plus(Duration.ofMinutes(8)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(created).getStatus() != null
                        && "Analyzing".equals(get(created).getStatus().phase));
        first.stop();

        MovableClock.INSTANCE.set(t0.plus(Duration.ofMinutes(20)));
        Operator second = startOperator();
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(created).getStatus().action != null
                            && "Done".equals(get(created).getStatus().action.result));
        } finally {
            second.stop();
        }
        ReleaseCheck done = get(check);
        assertThat(done.getStatus().phase).isEqualTo("Failed");
        assertThat(done.getStatus().startedAt).isEqualTo(check.getMetadata().getCreationTimestamp());
        assertThat(done.getStatus().message).contains("rolled back to revision 1");
        Deployment rolledBack = client.resource(deployment).get();
        assertThat(rolledBack.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("tags.datadoghq.com/version", "9.0.0");
        assertThat(eventsFor("9.1.0")).hasSize(1);

        Operator third = startOperator();
        try {
            await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        } finally {
            third.stop();
        }
        assertThat(client.resource(deployment).get().getMetadata().getResourceVersion())
                .isEqualTo(rolledBack.getMetadata().getResourceVersion());
        assertThat(eventsFor("9.1.0")).hasSize(1);
        assertThat(get(check).getStatus().finishedAt).isEqualTo(done.getStatus().finishedAt);
    }

    List<JsonNode> eventsFor(String version) {
        return datadog.events().stream()
                .filter(e -> e.toString().contains("version:" + version))
                .map(e -> (JsonNode) e)
                .toList();
    }
}
