package dev.mimamori.servicemonitoring;

import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.sync.Inventories;
import dev.mimamori.sync.SyncRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Deletes this cluster's monitors and SLOs whose ServiceMonitoring is gone (deleted while the operator was down, or
 * its finalizer removed by hand), once they have been ownerless for the grace period. Only strictly owned objects of
 * this cluster are in the inventories, so another cluster's objects, or released ones, are never candidates.
 */
@ApplicationScoped
public class OrphanCollector {
    private static final Logger LOG = Logger.getLogger(OrphanCollector.class);

    private final Inventories inventories;
    private final ServiceSync sync;
    private final Clock clock;
    private final Duration grace;
    /** When each ownerless owner was first seen so. */
    private final Map<String, Instant> ownerlessSince = new ConcurrentHashMap<>();

    public OrphanCollector(Inventories inventories, ServiceSync sync, Clock clock, MimamoriConfig config) {
        this.inventories = inventories;
        this.sync = sync;
        this.clock = clock;
        this.grace = config.orphanGracePeriod();
    }

    /**
     * One pass after the inventories were refreshed, given every ServiceMonitoring that exists (leaving or not);
     * returns the owners whose objects were deleted.
     */
    public Set<String> collect(Set<String> existingOwners) {
        if (!inventories.monitors().isLoaded() || !inventories.slos().isLoaded()) {
            return Set.of();
        }
        Instant now = clock.instant();
        Set<String> owners = new HashSet<>(inventories.monitors().owners());
        owners.addAll(inventories.slos().owners());
        owners.removeAll(existingOwners);
        ownerlessSince.keySet().retainAll(owners);
        Set<String> collected = new HashSet<>();
        for (String owner : owners) {
            Instant since = ownerlessSince.computeIfAbsent(owner, k -> now);
            if (Duration.between(since, now).compareTo(grace) < 0) {
                continue;
            }
            SyncRun.Report report = sync.remove(owner);
            LOG.infof(
                    "%s no longer exists in the cluster (for %s): deleted %s from Datadog%s",
                    owner,
                    grace,
                    report.deleted(),
                    report.problems().isEmpty() ? "" : "; could not delete " + report.problems());
            if (report.problems().isEmpty()) {
                ownerlessSince.remove(owner);
                collected.add(owner);
            }
        }
        return collected;
    }
}
