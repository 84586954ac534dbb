package dev.mimamori.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Fixed-window rate limits per endpoint key, reported the way Datadog does in the
 * {@code x-ratelimit-*} headers. Thread-safe.
 *
 * <p>Windows run on a monotonic clock rather than the simulator's settable clock, so a test that
 * freezes time for metrics does not also freeze the rate-limit windows.
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

    private record Limit(int limit, int periodSeconds) {
    }

    private static final class Window {
        long startNanos;
        int used;
    }

    private static final Limit GENEROUS = new Limit(1000, 10);

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
    private final Map<String, Limit> limits = new HashMap<>();
    private final Map<String, Window> windows = new HashMap<>();
    private Limit fallback = GENEROUS;

    RateLimits(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Sets the limit of one endpoint key, or of every key without its own limit for "*". */
    synchronized void set(String key, int limit, int periodSeconds) {
        if (limit < 0 || periodSeconds <= 0) {
            throw new IllegalArgumentException("need limit >= 0 and period > 0, got "
                    + limit + " per " + periodSeconds + " s");
        }
        Limit value = new Limit(limit, periodSeconds);
        // A new limit starts a fresh window, so "limit N" means N more calls from now.
        if (Faults.ANY.equals(key)) {
            fallback = value;
            windows.clear();
        } else {
            limits.put(key, value);
            windows.remove(key);
        }
    }

    /** Counts one call against its endpoint's window. */
    synchronized Decision acquire(String key) {
        Limit limit = limits.getOrDefault(key, fallback);
        long now = nanoTime.getAsLong();
        long periodNanos = limit.periodSeconds() * 1_000_000_000L;
        Window window = windows.computeIfAbsent(key, k -> new Window());
        if (window.used == 0 || now - window.startNanos >= periodNanos) {
            window.startNanos = now;
            window.used = 0;
        }
        window.used++;
        boolean allowed = window.used <= limit.limit();
        long leftNanos = window.startNanos + periodNanos - now;
        int reset = (int) Math.max(0, (leftNanos + 999_999_999L) / 1_000_000_000L);
        int remaining = Math.max(0, limit.limit() - window.used);
        return new Decision(allowed, limit.limit(), limit.periodSeconds(), remaining, reset,
                NAMES.getOrDefault(key, "default"));
    }

    synchronized void clear() {
        limits.clear();
        windows.clear();
        fallback = GENEROUS;
    }
}
