package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts the calls the simulator answered, by endpoint key ("METHOD /path/template"), and keeps
 * the most recent requests for inspection. Thread-safe.
 */
public final class CallLog {

    /**
     * One answered request. Headers are deliberately not kept, so API and application keys never
     * end up in test output.
     *
     * @param at     when it was answered (simulator clock)
     * @param key    endpoint key, e.g. {@code "PUT /api/v1/monitor/{id}"}
     * @param method HTTP method
     * @param path   request path, e.g. {@code /api/v1/monitor/1000001}
     * @param query  query parameters (credential parameters removed)
     * @param body   request body: parsed JSON, a text node if it was not JSON, null node if empty
     * @param status HTTP status answered
     */
    public record Call(
            Instant at,
            String key,
            String method,
            String path,
            Map<String, List<String>> query,
            JsonNode body,
            int status) {}

    /**
     * Calls that change monitors, dashboards or SLOs. Monitor validation and the metric queries
     * are reads even though they are POSTs; events are not configuration, so not counted.
     */
    static final Set<String> WRITE_KEYS = Set.of(
            DatadogSimulator.CREATE_MONITOR,
            DatadogSimulator.UPDATE_MONITOR,
            DatadogSimulator.DELETE_MONITOR,
            DatadogSimulator.CREATE_DASHBOARD,
            DatadogSimulator.UPDATE_DASHBOARD,
            DatadogSimulator.DELETE_DASHBOARD,
            DatadogSimulator.CREATE_SLO,
            DatadogSimulator.UPDATE_SLO,
            DatadogSimulator.DELETE_SLO);

    /** The list endpoints a reconciler polls for drift. */
    static final Set<String> LIST_KEYS =
            Set.of(DatadogSimulator.LIST_MONITORS, DatadogSimulator.LIST_DASHBOARDS, DatadogSimulator.LIST_SLOS);

    // Bounded so a long benchmark run does not grow the heap; counts are kept in full.
    private static final int MAX_KEPT = 10_000;

    private final Map<String, Integer> counts = new HashMap<>();
    private final ArrayDeque<Call> kept = new ArrayDeque<>();
    private int total;

    synchronized void record(Call call) {
        counts.merge(call.key(), 1, Integer::sum);
        total++;
        if (kept.size() == MAX_KEPT) {
            kept.removeFirst();
        }
        kept.addLast(call);
    }

    /** Calls answered for one endpoint key, faults and errors included. */
    public synchronized int calls(String key) {
        return counts.getOrDefault(key, 0);
    }

    public synchronized int totalCalls() {
        return total;
    }

    /** POST, PUT and DELETE calls on monitors, dashboards and SLOs; validation excluded. */
    public synchronized int writeCalls() {
        return sum(WRITE_KEYS);
    }

    /** Whether an endpoint key is one {@link #writeCalls()} counts. */
    public static boolean isWrite(String key) {
        return WRITE_KEYS.contains(key);
    }

    /** GET calls on the monitor, dashboard and SLO lists. */
    public synchronized int listCalls() {
        return sum(LIST_KEYS);
    }

    private int sum(Set<String> keys) {
        int sum = 0;
        for (String key : keys) {
            sum += counts.getOrDefault(key, 0);
        }
        return sum;
    }

    /** Snapshot of the counts by endpoint key. */
    public synchronized Map<String, Integer> counts() {
        return Map.copyOf(counts);
    }

    /** The most recent requests (up to 10,000), oldest first. */
    public synchronized List<Call> requests() {
        return copyOfLast(kept.size());
    }

    /** A mark for {@link #requestsSince}: the number of calls logged so far. */
    public synchronized long mark() {
        return total;
    }

    /**
     * The calls logged after the mark, oldest first. Index arithmetic on two copies of {@link #requests} would slice
     * the wrong calls once the log is full (it keeps the last {@value #MAX_KEPT}) or a call lands between the copies.
     */
    public synchronized List<Call> requestsSince(long mark) {
        long dropped = (long) total - kept.size();
        if (mark > total || mark < dropped) {
            throw new IllegalStateException("the call log no longer holds every call since mark " + mark + " (" + total
                    + " logged, the first " + dropped + " dropped or reset)");
        }
        return copyOfLast((int) (total - mark));
    }

    private List<Call> copyOfLast(int count) {
        List<Call> copy = new ArrayList<>(count);
        var calls = kept.iterator();
        for (int skip = kept.size() - count; skip > 0; skip--) {
            calls.next();
        }
        while (calls.hasNext()) {
            Call call = calls.next();
            copy.add(new Call(
                    call.at(),
                    call.key(),
                    call.method(),
                    call.path(),
                    call.query(),
                    call.body().deepCopy(),
                    call.status()));
        }
        return copy;
    }

    public synchronized void reset() {
        counts.clear();
        kept.clear();
        total = 0;
    }
}
