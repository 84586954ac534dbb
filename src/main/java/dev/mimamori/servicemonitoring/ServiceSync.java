package dev.mimamori.servicemonitoring;

import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.render.CompositeExpression;
import dev.mimamori.render.DesiredMonitor;
import dev.mimamori.render.DesiredSlo;
import dev.mimamori.render.Rendering;
import dev.mimamori.sync.DashboardKind;
import dev.mimamori.sync.Desired;
import dev.mimamori.sync.Inventories;
import dev.mimamori.sync.Inventory;
import dev.mimamori.sync.ObjectProblem;
import dev.mimamori.sync.Ownership;
import dev.mimamori.sync.SyncRun;
import dev.mimamori.sync.SyncedObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What one ServiceMonitoring has in Datadog, made equal to what it renders to: its SLOs, its monitors (the burn-rate
 * alerts included, which need the SLOs' ids), and the shared dashboard of its profile and trace operation. The order
 * between kinds is declared here once; the sync engine runs it and isolates failures per object.
 */
@ApplicationScoped
public class ServiceSync {
    private static final Logger LOG = Logger.getLogger(ServiceSync.class);

    private final Inventories inventories;
    private final ServiceMonitoringEvents events;
    /**
     * Unused dashboards whose deletion Datadog refused to our key (restricted to other roles), with the number of
     * full dashboard lists made by then. Every reconcile looks for unused dashboards: without this, each would send
     * the same refused DELETE. Tried again after the next list of Datadog (the hourly resync, or the Audit Trail
     * naming a dashboard change), which is also the only way a change to an unused dashboard reaches the inventory.
     */
    private final Map<String, Long> refusedDeletions = new ConcurrentHashMap<>();

    public ServiceSync(Inventories inventories, ServiceMonitoringEvents events) {
        this.inventories = inventories;
        this.events = events;
    }

    /**
     * What a sync did. {@code failure} is set when a failure that concerns every object stopped it; what was done
     * before stands and is in {@code report}.
     */
    public record Outcome(
            int monitorsWanted,
            List<SyncedObject> monitors,
            List<SyncedSlo> slos,
            SyncRun.Report report,
            DatadogException failure) {}

    /** An SLO in Datadog and the definition it was made from. */
    public record SyncedSlo(DesiredSlo desired, SyncedObject object) {}

    /**
     * The service's shared dashboard: its id (null when there is none) and the change made this time, if any.
     * {@code busy} when another reconcile was syncing it: the id is what was known then.
     */
    public record DashboardOutcome(String id, SyncRun.Report report, DatadogException failure, boolean busy) {}

    public Outcome sync(String owner, Rendering rendering) {
        SyncRun run = new SyncRun(owner);
        List<SyncedSlo> slos = new ArrayList<>();
        List<SyncedObject> monitors = new ArrayList<>();
        List<DesiredMonitor> wanted = new ArrayList<>(rendering.monitors());
        try {
            Map<String, DesiredSlo> sloByName = new HashMap<>();
            rendering.slos().forEach(s -> sloByName.put(s.templateName(), s));
            for (SyncedObject slo : run.upsert(
                    inventories.slos(),
                    rendering.slos().stream()
                            .map(s -> new Desired<>(s.templateName(), s.definition()))
                            .toList())) {
                DesiredSlo desired = sloByName.get(slo.name());
                slos.add(new SyncedSlo(desired, slo));
                wanted.addAll(desired.alertMonitors(slo.id()));
            }
            List<DesiredMonitor> singles =
                    wanted.stream().filter(m -> !isComposite(m.definition())).toList();
            List<SyncedObject> members =
                    run.upsert(inventories.monitors(), monitorsToWant(singles), m -> !isComposite(m));
            monitors.addAll(members);
            monitors.addAll(syncComposites(run, wanted, members));
            run.finish();
            return new Outcome(wanted.size(), monitors, slos, run.report(), null);
        } catch (DatadogException e) {
            return new Outcome(wanted.size(), monitors, slos, run.report(), e);
        }
    }

    /** Deletes every monitor and SLO of the owner, burn-rate alerts before the SLOs they watch. */
    public SyncRun.Report remove(String owner) {
        SyncRun run = new SyncRun(owner);
        run.removeAll(inventories.slos());
        // Deletes run last step first, so composites go before the members Datadog would refuse to delete for them.
        run.upsert(inventories.monitors(), List.of(), m -> !isComposite(m));
        run.upsert(inventories.monitors(), List.of(), m -> isComposite(m));
        run.finish();
        return run.report();
    }

    /**
     * Leaves the owner's monitors and SLOs in Datadog but no longer manages them (deletionPolicy Orphan): each is
     * released, so neither this cluster's orphan collection nor a later resource of the same name touches it.
     */
    public int release(String owner) {
        int released = 0;
        released += release(inventories.monitors(), owner);
        released += release(inventories.slos(), owner);
        return released;
    }

    /**
     * Releases each object on its own: one already gone counts as released, one Datadog will not let us change is
     * left as it is (and logged), and neither stops the others. A failure that concerns every object is thrown.
     */
    private static <D, A> int release(Inventory<D, A> inventory, String owner) {
        int released = 0;
        for (A object : inventory.of(owner)) {
            try {
                inventory.kind().release(object);
                released++;
            } catch (DatadogException e) {
                if (e.isTransient()) {
                    throw e;
                }
                if (e.kind() != DatadogException.Kind.NOT_FOUND) {
                    LOG.warnf(
                            "%s: could not release %s %s, it stays as it is: %s",
                            owner, inventory.kind().noun(), inventory.kind().id(object), e.getMessage());
                }
            }
            inventory.recordDeleted(owner, inventory.kind().id(object));
        }
        return released;
    }

    /** The dashboard owner key a rendered dashboard names in its marker. */
    public static String dashboardOwner(DashboardDefinition dashboard) {
        return Ownership.ofDashboard(dashboard.description())
                .orElseThrow(() -> new IllegalStateException("a rendered dashboard carries exactly one marker"))
                .key()
                .owner();
    }

    /**
     * Makes the shared dashboard exist and look as wanted. When another reconcile is already syncing it, this one
     * does not wait: it links what is known, and is woken when the other one changes the dashboard.
     */
    public DashboardOutcome dashboard(DashboardDefinition wanted) {
        return syncDashboard(dashboardOwner(wanted), Optional.of(wanted));
    }

    private DashboardOutcome syncDashboard(String owner, Optional<DashboardDefinition> wanted) {
        Optional<AutoCloseable> claim = inventories.dashboards().tryClaim(owner);
        if (claim.isEmpty()) {
            return new DashboardOutcome(knownDashboard(owner), null, null, true);
        }
        try (AutoCloseable ignored = claim.get()) {
            return syncClaimed(owner, wanted);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** Syncs one dashboard owner key whose claim the caller holds; an empty {@code wanted} removes it. */
    private DashboardOutcome syncClaimed(String owner, Optional<DashboardDefinition> wanted) {
        SyncRun run = new SyncRun(owner);
        try {
            List<SyncedObject> synced = run.upsert(
                    inventories.dashboards(),
                    wanted.map(d -> List.of(new Desired<>(DashboardKind.NAME, d)))
                            .orElse(List.of()));
            run.finish();
            SyncRun.Report report = run.report();
            if (report.changedAnything()) {
                events.wakeUsersOf(Set.of(owner));
            }
            return new DashboardOutcome(synced.isEmpty() ? null : synced.get(0).id(), report, null, false);
        } catch (DatadogException e) {
            return new DashboardOutcome(knownDashboard(owner), run.report(), e, false);
        }
    }

    /**
     * Deletes the dashboards no ServiceMonitoring uses any more (the last one on that profile and trace operation
     * left or moved); returns their owner keys. Nothing is deleted before the ServiceMonitoring cache is known.
     */
    public Set<String> deleteUnusedDashboards(String dashboardOfCaller, String leavingUid) {
        if (!events.isAttached() || !inventories.dashboards().isLoaded()) {
            return Set.of();
        }
        Set<String> owners = inventories.dashboards().owners();
        if (dashboardOfCaller != null && owners.stream().allMatch(dashboardOfCaller::equals)) {
            // Every reconcile asks; the only dashboard is the caller's own, in use by the caller: nothing to scan.
            return Set.of();
        }
        // A dashboard deleted by hand takes its refusal with it.
        refusedDeletions.keySet().retainAll(owners);
        Set<String> deleted = new java.util.HashSet<>();
        for (String owner : owners) {
            DashboardOutcome outcome = deleteIfUnused(owner, leavingUid);
            if (outcome == null) {
                continue;
            }
            if (outcome.failure() != null
                    || (outcome.report() != null && !outcome.report().problems().isEmpty())) {
                LOG.warnf(
                        "could not delete dashboard [%s], which no ServiceMonitoring uses: %s",
                        owner,
                        outcome.failure() != null
                                ? outcome.failure().getMessage()
                                : outcome.report().problems());
            }
            if (outcome.report() != null && !outcome.report().deleted().isEmpty()) {
                LOG.infof("deleted dashboard [%s]: no ServiceMonitoring uses it", owner);
                deleted.add(owner);
            }
        }
        return deleted;
    }

    /**
     * Deletes one dashboard if nobody uses it; null when it stays. Use is judged under the claim: a service records
     * its choice before it claims the dashboard, so one choosing it now is either seen here or waits for the claim.
     */
    private DashboardOutcome deleteIfUnused(String owner, String leavingUid) {
        Optional<AutoCloseable> claim = inventories.dashboards().tryClaim(owner);
        if (claim.isEmpty()) {
            return null;
        }
        try (AutoCloseable ignored = claim.get()) {
            ServiceMonitoringEvents.DashboardsInUse inUse = events.dashboardsInUse(leavingUid);
            var dashboards = inventories.dashboards();
            boolean linked = dashboards.of(owner).stream()
                    .anyMatch(d -> inUse.ids().contains(dashboards.kind().id(d)));
            if (inUse.owners().contains(owner) || linked) {
                refusedDeletions.remove(owner);
                return null;
            }
            long lists = dashboards.lists();
            if (Long.valueOf(lists).equals(refusedDeletions.get(owner))) {
                return null;
            }
            DashboardOutcome outcome = syncClaimed(owner, Optional.empty());
            boolean forbidden = outcome.failure() == null
                    && outcome.report().problems().stream()
                            .anyMatch(p -> p.problem() == ObjectProblem.Problem.FORBIDDEN);
            if (forbidden) {
                refusedDeletions.put(owner, lists);
            } else {
                refusedDeletions.remove(owner);
            }
            return outcome;
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    private String knownDashboard(String owner) {
        var dashboards = inventories.dashboards();
        if (!dashboards.isLoaded()) {
            return null;
        }
        return dashboards.of(owner).stream()
                .map(d -> dashboards.kind().id(d))
                .sorted()
                .findFirst()
                .orElse(null);
    }

    /**
     * Composites after their members, with the members' ids in the query. A composite whose member is not in
     * Datadog yet (refused, or failed this time) is left as it is, neither created nor deleted, until it is.
     */
    private List<SyncedObject> syncComposites(SyncRun run, List<DesiredMonitor> wanted, List<SyncedObject> members) {
        Map<String, String> ids = new HashMap<>();
        members.forEach(m -> ids.put(m.name(), m.id()));
        List<Desired<MonitorDefinition>> ready = new ArrayList<>();
        Set<String> waiting = new java.util.HashSet<>();
        for (DesiredMonitor c : wanted) {
            MonitorDefinition d = c.definition();
            if (!isComposite(d)) {
                continue;
            }
            if (!ids.keySet().containsAll(CompositeExpression.members(d.query()))) {
                waiting.add(c.templateName());
                continue;
            }
            ready.add(new Desired<>(
                    c.templateName(),
                    new MonitorDefinition(
                            d.name(),
                            d.type(),
                            CompositeExpression.withIds(d.query(), ids),
                            d.message(),
                            d.priority(),
                            d.tags(),
                            d.thresholds(),
                            d.settings())));
        }
        var kind = inventories.monitors().kind();
        return run.upsert(
                inventories.monitors(),
                ready,
                m -> isComposite(m)
                        && !kind.ownership(m)
                                .map(o -> waiting.contains(o.name()))
                                .orElse(false));
    }

    private static boolean isComposite(MonitorDefinition d) {
        return CompositeExpression.TYPE.equals(d.type());
    }

    private static boolean isComposite(ManagedMonitor m) {
        return CompositeExpression.TYPE.equals(m.type());
    }

    private static List<Desired<dev.mimamori.datadog.MonitorDefinition>> monitorsToWant(List<DesiredMonitor> wanted) {
        return wanted.stream()
                .map(m -> new Desired<>(m.templateName(), m.definition()))
                .toList();
    }
}
