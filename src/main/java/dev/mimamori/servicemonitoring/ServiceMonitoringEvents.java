package dev.mimamori.servicemonitoring;

import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.sync.Ownership;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The one way background work (drift, telemetry, orphan collection) reaches ServiceMonitorings: it publishes which
 * resources to wake, the reconciler subscribes by registering {@link #source()}. Answers who exists from the
 * reconciler's informer cache once that cache is attached; before that, nobody is known and nothing is woken.
 */
@ApplicationScoped
public class ServiceMonitoringEvents {
    private final SimpleInboundEventSource<ServiceMonitoring> source =
            new SimpleInboundEventSource<>("datadog-changes");
    private volatile IndexedResourceCache<ServiceMonitoring> cache;
    /** Owners whose deletion Datadog refuses until someone removes a reference: retried at every drift check. */
    private final Set<String> blockedDeletions = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The dashboard (owner key) each ServiceMonitoring chose at its last synced reconcile in this process, by uid;
     * empty when its profile has none.
     */
    private final Map<String, Optional<String>> dashboardUses = new ConcurrentHashMap<>();

    SimpleInboundEventSource<ServiceMonitoring> source() {
        return source;
    }

    void attach(IndexedResourceCache<ServiceMonitoring> primaryCache) {
        this.cache = primaryCache;
    }

    public boolean isAttached() {
        return cache != null;
    }

    /** Wakes these owners (owner keys, see {@link ServiceMonitoring#ownerKey()}): what they have in Datadog changed. */
    public void wake(Set<String> owners) {
        IndexedResourceCache<ServiceMonitoring> current = cache;
        for (String owner : owners) {
            Optional<Ownership.ResourceName> plain = Ownership.resourceOf(owner);
            if (plain.isPresent()) {
                source.propagateEvent(
                        new ResourceID(plain.get().name(), plain.get().namespace()));
            } else if (current != null) {
                // A shortened key names no resource by itself: the resource whose key it is does.
                current.list(sm -> owner.equals(sm.ownerKey()))
                        .forEach(sm -> source.propagateEvent(ResourceID.fromResource(sm)));
            }
        }
    }

    void deletionBlocked(String owner) {
        blockedDeletions.add(owner);
    }

    void deletionDone(String owner) {
        blockedDeletions.remove(owner);
    }

    /**
     * Wakes the owners whose deletion was blocked: whatever referred to their objects may be gone now, and nothing
     * in our lists would show it.
     */
    public Set<String> wakeBlockedDeletions() {
        Set<String> owners = Set.copyOf(blockedDeletions);
        wake(owners);
        return owners;
    }

    /**
     * Wakes the ServiceMonitorings that use these dashboards (owner keys), one of which changed, and those of their
     * profiles not synced since the start, which may.
     */
    public void wakeUsersOf(Set<String> dashboards) {
        IndexedResourceCache<ServiceMonitoring> current = cache;
        if (current == null || dashboards.isEmpty()) {
            return;
        }
        Set<String> profiles =
                dashboards.stream().map(Ownership::profileOfDashboard).collect(Collectors.toSet());
        current.list(sm -> {
                    if (sm.getSpec() == null) {
                        return false;
                    }
                    Optional<String> chosen = dashboardUses.get(sm.getMetadata().getUid());
                    return chosen != null
                            ? chosen.map(dashboards::contains).orElse(false)
                            : profiles.contains(sm.getSpec().profileName());
                })
                .forEach(sm -> source.propagateEvent(ResourceID.fromResource(sm)));
    }

    /** The owner keys of every ServiceMonitoring in the cluster, leaving or not. */
    public Set<String> owners() {
        IndexedResourceCache<ServiceMonitoring> current = cache;
        return current == null
                ? Set.of()
                : current.list().map(ServiceMonitoring::ownerKey).collect(Collectors.toSet());
    }

    /** Records which dashboard (owner key, or null for none) the ServiceMonitoring uses now. */
    void usesDashboard(ServiceMonitoring sm, String dashboard) {
        dashboardUses.put(sm.getMetadata().getUid(), Optional.ofNullable(dashboard));
    }

    void forgetDashboardUse(ServiceMonitoring sm) {
        dashboardUses.remove(sm.getMetadata().getUid());
    }

    /**
     * The dashboards in use: by owner key for ServiceMonitorings synced since the start, by the id their status
     * links for the others (not reconciled yet, or failing before the sync), so a restart deletes nothing in use.
     */
    public record DashboardsInUse(Set<String> owners, Set<String> ids) {}

    /** The dashboards of ServiceMonitorings that are not being deleted, leaving out the one with {@code leavingUid}. */
    public DashboardsInUse dashboardsInUse(String leavingUid) {
        IndexedResourceCache<ServiceMonitoring> current = cache;
        Set<String> owners = new HashSet<>();
        Set<String> ids = new HashSet<>();
        if (current != null) {
            current.list(sm -> sm.getSpec() != null
                            && sm.getMetadata().getDeletionTimestamp() == null
                            && (leavingUid == null || !sm.getMetadata().getUid().equals(leavingUid)))
                    .forEach(sm -> {
                        Optional<String> chosen =
                                dashboardUses.get(sm.getMetadata().getUid());
                        if (chosen != null) {
                            chosen.ifPresent(owners::add);
                        } else if (sm.getStatus() != null && sm.getStatus().dashboard != null) {
                            ids.add(sm.getStatus().dashboard.id);
                        }
                    });
        }
        return new DashboardsInUse(owners, ids);
    }
}
