package dev.mimamori.monitoring;

import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.OwnershipTags;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What this cluster's monitors look like in Datadog, for every ServiceMonitoring at once. Read with one tag-filtered,
 * paginated list (one call per 1,000 monitors) per resync, and kept current by writing our own creates, updates and
 * deletes through it; so a reconcile reads nothing from Datadog and an unchanged resync writes nothing.
 */
@ApplicationScoped
public class MonitorInventory {
    private final DatadogApi datadog;
    private final List<String> clusterFilter;
    private final Object refreshLock = new Object();
    private final AtomicLong managed = new AtomicLong();

    private Map<String, List<ManagedMonitor>> byOwner = new HashMap<>();
    private boolean loaded;
    /** Owners written to while a list was under way: their write-through state is newer than the list. */
    private final Set<String> writtenDuringRefresh = new HashSet<>();
    private boolean refreshing;

    public MonitorInventory(DatadogApi datadog, MimamoriConfig config, MeterRegistry registry) {
        this.datadog = datadog;
        this.clusterFilter = OwnershipTags.ofCluster(config.clusterName());
        registry.gauge("mimamori.monitors.managed", managed);
    }

    /** The owner's monitors; the first call after start lists Datadog once for everyone. */
    public List<ManagedMonitor> monitorsOf(String owner) {
        synchronized (refreshLock) {
            if (!loaded) {
                refresh();
            }
            return List.copyOf(byOwner.getOrDefault(owner, List.of()));
        }
    }

    /**
     * Re-reads Datadog and returns the owners whose monitors differ from what we last knew: edited or deleted in
     * Datadog, or created by hand with our tags. Those need a reconcile; nobody else does.
     */
    public Set<String> refresh() {
        synchronized (refreshLock) {
            refreshing = true;
            writtenDuringRefresh.clear();
        }
        List<ManagedMonitor> listed;
        try {
            listed = datadog.listMonitors(clusterFilter);
        } finally {
            synchronized (refreshLock) {
                refreshing = false;
            }
        }
        Map<String, List<ManagedMonitor>> fresh = new HashMap<>();
        for (ManagedMonitor m : listed) {
            if (m.owner() != null) {
                fresh.computeIfAbsent(m.owner(), k -> new ArrayList<>()).add(m);
            }
        }
        synchronized (refreshLock) {
            Map<String, List<ManagedMonitor>> previous = byOwner;
            for (String owner : writtenDuringRefresh) {
                fresh.put(owner, new ArrayList<>(previous.getOrDefault(owner, List.of())));
            }
            Set<String> changed = new HashSet<>();
            Set<String> owners = new HashSet<>(previous.keySet());
            owners.addAll(fresh.keySet());
            for (String owner : owners) {
                if (!sorted(previous.get(owner)).equals(sorted(fresh.get(owner)))) {
                    changed.add(owner);
                }
            }
            byOwner = fresh;
            loaded = true;
            recount();
            return changed;
        }
    }

    public void recordCreated(String owner, ManagedMonitor monitor) {
        edit(owner, list -> list.add(monitor));
    }

    public void recordUpdated(String owner, ManagedMonitor monitor) {
        edit(owner, list -> {
            list.removeIf(m -> m.id() == monitor.id());
            list.add(monitor);
        });
    }

    public void recordDeleted(String owner, long id) {
        edit(owner, list -> list.removeIf(m -> m.id() == id));
    }

    /** Stops tracking an owner whose monitors were left in Datadog on purpose (deletionPolicy Orphan). */
    public void forget(String owner) {
        edit(owner, List::clear);
    }

    private void edit(String owner, Consumer<List<ManagedMonitor>> change) {
        synchronized (refreshLock) {
            List<ManagedMonitor> list = byOwner.computeIfAbsent(owner, k -> new ArrayList<>());
            change.accept(list);
            if (list.isEmpty()) {
                byOwner.remove(owner);
            }
            if (refreshing) {
                writtenDuringRefresh.add(owner);
            }
            recount();
        }
    }

    private void recount() {
        managed.set(byOwner.values().stream().mapToLong(List::size).sum());
    }

    private static List<ManagedMonitor> sorted(List<ManagedMonitor> monitors) {
        if (monitors == null) {
            return List.of();
        }
        List<ManagedMonitor> copy = new ArrayList<>(monitors);
        copy.sort(Comparator.comparingLong(ManagedMonitor::id));
        return copy;
    }
}
