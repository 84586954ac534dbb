package dev.mimamori.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedDashboard;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The unified dashboards: one per profile and cluster, however many services use it. Found after a restart by the
 * marker line in their description; kept as wanted by the ServiceMonitorings that use them; checked for edits made in
 * Datadog once per resync (one read per dashboard); deleted when the last ServiceMonitoring using the profile goes.
 */
@ApplicationScoped
public class DashboardSync {
    private static final Logger LOG = Logger.getLogger(DashboardSync.class);

    private final DatadogApi datadog;
    private final String clusterName;
    private final Map<String, Entry> byProfile = new HashMap<>();
    private boolean loaded;

    /**
     * {@code written} is what we last sent (null for a dashboard adopted after a restart, not checked yet), and
     * {@code stored} how Datadog answered it: drift is a difference from what Datadog itself stored, so its own
     * normalisation of what we sent never counts as an edit.
     */
    private record Entry(String id, DashboardDefinition written, JsonNode stored, boolean drifted) {
        Entry markedDrifted() {
            return new Entry(id, written, stored, true);
        }
    }

    /** What {@link #ensure} did: the dashboard's id (null when the profile has none) and the change made, if any. */
    public record Outcome(String id, String change) {
    }

    public DashboardSync(DatadogApi datadog, MimamoriConfig config) {
        this.datadog = datadog;
        this.clusterName = config.clusterName();
    }

    /** Makes the profile's dashboard exist and look as wanted; an empty {@code wanted} removes it. */
    public synchronized Outcome ensure(String profile, Optional<DashboardDefinition> wanted) {
        load();
        Entry entry = byProfile.get(profile);
        if (wanted.isEmpty()) {
            if (entry == null) {
                return new Outcome(null, null);
            }
            delete(profile, entry);
            return new Outcome(null, "deleted");
        }
        DashboardDefinition desired = wanted.get();
        if (entry == null) {
            return new Outcome(create(profile, desired), "created");
        }
        if (entry.written() != null && !entry.drifted() && entry.written().equals(desired)) {
            return new Outcome(entry.id(), null);
        }
        if (entry.written() == null && !entry.drifted()) {
            // Adopted after a restart: look once before deciding to write.
            Optional<JsonNode> actual = datadog.readDashboard(entry.id());
            if (actual.isEmpty()) {
                byProfile.remove(profile);
                return new Outcome(create(profile, desired), "created");
            }
            if (desired.isSatisfiedBy(actual.get())) {
                byProfile.put(profile, new Entry(entry.id(), desired, actual.get(), false));
                return new Outcome(entry.id(), null);
            }
        }
        try {
            ManagedDashboard updated = datadog.updateDashboard(entry.id(), desired);
            byProfile.put(profile, new Entry(updated.id(), desired, updated.stored(), false));
            return new Outcome(updated.id(), "updated");
        } catch (DatadogException e) {
            if (e.kind() != DatadogException.Kind.NOT_FOUND) {
                throw e;
            }
            byProfile.remove(profile);
            return new Outcome(create(profile, desired), "created");
        }
    }

    /**
     * Reads each dashboard we wrote and returns the profiles whose dashboard was edited or deleted in Datadog (and
     * any found so before and not repaired yet): the ServiceMonitorings of those profiles are woken up and the first
     * one repairs it. One dashboard that cannot be read does not hide the others.
     */
    public synchronized Set<String> refresh() {
        Set<String> drifted = new HashSet<>();
        if (!loaded) {
            return drifted;
        }
        DatadogException failure = null;
        for (Map.Entry<String, Entry> e : new ArrayList<>(byProfile.entrySet())) {
            Entry entry = e.getValue();
            if (entry.drifted()) {
                drifted.add(e.getKey());
                continue;
            }
            if (entry.written() == null) {
                continue;
            }
            try {
                Optional<JsonNode> actual = datadog.readDashboard(entry.id());
                boolean same = actual.isPresent() && (entry.stored() != null
                        ? DashboardDefinition.contains(actual.get(), entry.stored())
                        : entry.written().isSatisfiedBy(actual.get()));
                if (!same) {
                    byProfile.put(e.getKey(), entry.markedDrifted());
                    drifted.add(e.getKey());
                }
            } catch (DatadogException ex) {
                failure = ex;
            }
        }
        if (failure != null) {
            LOG.warnf("could not read every dashboard; the rest were checked: %s", failure.getMessage());
        }
        return drifted;
    }

    /**
     * Deletes the dashboards of profiles no ServiceMonitoring uses any more; returns those profiles. The profiles in
     * use are asked for under this object's lock, so a ServiceMonitoring that just got a dashboard keeps it.
     * {@code profileOfCaller} is a profile known to be in use (the reconciling ServiceMonitoring's), or null.
     */
    public synchronized Set<String> deleteUnused(String profileOfCaller, Supplier<Set<String>> profilesInUse) {
        load();
        if (profileOfCaller != null && byProfile.keySet().stream().allMatch(profileOfCaller::equals)) {
            // Every reconcile asks; the only dashboard is the caller's own, in use by the caller: nothing to scan.
            return Set.of();
        }
        Set<String> inUse = profilesInUse.get();
        Set<String> deleted = new HashSet<>();
        for (Map.Entry<String, Entry> e : new ArrayList<>(byProfile.entrySet())) {
            if (!inUse.contains(e.getKey())) {
                delete(e.getKey(), e.getValue());
                deleted.add(e.getKey());
            }
        }
        return deleted;
    }

    /** Lists the organisation's dashboards once, to find ours after a restart and remove duplicates. */
    private void load() {
        if (loaded) {
            return;
        }
        Map<String, List<ManagedDashboard>> ours = new HashMap<>();
        for (ManagedDashboard d : datadog.listDashboards()) {
            DashboardRenderer.ownerOf(d.description())
                    .filter(owner -> owner.cluster().equals(clusterName))
                    .ifPresent(owner -> ours.computeIfAbsent(owner.profile(), k -> new ArrayList<>()).add(d));
        }
        for (Map.Entry<String, List<ManagedDashboard>> e : ours.entrySet()) {
            List<ManagedDashboard> copies = new ArrayList<>(e.getValue());
            copies.sort(Comparator.comparing(ManagedDashboard::id));
            for (ManagedDashboard duplicate : copies.subList(1, copies.size())) {
                LOG.infof("deleting duplicate dashboard %s of profile %s", duplicate.id(), e.getKey());
                datadog.deleteDashboard(duplicate.id());
            }
            byProfile.put(e.getKey(), new Entry(copies.get(0).id(), null, null, false));
        }
        loaded = true;
    }

    private String create(String profile, DashboardDefinition desired) {
        ManagedDashboard created;
        try {
            created = datadog.createDashboard(desired);
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.UNAVAILABLE) {
                // It may exist now: list again (and remove a duplicate) before creating it again.
                loaded = false;
                byProfile.clear();
            }
            throw e;
        }
        byProfile.put(profile, new Entry(created.id(), desired, created.stored(), false));
        LOG.infof("created dashboard %s for profile %s", created.id(), profile);
        return created.id();
    }

    private void delete(String profile, Entry entry) {
        datadog.deleteDashboard(entry.id());
        byProfile.remove(profile);
        LOG.infof("deleted dashboard %s of profile %s: no ServiceMonitoring uses it", entry.id(), profile);
    }
}
