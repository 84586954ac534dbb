package dev.mimamori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.config.Leadership;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.status.Conditions;
import dev.mimamori.testing.Kubeconfig;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.OperatorProcess;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged operator, as deploy/ runs them: one leads, the other waits. The leader is killed
 * (SIGKILL, no chance to release its Lease) and the test measures how long until the other one works: holds the
 * Lease and makes a new ServiceMonitoring Ready. The README's failover figures come from this run.
 */
class LeaderFailoverIT {
    static final Path WORK = Path.of("target/it/leader-failover");
    static final String NAMESPACE = "mimamori-system";

    @Test
    void theFollowerTakesOverAfterTheLeaderIsKilled() throws Exception {
        Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
        Files.createDirectories(WORK);
        try (MockCluster cluster = MockCluster.start();
                DatadogSimulator datadog = new DatadogSimulator()) {
            datadog.start();
            KubernetesClient k = cluster.client();
            Resources.namespace(k, NAMESPACE);
            Resources.namespace(k, "shop");
            Path kubeconfig = Kubeconfig.write(WORK.resolve("kubeconfig"), cluster.url(), NAMESPACE);
            Map<String, String> env = new HashMap<>(Map.of(
                    "MIMAMORI_DATADOG_URL",
                    datadog.url(),
                    "DD_API_KEY",
                    DatadogSimulator.DEFAULT_API_KEY,
                    "DD_APP_KEY",
                    DatadogSimulator.DEFAULT_APP_KEY,
                    "MIMAMORI_CLUSTER_NAME",
                    "failover"));
            env.put("POD_NAME", "mimamori-a");
            try (OperatorProcess a = OperatorProcess.start(kubeconfig, env, WORK.resolve("a.log"))) {
                Waits.until(a, Duration.ofSeconds(90), "replica a leading", () -> "mimamori-a".equals(holder(k)));
                env.put("POD_NAME", "mimamori-b");
                try (OperatorProcess b = OperatorProcess.start(kubeconfig, env, WORK.resolve("b.log"))) {
                    k.resource(Resources.serviceMonitoring("shop", "before", "before", "prod"))
                            .create();
                    Waits.until(a, Duration.ofSeconds(60), "shop/before Ready", () -> ready(k, "before"));
                    Waits.until(
                            b,
                            Duration.ofSeconds(60),
                            "replica b started",
                            () -> b.hasLoggedSinceStart("leader is mimamori-a"));
                    assertThat(holder(k)).isEqualTo("mimamori-a");

                    Instant killed = Instant.now();
                    a.kill();
                    k.resource(Resources.serviceMonitoring("shop", "after", "after", "prod"))
                            .create();
                    Waits.until(b, Duration.ofSeconds(60), "replica b leading", () -> "mimamori-b".equals(holder(k)));
                    Duration takeover = Duration.between(killed, Instant.now());
                    Waits.until(b, Duration.ofSeconds(60), "shop/after Ready", () -> ready(k, "after"));
                    Duration working = Duration.between(killed, Instant.now());
                    System.out.printf(
                            "LeaderFailoverIT: lease taken over %.1f s after the leader was killed;"
                                    + " a ServiceMonitoring created at the kill was Ready after %.1f s%n",
                            takeover.toMillis() / 1000.0, working.toMillis() / 1000.0);
                    // JOSDK's defaults: a 15 s lease, retried every 2 s.
                    assertThat(takeover).isLessThan(Duration.ofSeconds(30));
                    assertThat(datadog.monitorsTagged("mimamori-owner:shop/after"))
                            .hasSize(14);
                    assertThat(datadog.monitorsTagged("mimamori-owner:shop/before"))
                            .hasSize(14);
                }
            }
        }
    }

    static String holder(KubernetesClient k) {
        Lease lease =
                k.leases().inNamespace(NAMESPACE).withName(Leadership.LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    static boolean ready(KubernetesClient k, String name) {
        ServiceMonitoring sm = k.resources(ServiceMonitoring.class)
                .inNamespace("shop")
                .withName(name)
                .get();
        var ready = sm == null || sm.getStatus() == null
                ? null
                : Conditions.find(sm.getStatus().conditions, Conditions.READY);
        return ready != null && "True".equals(ready.getStatus());
    }
}
