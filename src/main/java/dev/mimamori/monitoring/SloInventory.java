package dev.mimamori.monitoring;

import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.ManagedSlo;
import dev.mimamori.datadog.OwnershipTags;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This cluster's SLOs in Datadog, for every ServiceMonitoring at once: one paginated list filtered by the cluster tag
 * per resync (one call per 1,000 SLOs), kept current by our own writes (see {@link OwnedInventory}).
 */
@ApplicationScoped
public class SloInventory {
    private final OwnedInventory<ManagedSlo> slos;

    public SloInventory(DatadogApi datadog, MimamoriConfig config, MeterRegistry registry) {
        List<String> ours = OwnershipTags.ofCluster(config.clusterName());
        // Datadog filters on one tag; the managed-by tag is checked here, so a stranger's SLO is never touched.
        String clusterTag = ours.get(1);
        AtomicLong managed = registry.gauge("mimamori.slos.managed", new AtomicLong());
        this.slos = new OwnedInventory<>(() -> datadog.listSlos(clusterTag).stream()
                .filter(s -> s.definition().tags().containsAll(ours)).toList(),
                owner -> datadog.listSlos(OwnershipTags.OWNER + ":" + owner).stream()
                        .filter(s -> s.definition().tags().containsAll(ours)).toList(),
                ManagedSlo::owner, ManagedSlo::id,
                Comparator.comparingLong(ManagedSlo::createdAt).thenComparing(ManagedSlo::id), managed);
    }

    public List<ManagedSlo> slosOf(String owner) {
        return slos.of(owner);
    }

    public Set<String> refresh() {
        return slos.refresh();
    }

    /** A create whose answer never came: the owner's SLOs are re-read before its next sync. */
    public void markUncertain(String owner) {
        slos.markUncertain(owner);
    }

    public void recordCreated(String owner, ManagedSlo slo) {
        slos.recordCreated(owner, slo);
    }

    public void recordUpdated(String owner, ManagedSlo slo) {
        slos.recordUpdated(owner, slo);
    }

    public void recordDeleted(String owner, String id) {
        slos.recordDeleted(owner, id);
    }

    public void forget(String owner) {
        slos.forget(owner);
    }
}
