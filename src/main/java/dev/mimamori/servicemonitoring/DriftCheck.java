package dev.mimamori.servicemonitoring;

import dev.mimamori.config.Leadership;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.sync.Inventories;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Finds objects edited or deleted in Datadog and wakes up only the ServiceMonitorings they belong to. Once per full
 * resync interval it re-reads this cluster's monitors and SLOs (one list call per 1,000 of each) and the dashboards (one read per dashboard in use);
 * in between, once per resync interval, it asks Datadog's Audit Trail what changed (one call) and re-reads only the
 * kinds that did. Where the Audit Trail cannot be read, the full resync alone repairs drift, until it can again.
 */
@ApplicationScoped
public class DriftCheck {
    private static final Logger LOG = Logger.getLogger(DriftCheck.class);

    private final Inventories inventories;
    private final DatadogApi datadog;
    private final ServiceMonitoringEvents wakeUps;
    private final OrphanCollector orphans;
    /** After a failed check (Datadog unreachable, rate-limited) the next try comes this soon, not a resync later. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private final MimamoriConfig config;
    private final Leadership leadership;
    private final Clock clock;
    private BackgroundTask task;
    private volatile Instant lastRun;
    private volatile Instant lastFullRun;
    private volatile boolean lastFailed;
    private ChangeFeed feed;
    /** False after the Audit Trail answered 403 or 404; tried again after the next full resync. */
    private volatile boolean auditTrailReadable = true;

    public DriftCheck(
            Inventories inventories,
            DatadogApi datadog,
            ServiceMonitoringEvents wakeUps,
            OrphanCollector orphans,
            MimamoriConfig config,
            Leadership leadership,
            Clock clock) {
        this.inventories = inventories;
        this.datadog = datadog;
        this.wakeUps = wakeUps;
        this.orphans = orphans;
        this.config = config;
        this.leadership = leadership;
        this.clock = clock;
    }

    /** Runs before the operator reconciles (quarkus-operator-sdk starts it later): the change feed relies on it. */
    void start(@Observes StartupEvent ignored) {
        Duration tick = config.resyncInterval().compareTo(RETRY_AFTER_FAILURE) < 0
                ? config.resyncInterval()
                : RETRY_AFTER_FAILURE;
        lastRun = clock.instant();
        lastFullRun = lastRun;
        feed = new ChangeFeed(lastRun);
        task = BackgroundTask.every(tick, "mimamori-drift-check", this::runWhenDue);
    }

    private void runWhenDue() {
        if (!leadership.isLeading()) {
            return;
        }
        Instant now = clock.instant();
        if (lastFailed || !lastFullRun.plus(fullResyncInterval()).isAfter(now)) {
            runQuietly();
        } else if (!lastRun.plus(config.resyncInterval()).isAfter(now)) {
            runChangesQuietly(now);
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (task != null) {
            task.close();
        }
    }

    /**
     * One drift check; returns the owners woken up because their monitors or SLOs changed. Each list stands alone:
     * what one found is acted on even when the next fails, and a failure is logged, never thrown (the next try comes
     * {@link #RETRY_AFTER_FAILURE} later).
     */
    public Set<String> run() {
        Instant started = clock.instant();
        lastRun = started;
        lastFullRun = started;
        boolean failed = false;
        Set<String> changed = new HashSet<>();
        for (var kind : List.<Supplier<Set<String>>>of(inventories.monitors()::refresh, inventories.slos()::refresh)) {
            try {
                Set<String> owners = kind.get();
                if (!owners.isEmpty()) {
                    LOG.infof("drift check: monitors or SLOs changed in Datadog for %s", owners);
                    wakeUps.wake(owners);
                    changed.addAll(owners);
                }
            } catch (DatadogException e) {
                failed = true;
                LOG.warnf(
                        "drift check incomplete, retried in %ds: %s", RETRY_AFTER_FAILURE.toSeconds(), e.getMessage());
            }
        }
        try {
            Set<String> dashboards = inventories.dashboards().refresh();
            if (!dashboards.isEmpty()) {
                LOG.infof("drift check: dashboards %s changed in Datadog", dashboards);
                wakeUps.wakeUsersOf(dashboards);
            }
        } catch (DatadogException e) {
            failed = true;
            LOG.warnf(
                    "drift check of dashboards incomplete, retried in %ds: %s",
                    RETRY_AFTER_FAILURE.toSeconds(), e.getMessage());
        }
        wakeUps.wakeBlockedDeletions();
        // Before the ServiceMonitoring cache is known, every owner would look gone.
        if (!failed && wakeUps.isAttached()) {
            try {
                orphans.collect(wakeUps.owners());
            } catch (DatadogException e) {
                failed = true;
                LOG.warnf(
                        "orphan collection incomplete, retried in %ds: %s",
                        RETRY_AFTER_FAILURE.toSeconds(), e.getMessage());
            }
        }
        lastFailed = failed;
        if (!failed) {
            if (feed != null) {
                feed.fullyListed(started);
            }
            auditTrailReadable = true;
        }
        return changed;
    }

    /**
     * One look at the Audit Trail since the last one; re-reads the kinds it names and returns the owners woken up. A
     * look that fails transiently is repeated at the next tick, from where the last good one ended.
     */
    Set<String> runChanges(Instant now) {
        if (!auditTrailReadable) {
            lastRun = now;
            return Set.of();
        }
        Set<ChangeFeed.Kind> kinds;
        try {
            kinds = feed.kindsChanged(datadog.auditedChanges(feed.from(), now, ChangeFeed.LIMIT), now);
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.FORBIDDEN || e.kind() == DatadogException.Kind.NOT_FOUND) {
                auditTrailReadable = false;
                lastRun = now;
                LOG.infof(
                        "Datadog's Audit Trail cannot be read (%s): drift is repaired by the full resync every %s",
                        e.getMessage(), fullResyncInterval());
            } else {
                LOG.warnf("audit trail look failed, retried at the next tick: %s", e.getMessage());
            }
            return Set.of();
        }
        lastRun = now;
        Set<String> changed = new HashSet<>();
        if (kinds.contains(ChangeFeed.Kind.MONITORS)) {
            changed.addAll(wakeOwners(inventories.monitors().refresh()));
        }
        if (kinds.contains(ChangeFeed.Kind.SLOS)) {
            changed.addAll(wakeOwners(inventories.slos().refresh()));
        }
        if (kinds.contains(ChangeFeed.Kind.DASHBOARDS)) {
            Set<String> dashboards = inventories.dashboards().refresh();
            if (!dashboards.isEmpty()) {
                wakeUps.wakeUsersOf(dashboards);
            }
        }
        // Both work from the inventories, which the audit trail has just confirmed: no call unless there is work.
        wakeUps.wakeBlockedDeletions();
        if (wakeUps.isAttached()) {
            orphans.collect(wakeUps.owners());
        }
        return changed;
    }

    /** Never more often than the audit trail look it backs up. */
    private Duration fullResyncInterval() {
        return config.fullResyncInterval().compareTo(config.resyncInterval()) < 0
                ? config.resyncInterval()
                : config.fullResyncInterval();
    }

    private Set<String> wakeOwners(Set<String> owners) {
        if (!owners.isEmpty()) {
            LOG.infof("audit trail: monitors or SLOs changed in Datadog for %s", owners);
            wakeUps.wake(owners);
        }
        return owners;
    }

    /** The look has moved past what it named: when re-reading that fails, a full resync at the next tick makes up. */
    private void runChangesQuietly(Instant now) {
        try {
            runChanges(now);
        } catch (DatadogException e) {
            lastFailed = true;
            LOG.warnf(
                    "re-reading what the audit trail named failed, full resync in %ds: %s",
                    RETRY_AFTER_FAILURE.toSeconds(), e.getMessage());
        } catch (RuntimeException e) {
            lastFailed = true;
            LOG.errorf(e, "audit trail look failed");
        }
    }

    private void runQuietly() {
        try {
            run();
        } catch (DatadogException e) {
            LOG.warnf("drift check skipped: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "drift check failed");
        }
    }
}
