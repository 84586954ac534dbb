package dev.mimamori.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedDashboard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unified dashboards, one per profile, cluster and value of the parameters their queries use: the owner is the
 * {@link Ownership.DashboardKey}. Dashboards take no free-form tags, so ownership is the marker line of the
 * description. The list gives summaries only; one of ours is read whole only when its modified time moved since we
 * last read or wrote it, so an unchanged resync reads none; drift is judged against what Datadog stored on our last
 * write, so Datadog's own normalisation of what we sent never counts as an edit.
 */
public final class DashboardKind implements ObjectKind<DashboardDefinition, ManagedDashboard> {
    /** Every owner has one dashboard, under this name. */
    public static final String NAME = "dashboard";

    private final DatadogApi datadog;
    private final String cluster;
    /** What we last sent for a dashboard id, and Datadog's answer to it. */
    private final Map<String, Written> written = new ConcurrentHashMap<>();

    private record Written(DashboardDefinition definition, JsonNode stored) {}

    /** The whole dashboard as last read or written, by id: not read again while its modified time stays. */
    private final Map<String, ManagedDashboard> lastSeen = new ConcurrentHashMap<>();

    public DashboardKind(DatadogApi datadog, String cluster) {
        this.datadog = datadog;
        this.cluster = cluster;
    }

    @Override
    public String noun() {
        return "dashboard";
    }

    @Override
    public Optional<Ownership.Owned> ownership(ManagedDashboard actual) {
        return Ownership.ofDashboard(actual.description())
                .filter(owner -> owner.cluster().equalsIgnoreCase(cluster))
                .map(owner -> new Ownership.Owned(owner.key().owner(), NAME));
    }

    @Override
    public String id(ManagedDashboard actual) {
        return actual.id();
    }

    /**
     * The copy to keep is the one we wrote (the one every status links to), then the first created; Datadog's ids
     * are random, so a clone made later can sort before the original.
     */
    @Override
    public Comparator<ManagedDashboard> oldestFirst() {
        return Comparator.<ManagedDashboard, Boolean>comparing(d -> !written.containsKey(d.id()))
                .thenComparing(d ->
                        d.stored() == null ? "~" : d.stored().path("created_at").asText("~"))
                .thenComparing(ManagedDashboard::id);
    }

    @Override
    public boolean isSatisfiedBy(DashboardDefinition desired, ManagedDashboard actual) {
        if (actual.stored() == null) {
            return false;
        }
        Written last = written.get(actual.id());
        if (last != null
                && last.definition().equals(desired)
                && last.stored() != null
                && DashboardDefinition.contains(actual.stored(), last.stored())) {
            return true;
        }
        return desired.isSatisfiedBy(actual.stored());
    }

    @Override
    public List<ManagedDashboard> listAll() {
        List<ManagedDashboard> ours = new ArrayList<>();
        for (ManagedDashboard summary : datadog.listDashboards()) {
            if (ownership(summary).isEmpty()) {
                continue;
            }
            ManagedDashboard known = lastSeen.get(summary.id());
            if (known != null
                    && summary.modifiedAt() != null
                    && summary.modifiedAt().equals(known.modifiedAt())) {
                ours.add(known);
                continue;
            }
            Optional<JsonNode> whole;
            try {
                whole = datadog.readDashboard(summary.id());
            } catch (DatadogException e) {
                if (e.isTransient()) {
                    throw e;
                }
                // One dashboard we may not read hides no other: it stays known, and its own sync says why.
                ours.add(summary);
                continue;
            }
            whole.ifPresent(read -> {
                ManagedDashboard seen = new ManagedDashboard(
                        summary.id(),
                        summary.title(),
                        summary.description(),
                        summary.url(),
                        summary.modifiedAt(),
                        read);
                lastSeen.put(seen.id(), seen);
                ours.add(seen);
            });
        }
        return ours;
    }

    @Override
    public List<ManagedDashboard> listOwner(String owner) {
        return listAll().stream()
                .filter(d -> ownership(d).map(o -> o.owner().equals(owner)).orElse(false))
                .toList();
    }

    @Override
    public ManagedDashboard create(DashboardDefinition desired) {
        ManagedDashboard made = datadog.createDashboard(desired);
        written.put(made.id(), new Written(desired, made.stored()));
        lastSeen.put(made.id(), made);
        return made;
    }

    @Override
    public ManagedDashboard update(ManagedDashboard current, DashboardDefinition desired) {
        ManagedDashboard updated = datadog.updateDashboard(current.id(), desired);
        written.put(updated.id(), new Written(desired, updated.stored()));
        lastSeen.put(updated.id(), updated);
        return updated;
    }

    @Override
    public void delete(ManagedDashboard actual) {
        datadog.deleteDashboard(actual.id());
        written.remove(actual.id());
        lastSeen.remove(actual.id());
    }

    /** Dashboards belong to profiles, not to one service; they are never released. */
    @Override
    public void release(ManagedDashboard actual) {
        throw new UnsupportedOperationException("dashboards are shared by a profile and never released");
    }

    @Override
    public String url(ManagedDashboard actual) {
        return datadog.dashboardUrl(actual.id(), Map.of());
    }
}
