package dev.mimamori.monitoring;

import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.OwnershipTags;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This cluster's monitors in Datadog, for every ServiceMonitoring at once: one tag-filtered, paginated list (one call
 * per 1,000 monitors) per resync, kept current by our own writes (see {@link OwnedInventory}).
 */
@ApplicationScoped
public class MonitorInventory {
    private final OwnedInventory<ManagedMonitor> monitors;

    public MonitorInventory(DatadogApi datadog, MimamoriConfig config, MeterRegistry registry) {
        List<String> clusterFilter = OwnershipTags.ofCluster(config.clusterName());
        AtomicLong managed = registry.gauge("mimamori.monitors.managed", new AtomicLong());
        this.monitors = new OwnedInventory<>(() -> datadog.listMonitors(clusterFilter),
                owner -> datadog.listMonitors(OwnershipTags.ofOwner(config.clusterName(), owner)), ManagedMonitor::owner,
                ManagedMonitor::id, Comparator.comparingLong(ManagedMonitor::id), managed);
    }

    /** The owner's monitors; the first call after start lists Datadog once for everyone. */
    public List<ManagedMonitor> monitorsOf(String owner) {
        return monitors.of(owner);
    }

    /** Re-reads Datadog; returns the owners whose monitors changed there since we last knew. */
    public Set<String> refresh() {
        return monitors.refresh();
    }

    /** A create whose answer never came (a timeout, a 5xx): the owner's monitors are re-read before its next sync. */
    public void markUncertain(String owner) {
        monitors.markUncertain(owner);
    }

    public void recordCreated(String owner, ManagedMonitor monitor) {
        monitors.recordCreated(owner, monitor);
    }

    public void recordUpdated(String owner, ManagedMonitor monitor) {
        monitors.recordUpdated(owner, monitor);
    }

    public void recordDeleted(String owner, long id) {
        monitors.recordDeleted(owner, id);
    }

    /** Stops tracking an owner whose monitors were left in Datadog on purpose (deletionPolicy Orphan). */
    public void forget(String owner) {
        monitors.forget(owner);
    }
}
