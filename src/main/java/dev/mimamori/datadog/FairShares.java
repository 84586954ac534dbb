package dev.mimamori.datadog;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Shares the calls of one rate-limit window between the namespaces that wait for them, so that a namespace's burst
 * delays the others by a share of a window, not by the whole burst. A namespace refused in a window joins a queue;
 * each new window reserves an equal share of its calls for the queue's first namespaces (as many as there are calls),
 * and a namespace served that still wants more goes to the back: a round robin over windows. Calls nobody has reserved
 * go to whoever asks first, so when there is no contention nothing changes. A share not claimed soon after the window
 * opens is released: the namespaces refused come back within a few seconds of the reset (the budget's jitter), and one
 * that does not (its resource was deleted, its work is done) must not hold calls for the rest of a long window. Not
 * thread-safe: the window's monitor guards it.
 */
final class FairShares {
    /** Namespaces refused and not yet given a share, first refused first. */
    private final Set<String> queue = new LinkedHashSet<>();

    private final Set<String> refusedThisWindow = new LinkedHashSet<>();
    private final Map<String, Long> reserved = new HashMap<>();
    private final Map<String, Long> used = new HashMap<>();
    /** Until when the window's shares are kept for their namespaces; after it, unused calls go to anyone. */
    private Instant keptUntil = Instant.MIN;

    /**
     * A window of {@code calls} calls begins (null or 0: unknown or none, nothing can be reserved); its shares are kept
     * until {@code keptUntil}.
     */
    void newWindow(Long calls, Instant keptUntil) {
        this.keptUntil = keptUntil;
        // Those given a share leave the queue; if they were refused again they rejoin at its back.
        queue.removeAll(reserved.keySet());
        queue.addAll(refusedThisWindow);
        refusedThisWindow.clear();
        reserved.clear();
        used.clear();
        if (calls == null || calls <= 0 || queue.isEmpty()) {
            return;
        }
        long served = Math.min(queue.size(), calls);
        long share = calls / served;
        Iterator<String> first = queue.iterator();
        for (long i = 0; i < served; i++) {
            reserved.put(first.next(), share);
        }
    }

    /** Whether a call of this namespace may take one of the window's {@code remaining} calls. */
    boolean mayTake(String namespace, long remaining, Instant now) {
        if (remaining <= 0) {
            return false;
        }
        return unused(namespace) > 0 || remaining > heldForOthers(namespace, now);
    }

    void took(String namespace) {
        used.merge(namespace, 1L, Long::sum);
    }

    void refused(String namespace) {
        refusedThisWindow.add(namespace);
    }

    /** How many other namespaces the window's unused calls are kept for. */
    long othersHolding(String namespace, Instant now) {
        if (!now.isBefore(keptUntil)) {
            return 0;
        }
        return reserved.keySet().stream()
                .filter(n -> !n.equals(namespace) && unused(n) > 0)
                .count();
    }

    private long heldForOthers(String namespace, Instant now) {
        if (!now.isBefore(keptUntil)) {
            return 0;
        }
        long held = 0;
        for (String n : reserved.keySet()) {
            if (!n.equals(namespace)) {
                held += unused(n);
            }
        }
        return held;
    }

    private long unused(String namespace) {
        return Math.max(0, reserved.getOrDefault(namespace, 0L) - used.getOrDefault(namespace, 0L));
    }
}
