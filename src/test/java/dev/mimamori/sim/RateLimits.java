package dev.mimamori.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Fixed-window rate limits, reported the way Datadog does in the {@code x-ratelimit-*} headers. As in Datadog, a
 * limit has a name ({@code X-RateLimit-Name}) and one window per name: endpoints that share a name share the count
 * (the two monitor validations by default; any endpoints through {@link #setShared}). Windows are aligned to the
 * clock, so a 10-second window always ends at :00, :10, :20... Thread-safe.
 *
 * <p>Windows run on a monotonic clock anchored once to the wall clock, rather than on the simulator's settable
 * clock, so a test that freezes time for metrics does not also freeze the rate-limit windows.
 */
final class RateLimits {

    /**
     * Header values for one answer.
     *
     * @param allowed   false when this call went over the limit
     * @param limit     calls allowed per period
     * @param period    period length, seconds
     * @param remaining calls left in the current window
     * @param reset     seconds until the window resets
     * @param name      rate-limit group name
     */
    record Decision(boolean allowed, int limit, int period, int remaining, int reset, String name) {

        Decision exhausted(int resetSeconds) {
            return new Decision(false, limit, period, 0, resetSeconds, name);
        }
    }

    private record Limit(int limit, int periodSeconds) {}

    private static final class Window {
        long index = Long.MIN_VALUE;
        int used;
    }

    private static final Limit GENEROUS = new Limit(1000, 10);
    private static final String UNNAMED = "default";

    // Group names in the style Datadog uses for X-RateLimit-Name.
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry(DatadogSimulator.LIST_MONITORS, "monitor_list"),
            Map.entry(DatadogSimulator.CREATE_MONITOR, "monitor_create"),
            Map.entry(DatadogSimulator.GET_MONITOR, "monitor_get"),
            Map.entry(DatadogSimulator.UPDATE_MONITOR, "monitor_update"),
            Map.entry(DatadogSimulator.DELETE_MONITOR, "monitor_delete"),
            Map.entry(DatadogSimulator.VALIDATE_MONITOR, "monitor_validate"),
            Map.entry(DatadogSimulator.VALIDATE_EXISTING_MONITOR, "monitor_validate"),
            Map.entry(DatadogSimulator.CREATE_EVENT, "event_create"),
            Map.entry(DatadogSimulator.QUERY_TIMESERIES, "query_timeseries"),
            Map.entry(DatadogSimulator.QUERY_SCALAR, "query_scalar"),
            Map.entry(DatadogSimulator.LIST_DASHBOARDS, "dashboard_list"),
            Map.entry(DatadogSimulator.CREATE_DASHBOARD, "dashboard_create"),
            Map.entry(DatadogSimulator.GET_DASHBOARD, "dashboard_get"),
            Map.entry(DatadogSimulator.UPDATE_DASHBOARD, "dashboard_update"),
            Map.entry(DatadogSimulator.DELETE_DASHBOARD, "dashboard_delete"),
            Map.entry(DatadogSimulator.LIST_SLOS, "slo_list"),
            Map.entry(DatadogSimulator.CREATE_SLO, "slo_create"),
            Map.entry(DatadogSimulator.GET_SLO, "slo_get"),
            Map.entry(DatadogSimulator.UPDATE_SLO, "slo_update"),
            Map.entry(DatadogSimulator.DELETE_SLO, "slo_delete"));

    private final LongSupplier nanoTime;
    /** Wall-clock nanoseconds at nanoTime zero, fixed once: windows follow the clock but never jump with it. */
    private final long epochNanosAtZero;
    /** Endpoint keys moved into a shared limit, by key; the others keep their name from NAMES. */
    private final Map<String, String> sharedNames = new HashMap<>();

    private final Map<String, Limit> limits = new HashMap<>();
    private final Map<String, Window> windows = new HashMap<>();
    private final Map<String, Integer> refused = new HashMap<>();
    private Limit fallback = GENEROUS;

    RateLimits(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.epochNanosAtZero = System.currentTimeMillis() * 1_000_000L - nanoTime.getAsLong();
    }

    /** The limit an endpoint key counts against. */
    synchronized String nameOf(String key) {
        String shared = sharedNames.get(key);
        return shared != null ? shared : NAMES.getOrDefault(key, UNNAMED);
    }

    /**
     * Sets the limit an endpoint key counts against (shared with the other keys of that name), or the limit of every
     * name without its own for "*".
     */
    synchronized void set(String key, int limit, int periodSeconds) {
        Limit value = limit(limit, periodSeconds);
        // A new limit starts a fresh count, so "limit N" means N more calls in the current window.
        if (Faults.ANY.equals(key)) {
            fallback = value;
            windows.clear();
        } else {
            String name = nameOf(key);
            limits.put(name, value);
            windows.remove(name);
        }
    }

    /** One limit, under this name, for all these endpoint keys together. */
    synchronized void setShared(String name, int limit, int periodSeconds, String... keys) {
        Limit value = limit(limit, periodSeconds);
        if (name == null || name.isBlank() || keys.length == 0) {
            throw new IllegalArgumentException("a shared limit needs a name and at least one endpoint key");
        }
        for (String key : keys) {
            if (Faults.ANY.equals(key)) {
                throw new IllegalArgumentException("\"*\" cannot join a shared limit; use set(\"*\", ...)");
            }
            sharedNames.put(key, name);
        }
        limits.put(name, value);
        windows.remove(name);
    }

    private static Limit limit(int limit, int periodSeconds) {
        if (limit < 0 || periodSeconds <= 0) {
            throw new IllegalArgumentException(
                    "need limit >= 0 and period > 0, got " + limit + " per " + periodSeconds + " s");
        }
        return new Limit(limit, periodSeconds);
    }

    /** Counts one call against its limit's current window. */
    synchronized Decision acquire(String key) {
        String name = nameOf(key);
        Limit limit = limits.getOrDefault(name, fallback);
        long periodNanos = limit.periodSeconds() * 1_000_000_000L;
        long now = epochNanosAtZero + nanoTime.getAsLong();
        long index = Math.floorDiv(now, periodNanos);
        Window window = windows.computeIfAbsent(name, k -> new Window());
        if (window.index != index) {
            window.index = index;
            window.used = 0;
        }
        window.used++;
        boolean allowed = window.used <= limit.limit();
        if (!allowed) {
            refused.merge(key, 1, Integer::sum);
        }
        long leftNanos = (index + 1) * periodNanos - now;
        int reset = (int) ((leftNanos + 999_999_999L) / 1_000_000_000L);
        int remaining = Math.max(0, limit.limit() - window.used);
        return new Decision(allowed, limit.limit(), limit.periodSeconds(), remaining, reset, name);
    }

    /** Nanoseconds until the current window of the key's limit ends. */
    synchronized long nanosLeftInWindow(String key) {
        long periodNanos = limits.getOrDefault(nameOf(key), fallback).periodSeconds() * 1_000_000_000L;
        long now = epochNanosAtZero + nanoTime.getAsLong();
        return (Math.floorDiv(now, periodNanos) + 1) * periodNanos - now;
    }

    /** Calls over their limit since the last reset, by endpoint key. */
    synchronized Map<String, Integer> refusals() {
        return Map.copyOf(refused);
    }

    synchronized void resetRefusals() {
        refused.clear();
    }

    synchronized void clear() {
        sharedNames.clear();
        limits.clear();
        windows.clear();
        refused.clear();
        fallback = GENEROUS;
    }
}
