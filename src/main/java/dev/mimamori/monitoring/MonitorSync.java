package dev.mimamori.monitoring;

import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedMonitor;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Carries out a {@link MonitorPlan} in Datadog and writes every change through the inventory. A monitor Datadog
 * rejects is reported and the others still go through; a transient failure stops the run (the rest is retried).
 */
@ApplicationScoped
public class MonitorSync {
    private final DatadogApi datadog;
    private final MonitorInventory inventory;

    public MonitorSync(DatadogApi datadog, MonitorInventory inventory) {
        this.datadog = datadog;
        this.inventory = inventory;
    }

    /** What one sync did. {@code rejected} holds Datadog's refusals, one line per monitor. */
    public record Outcome(List<SyncedMonitor> monitors, List<String> created, List<String> updated,
            List<String> deleted, List<String> rejected) {
    }

    public record SyncedMonitor(String templateName, long id, String url) {
    }

    public Outcome sync(String owner, List<DesiredMonitor> desired) {
        MonitorPlan plan = MonitorPlan.between(desired, inventory.monitorsOf(owner));
        List<SyncedMonitor> synced = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (MonitorPlan.Kept kept : plan.unchanged()) {
            synced.add(synced(kept.desired().templateName(), kept.id()));
        }
        for (ManagedMonitor extra : plan.deletes()) {
            datadog.deleteMonitor(extra.id());
            inventory.recordDeleted(owner, extra.id());
            deleted.add(extra.templateName() == null ? "#" + extra.id() : extra.templateName());
        }
        for (MonitorPlan.Update update : plan.updates()) {
            DesiredMonitor d = update.desired();
            try {
                ManagedMonitor after = datadog.updateMonitor(update.id(), d.definition());
                inventory.recordUpdated(owner, after);
                synced.add(synced(d.templateName(), after.id()));
                updated.add(d.templateName());
            } catch (DatadogException e) {
                if (e.kind() == DatadogException.Kind.NOT_FOUND) {
                    // Deleted in Datadog since we last looked: forget it and create it again below.
                    inventory.recordDeleted(owner, update.id());
                    create(owner, d, synced, created, rejected);
                } else {
                    rejectOrRethrow(e, d, rejected);
                }
            }
        }
        for (DesiredMonitor d : plan.creates()) {
            create(owner, d, synced, created, rejected);
        }
        synced.sort(Comparator.comparing(SyncedMonitor::templateName));
        return new Outcome(synced, created, updated, deleted, rejected);
    }

    /** Deletes every monitor of the owner; a monitor already gone counts as deleted. */
    public int deleteAll(String owner) {
        List<ManagedMonitor> monitors = inventory.monitorsOf(owner);
        for (ManagedMonitor m : monitors) {
            datadog.deleteMonitor(m.id());
            inventory.recordDeleted(owner, m.id());
        }
        return monitors.size();
    }

    private void create(String owner, DesiredMonitor d, List<SyncedMonitor> synced, List<String> created,
            List<String> rejected) {
        try {
            ManagedMonitor monitor = datadog.createMonitor(d.definition());
            inventory.recordCreated(owner, monitor);
            synced.add(synced(d.templateName(), monitor.id()));
            created.add(d.templateName());
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.UNAVAILABLE) {
                // No answer is not "not created": look before creating it again.
                inventory.markUncertain(owner);
            }
            rejectOrRethrow(e, d, rejected);
        }
    }

    private static void rejectOrRethrow(DatadogException e, DesiredMonitor d, List<String> rejected) {
        if (e.kind() != DatadogException.Kind.REJECTED) {
            throw e;
        }
        rejected.add(d.templateName() + ": " + e.getMessage());
    }

    private SyncedMonitor synced(String templateName, long id) {
        return new SyncedMonitor(templateName, id, datadog.monitorUrl(id));
    }
}
