package dev.mimamori.monitoring;

import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedSlo;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps one owner's SLOs in Datadog equal to the desired ones, writing every change through the inventory. Runs in
 * two steps around the monitor sync, because Datadog refuses to delete an SLO a burn-rate monitor still refers to:
 * {@link #upsert} first (the burn-rate monitors need the ids), {@link #deleteExtras} after the monitors are gone.
 */
@ApplicationScoped
public class SloSync {
    private final DatadogApi datadog;
    private final SloInventory inventory;

    public SloSync(DatadogApi datadog, SloInventory inventory) {
        this.datadog = datadog;
        this.inventory = inventory;
    }

    public record SyncedSlo(DesiredSlo desired, String id, String url) {
    }

    /** What {@link #upsert} did; {@code extras} are SLOs no longer wanted (or duplicates), deleted later. */
    public record Upserted(List<SyncedSlo> slos, List<String> created, List<String> updated, List<String> rejected,
            List<ManagedSlo> extras) {
    }

    public Upserted upsert(String owner, List<DesiredSlo> desired) {
        Map<String, List<ManagedSlo>> byTemplate = new HashMap<>();
        List<ManagedSlo> extras = new ArrayList<>();
        inventory.slosOf(owner).stream()
                .sorted(Comparator.comparingLong(ManagedSlo::createdAt).thenComparing(ManagedSlo::id))
                .forEach(s -> {
                    if (s.templateName() == null) {
                        extras.add(s);
                    } else {
                        byTemplate.computeIfAbsent(s.templateName(), k -> new ArrayList<>()).add(s);
                    }
                });
        List<SyncedSlo> synced = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (DesiredSlo d : desired) {
            List<ManagedSlo> existing = byTemplate.remove(d.templateName());
            try {
                if (existing == null || existing.isEmpty()) {
                    synced.add(create(owner, d));
                    created.add(d.templateName());
                    continue;
                }
                // The oldest copy is the one people link to; later copies are duplicates.
                ManagedSlo keep = existing.get(0);
                extras.addAll(existing.subList(1, existing.size()));
                if (d.definition().isSatisfiedBy(keep.definition())) {
                    synced.add(synced(d, keep.id()));
                } else {
                    try {
                        synced.add(update(owner, keep.id(), d));
                        updated.add(d.templateName());
                    } catch (DatadogException e) {
                        if (e.kind() != DatadogException.Kind.REJECTED) {
                            throw e;
                        }
                        // The SLO as it was still stands, and so do the burn-rate alerts that watch it.
                        synced.add(synced(d, keep.id()));
                        rejected.add("SLO " + d.templateName() + ": " + e.getMessage());
                    }
                }
            } catch (DatadogException e) {
                if (e.kind() != DatadogException.Kind.REJECTED) {
                    throw e;
                }
                rejected.add("SLO " + d.templateName() + ": " + e.getMessage());
            }
        }
        byTemplate.values().forEach(extras::addAll);
        return new Upserted(synced, created, updated, rejected, extras);
    }

    /** Deletes SLOs no longer wanted; returns their names. */
    public List<String> deleteExtras(String owner, List<ManagedSlo> extras) {
        List<String> deleted = new ArrayList<>();
        for (ManagedSlo slo : extras) {
            datadog.deleteSlo(slo.id());
            inventory.recordDeleted(owner, slo.id());
            deleted.add(slo.templateName() == null ? "SLO " + slo.id() : "SLO " + slo.templateName());
        }
        return deleted;
    }

    /** Deletes every SLO of the owner (its burn-rate monitors must be gone first). */
    public int deleteAll(String owner) {
        return deleteExtras(owner, inventory.slosOf(owner)).size();
    }

    private SyncedSlo create(String owner, DesiredSlo d) {
        ManagedSlo slo;
        try {
            slo = datadog.createSlo(d.definition());
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.UNAVAILABLE) {
                // No answer is not "not created": look before creating it again.
                inventory.markUncertain(owner);
            }
            throw e;
        }
        inventory.recordCreated(owner, slo);
        return synced(d, slo.id());
    }

    private SyncedSlo update(String owner, String id, DesiredSlo d) {
        try {
            ManagedSlo slo = datadog.updateSlo(id, d.definition());
            inventory.recordUpdated(owner, slo);
            return synced(d, slo.id());
        } catch (DatadogException e) {
            if (e.kind() != DatadogException.Kind.NOT_FOUND) {
                throw e;
            }
            // Deleted in Datadog since we last looked: forget it and create it again.
            inventory.recordDeleted(owner, id);
            return create(owner, d);
        }
    }

    private SyncedSlo synced(DesiredSlo d, String id) {
        return new SyncedSlo(d, id, datadog.sloUrl(id));
    }
}
