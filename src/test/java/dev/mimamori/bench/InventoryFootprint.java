package dev.mimamori.bench;

import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.datadog.DatadogClient;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.servicemonitoring.ServiceMonitoringEvents;
import dev.mimamori.servicemonitoring.ServiceSync;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.sync.Inventories;
import dev.mimamori.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * What the monitor and SLO inventories keep in the heap per service: the built-in profile synced for N services
 * (default 1,000) into the simulator through the real client, then a fresh set of inventories filled by one list
 * each, as after an operator restart. Prints the heap retained by the filled inventories; a measurement to run by
 * hand ({@code java -cp ... dev.mimamori.bench.InventoryFootprint 1000}), not a test.
 */
public final class InventoryFootprint {

    public static void main(String[] args) {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        try (DatadogSimulator sim = new DatadogSimulator().start()) {
            sim.setRateLimit("*", 1_000_000, 10);
            TestConfig config = new TestConfig(sim.url(), "test-api-key", "test-app-key", Duration.ofSeconds(30));
            DatadogClient client = new DatadogClient(config, new SimpleMeterRegistry());
            ServiceSync writer = new ServiceSync(
                    new Inventories(client, config, new SimpleMeterRegistry()), new ServiceMonitoringEvents());
            for (int i = 0; i < services; i++) {
                ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
                spec.service = "svc-" + i;
                spec.env = "prod";
                spec.team = "team-" + (i % 20);
                String owner = "bench/svc-" + i;
                ServiceSync.Outcome outcome =
                        writer.sync(owner, MonitorRenderer.render(BuiltInProfile.spec(), spec, owner, "c1"));
                if (outcome.failure() != null) {
                    throw outcome.failure();
                }
            }
            writer = null;

            Inventories inventories = new Inventories(client, config, new SimpleMeterRegistry());
            long before = usedAfterGc();
            inventories.monitors().refresh();
            inventories.slos().refresh();
            long after = usedAfterGc();
            long monitors = inventories.monitors().owners().stream()
                    .mapToLong(o -> inventories.monitors().of(o).size())
                    .sum();
            long slos = inventories.slos().owners().stream()
                    .mapToLong(o -> inventories.slos().of(o).size())
                    .sum();
            System.out.printf(
                    "%d services, %d monitors, %d SLOs in the inventories: %d bytes retained, %d bytes per service%n",
                    services, monitors, slos, after - before, (after - before) / services);
        }
    }

    /** Heap in use once repeated full collections stop freeing anything more. */
    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long now = runtime.totalMemory() - runtime.freeMemory();
            if (now >= used && i >= 3) {
                return now;
            }
            used = Math.min(used, now);
        }
        return used;
    }
}
