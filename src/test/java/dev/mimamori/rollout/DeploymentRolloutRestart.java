package dev.mimamori.rollout;

import dev.mimamori.gate.Workloads;
import dev.mimamori.status.KubeEvents;
import dev.mimamori.testing.MovableClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/** A freshly started rollout watcher (own client, empty caches), as after an operator restart, for a few seconds. */
final class DeploymentRolloutRestart {

    private DeploymentRolloutRestart() {}

    static void runFreshInstance(KubernetesClient base, String namespace) {
        KubernetesClient own = new KubernetesClientBuilder()
                .withConfig(base.getConfiguration())
                .build();
        Operator operator = new Operator(
                o -> o.withKubernetesClient(own).withCloseClientOnStop(true).withUseSSAToPatchPrimaryResource(false));
        operator.register(
                new DeploymentRolloutReconciler(
                        own,
                        new KubeEvents(own, MovableClock.INSTANCE),
                        new SimpleMeterRegistry(),
                        MovableClock.INSTANCE,
                        new Workloads(own)),
                c -> c.settingNamespace(namespace));
        operator.start();
        try {
            Thread.sleep(Duration.ofSeconds(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            operator.stop();
        }
    }
}
