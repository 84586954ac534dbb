package dev.mimamori.sync;

import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.ManagedDashboard;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.ManagedSlo;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.SloDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/** This cluster's objects in Datadog, one inventory per kind, shared by every reconcile and background check. */
@ApplicationScoped
public class Inventories {
    private final Inventory<MonitorDefinition, ManagedMonitor> monitors;
    private final Inventory<SloDefinition, ManagedSlo> slos;
    private final Inventory<DashboardDefinition, ManagedDashboard> dashboards;

    public Inventories(DatadogApi datadog, MimamoriConfig config, MeterRegistry registry) {
        String cluster = config.clusterName();
        this.monitors = new Inventory<>(
                new MonitorKind(datadog, cluster), registry.gauge("mimamori.monitors.managed", new AtomicLong()));
        this.slos = new Inventory<>(
                new SloKind(datadog, cluster), registry.gauge("mimamori.slos.managed", new AtomicLong()));
        this.dashboards = new Inventory<>(
                new DashboardKind(datadog, cluster), registry.gauge("mimamori.dashboards.managed", new AtomicLong()));
    }

    public Inventory<MonitorDefinition, ManagedMonitor> monitors() {
        return monitors;
    }

    public Inventory<SloDefinition, ManagedSlo> slos() {
        return slos;
    }

    public Inventory<DashboardDefinition, ManagedDashboard> dashboards() {
        return dashboards;
    }
}
