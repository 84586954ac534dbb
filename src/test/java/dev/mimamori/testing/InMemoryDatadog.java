package dev.mimamori.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.datadog.AuditedChanges;
import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogEvent;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedDashboard;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.ManagedSlo;
import dev.mimamori.datadog.MetricSeries;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.SloDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Our own {@link DatadogApi} held in memory, for fast tests of the stateful middle (sync engine, inventories,
 * telemetry batching) without HTTP or Quarkus. It keeps objects as our vocabulary describes them; failures are
 * injected per call by {@link #failNext} or per object by {@link #refuse}. The HTTP simulator remains the contract
 * for what Datadog accepts; this is only the shape of our interface.
 */
public final class InMemoryDatadog implements DatadogApi {
    private final AtomicLong ids = new AtomicLong(100);
    private final AtomicLong clock = new AtomicLong(1_000);
    public final Map<Long, StoredMonitor> monitors = new ConcurrentHashMap<>();
    public final Map<String, StoredSlo> slos = new ConcurrentHashMap<>();
    public final Map<String, ManagedDashboard> dashboards = new ConcurrentHashMap<>();
    public final List<DatadogEvent> events = new ArrayList<>();
    /** Calls by operation, e.g. "createMonitor". */
    public final Map<String, Integer> calls = new TreeMap<>();
    /** Failures for particular calls: operation + " " + id (or name for creates) -> exception to throw every time. */
    private final Map<String, DatadogException> refusals = new ConcurrentHashMap<>();

    private final Map<String, DatadogException> nextFailure = new ConcurrentHashMap<>();
    /** Runs inside a list, after it read the objects and before it answers: to interleave writes with a list. */
    public volatile Runnable duringList = () -> {};
    /** Answers for {@link #groupsWithData}: the group values with data for a grouped query. */
    public volatile Function<String, Set<String>> groups = q -> Set.of();

    public final List<List<String>> dataRequests = new ArrayList<>();

    /** A monitor as "Datadog" holds it, whole; what the API answers is the compact {@link ManagedMonitor}. */
    public record StoredMonitor(long id, MonitorDefinition definition) {
        public ManagedMonitor managed() {
            return ManagedMonitor.of(id, definition);
        }
    }

    /** An SLO as "Datadog" holds it, whole. */
    public record StoredSlo(String id, long createdAt, SloDefinition definition) {
        public ManagedSlo managed() {
            return ManagedSlo.of(id, createdAt, definition);
        }
    }

    /** Every later call {@code operation} on {@code key} (an id, or a name for creates) throws {@code failure}. */
    public void refuse(String operation, String key, DatadogException failure) {
        refusals.put(operation + " " + key, failure);
    }

    public void allow(String operation, String key) {
        refusals.remove(operation + " " + key);
    }

    /** The next call {@code operation} (any object) throws {@code failure}, once. */
    public void failNext(String operation, DatadogException failure) {
        nextFailure.put(operation, failure);
    }

    public int calls(String operation) {
        return calls.getOrDefault(operation, 0);
    }

    public int writes() {
        return calls.entrySet().stream()
                .filter(e -> e.getKey().startsWith("create")
                        || e.getKey().startsWith("update")
                        || e.getKey().startsWith("delete"))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    private synchronized void enter(String operation, String key) {
        calls.merge(operation, 1, Integer::sum);
        DatadogException once = nextFailure.remove(operation);
        if (once != null) {
            throw once;
        }
        DatadogException refused = refusals.get(operation + " " + key);
        if (refused != null) {
            throw refused;
        }
    }

    private static DatadogException notFound() {
        return new DatadogException(DatadogException.Kind.NOT_FOUND, "not found");
    }

    @Override
    public List<ManagedMonitor> listMonitors(List<String> monitorTags) {
        enter("listMonitors", "");
        List<ManagedMonitor> found = monitors.values().stream()
                .filter(m -> m.definition().tags().containsAll(monitorTags))
                .sorted((a, b) -> Long.compare(a.id(), b.id()))
                .map(StoredMonitor::managed)
                .toList();
        duringList.run();
        return found;
    }

    @Override
    public ManagedMonitor createMonitor(MonitorDefinition definition) {
        enter("createMonitor", definition.name());
        StoredMonitor m = new StoredMonitor(ids.incrementAndGet(), definition);
        monitors.put(m.id(), m);
        return m.managed();
    }

    @Override
    public ManagedMonitor updateMonitor(long id, MonitorDefinition definition) {
        enter("updateMonitor", Long.toString(id));
        if (!monitors.containsKey(id)) {
            throw notFound();
        }
        StoredMonitor m = new StoredMonitor(id, definition);
        monitors.put(id, m);
        return m.managed();
    }

    @Override
    public void retagMonitor(long id, List<String> tags) {
        enter("updateMonitor", Long.toString(id));
        StoredMonitor m = monitors.get(id);
        if (m == null) {
            throw notFound();
        }
        MonitorDefinition d = m.definition();
        monitors.put(
                id,
                new StoredMonitor(
                        id,
                        new MonitorDefinition(
                                d.name(),
                                d.type(),
                                d.query(),
                                d.message(),
                                d.priority(),
                                tags,
                                d.thresholds(),
                                d.settings())));
    }

    @Override
    public void deleteMonitor(long id) {
        enter("deleteMonitor", Long.toString(id));
        monitors.remove(id);
    }

    @Override
    public synchronized void postEvent(DatadogEvent event) {
        enter("postEvent", "");
        events.add(event);
    }

    @Override
    public List<MetricSeries> queryMetrics(List<String> queries, Instant from, Instant to, Duration interval) {
        throw new UnsupportedOperationException("metric series are the simulator's: use DatadogSimulator");
    }

    @Override
    public String monitorUrl(long id) {
        return "mem://monitors/" + id;
    }

    @Override
    public List<ManagedSlo> listSlos(String tag) {
        enter("listSlos", "");
        List<ManagedSlo> found = slos.values().stream()
                .filter(s -> s.definition().tags().contains(tag))
                .map(StoredSlo::managed)
                .toList();
        duringList.run();
        return found;
    }

    @Override
    public ManagedSlo createSlo(SloDefinition definition) {
        enter("createSlo", definition.name());
        StoredSlo s = new StoredSlo("slo" + ids.incrementAndGet(), clock.incrementAndGet(), definition);
        slos.put(s.id(), s);
        return s.managed();
    }

    @Override
    public SloDefinition readSlo(String id) {
        enter("readSlo", id);
        StoredSlo s = slos.get(id);
        if (s == null) {
            throw notFound();
        }
        return s.definition();
    }

    @Override
    public ManagedSlo updateSlo(String id, SloDefinition definition) {
        enter("updateSlo", id);
        StoredSlo before = slos.get(id);
        if (before == null) {
            throw notFound();
        }
        StoredSlo s = new StoredSlo(id, before.createdAt(), definition);
        slos.put(id, s);
        return s.managed();
    }

    @Override
    public void deleteSlo(String id) {
        enter("deleteSlo", id);
        slos.remove(id);
    }

    @Override
    public String sloUrl(String id) {
        return "mem://slo/" + id;
    }

    @Override
    public List<ManagedDashboard> listDashboards() {
        enter("listDashboards", "");
        List<ManagedDashboard> found = dashboards.values().stream()
                .map(d -> new ManagedDashboard(d.id(), d.title(), d.description(), d.url(), d.modifiedAt(), null))
                .toList();
        duringList.run();
        return found;
    }

    @Override
    public Optional<JsonNode> readDashboard(String id) {
        enter("readDashboard", id);
        ManagedDashboard d = dashboards.get(id);
        return d == null ? Optional.empty() : Optional.of(d.stored().deepCopy());
    }

    @Override
    public ManagedDashboard createDashboard(DashboardDefinition definition) {
        enter("createDashboard", definition.title());
        String id = "dash-" + ids.incrementAndGet();
        ManagedDashboard d = stored(id, definition);
        dashboards.put(id, d);
        return d;
    }

    @Override
    public ManagedDashboard updateDashboard(String id, DashboardDefinition definition) {
        enter("updateDashboard", id);
        if (!dashboards.containsKey(id)) {
            throw notFound();
        }
        ManagedDashboard d = stored(id, definition);
        dashboards.put(id, d);
        return d;
    }

    /** Datadog adds fields of its own to what it stores; so does this. */
    private ManagedDashboard stored(String id, DashboardDefinition definition) {
        var body = definition.body().deepCopy();
        body.put("id", id);
        body.put("author_handle", "operator@example.com");
        String modified = Long.toString(clock.incrementAndGet());
        body.put("modified_at", modified);
        return new ManagedDashboard(
                id, definition.title(), definition.description(), "/dashboard/" + id, modified, body);
    }

    @Override
    public void deleteDashboard(String id) {
        enter("deleteDashboard", id);
        dashboards.remove(id);
    }

    @Override
    public String dashboardUrl(String id, Map<String, String> presets) {
        return "mem://dashboard/" + id + (presets.isEmpty() ? "" : "?" + new TreeMap<>(presets));
    }

    @Override
    public synchronized Map<String, Set<String>> groupsWithData(
            List<String> queries, String groupTag, Instant from, Instant to) {
        enter("groupsWithData", "");
        dataRequests.add(List.copyOf(queries));
        Map<String, Set<String>> result = new java.util.LinkedHashMap<>();
        queries.forEach(q -> result.put(q, Set.copyOf(groups.apply(q))));
        return result;
    }

    @Override
    public Map<String, List<dev.mimamori.datadog.GroupedValue>> groupedValues(
            List<String> queries, List<String> groupTags, Instant from, Instant to) {
        throw new UnsupportedOperationException("grouped values are the simulator's: use DatadogSimulator");
    }

    /** This organisation has no Audit Trail: change detection falls back to full lists. */
    @Override
    public AuditedChanges auditedChanges(Instant from, Instant to, int limit) {
        throw new DatadogException(DatadogException.Kind.FORBIDDEN, "403 Forbidden: no Audit Trail in memory");
    }

    /** Every monitor id whose tags include all of these. */
    public Set<Long> monitorIdsTagged(String... tags) {
        return Set.copyOf(monitors.values().stream()
                .filter(m -> m.definition().tags().containsAll(List.of(tags)))
                .map(StoredMonitor::id)
                .toList());
    }
}
