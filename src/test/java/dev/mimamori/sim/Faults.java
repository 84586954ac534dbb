package dev.mimamori.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Injected failures: one-shot faults queued per endpoint key (or {@code "*"} for any endpoint),
 * a full outage switch and an answer delay. Thread-safe.
 */
final class Faults {

    /** Endpoint key that matches every endpoint. */
    static final String ANY = "*";

    enum Kind {
        FAIL,
        RATE_LIMIT,
        RATE_LIMIT_WITHOUT_HEADERS,
        MALFORMED
    }

    /**
     * One queued fault.
     *
     * @param kind         what to answer
     * @param status       HTTP status for {@link Kind#FAIL}
     * @param resetSeconds value of the rate-limit reset header for {@link Kind#RATE_LIMIT}
     *                     ({@link Kind#RATE_LIMIT_WITHOUT_HEADERS} sends no rate-limit header at all)
     */
    record Fault(Kind kind, int status, int resetSeconds) {}

    private final Map<String, Deque<Fault>> pending = new HashMap<>();
    private volatile boolean outage;
    private volatile Duration latency = Duration.ZERO;

    synchronized void add(String key, int times, Fault fault) {
        Objects.requireNonNull(key, "key");
        if (times < 0) {
            throw new IllegalArgumentException("times must not be negative: " + times);
        }
        Deque<Fault> queue = pending.computeIfAbsent(key, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.addLast(fault);
        }
    }

    /** Takes the next fault for this endpoint; faults queued for the exact key go first. */
    synchronized Fault next(String key) {
        Fault fault = poll(key);
        return fault != null ? fault : poll(ANY);
    }

    private Fault poll(String key) {
        Deque<Fault> queue = pending.get(key);
        if (queue == null) {
            return null;
        }
        Fault fault = queue.pollFirst();
        if (queue.isEmpty()) {
            pending.remove(key);
        }
        return fault;
    }

    /** Faults still queued, over all keys. */
    synchronized int pendingCount() {
        return pending.values().stream().mapToInt(Deque::size).sum();
    }

    boolean outage() {
        return outage;
    }

    void setOutage(boolean outage) {
        this.outage = outage;
    }

    Duration latency() {
        return latency;
    }

    void setLatency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        this.latency = latency;
    }

    synchronized void clear() {
        pending.clear();
        outage = false;
        latency = Duration.ZERO;
    }
}
