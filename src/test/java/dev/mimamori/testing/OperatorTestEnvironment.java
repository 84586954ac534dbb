package dev.mimamori.testing;

import dev.mimamori.sim.DatadogSimulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts our cluster (the mock API server) and the Datadog simulator before the operator, and points the operator at
 * both. Tests reach them through the static accessors; each test class works in namespaces of its own.
 */
public class OperatorTestEnvironment implements QuarkusTestResourceLifecycleManager {
    public static final String CLUSTER_NAME = "test-cluster";
    private static MockCluster cluster;
    private static DatadogSimulator datadog;

    @Override
    public Map<String, String> start() {
        cluster = MockCluster.start();
        datadog = new DatadogSimulator();
        // Datadog's "now" (which buckets exist yet) is the operator's now, which tests move.
        datadog.setClock(MovableClock.INSTANCE);
        datadog.start();
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", cluster.url(),
                "quarkus.kubernetes-client.trust-certs", "true",
                "mimamori.datadog.url", datadog.url(),
                "mimamori.datadog.api-key", "test-api-key",
                "mimamori.datadog.app-key", "test-app-key",
                "mimamori.datadog.read-timeout", "2s",
                // Drift checks are run by the tests themselves (DriftCheck.run), never by the clock.
                "mimamori.resync-interval", "1h",
                // Telemetry checks too (TelemetryCheck.run), so call counts stay exact.
                "mimamori.telemetry-batch-delay", "1h",
                "mimamori.cluster-name", CLUSTER_NAME);
    }

    @Override
    public void stop() {
        if (datadog != null) {
            datadog.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    public static MockCluster cluster() {
        return cluster;
    }

    public static DatadogSimulator datadog() {
        return datadog;
    }
}
