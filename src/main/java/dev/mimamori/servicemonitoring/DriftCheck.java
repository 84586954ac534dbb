package dev.mimamori.servicemonitoring;

import dev.mimamori.config.Leadership;
import dev.mimamori.config.MimamoriConfig;
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
 * Once per resync interval: re-read this cluster's monitors and SLOs from Datadog (one list call per 1,000 of each)
 * and each unified dashboard (one read per dashboard in use), and wake up only the ServiceMonitorings whose objects
 * were edited or deleted there.
 */
@ApplicationScoped
public class DriftCheck {
    private static final Logger LOG = Logger.getLogger(DriftCheck.class);

    private final Inventories inventories;
    private final ServiceMonitoringEvents wakeUps;
    private final OrphanCollector orphans;
    /** After a failed check (Datadog unreachable, rate-limited) the next try comes this soon, not a resync later. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private final MimamoriConfig config;
    private final Leadership leadership;
    private final Clock clock;
    private BackgroundTask task;
    private volatile Instant lastRun;
    private volatile boolean lastFailed;

    public DriftCheck(
            Inventories inventories,
            ServiceMonitoringEvents wakeUps,
            OrphanCollector orphans,
            MimamoriConfig config,
            Leadership leadership,
            Clock clock) {
        this.inventories = inventories;
        this.wakeUps = wakeUps;
        this.orphans = orphans;
        this.config = config;
        this.leadership = leadership;
        this.clock = clock;
    }

    void start(@Observes StartupEvent ignored) {
        Duration tick = config.resyncInterval().compareTo(RETRY_AFTER_FAILURE) < 0
                ? config.resyncInterval()
                : RETRY_AFTER_FAILURE;
        lastRun = clock.instant();
        task = BackgroundTask.every(tick, "mimamori-drift-check", this::runWhenDue);
    }

    private void runWhenDue() {
        Instant now = clock.instant();
        boolean due = lastFailed || !lastRun.plus(config.resyncInterval()).isAfter(now);
        if (due && leadership.isLeading()) {
            runQuietly();
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
        lastRun = clock.instant();
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
        return changed;
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
