package dev.mimamori.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mimamori.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One namespace's burst must not hold back the others: a namespace that asks while another's thousand resources are
 * queued gets its writes through within a window or two, not after the whole burst. Windows are counted on a clock
 * the test moves; each window, the burst's resources always ask first, the worst order for the others.
 */
class RateLimitFairnessTest {
    static final String CREATE = "POST /api/v1/monitor";
    static final int PERIOD = 10;

    private static final Instant START = Instant.parse("2026-12-04T10:00:01Z");
    final ManualClock clock = new ManualClock(START);
    final RateLimitBudget budget = new RateLimitBudget(clock);

    @Test
    void aOneResourceNamespaceIsServedInTheWindowAfterItAskedThoughAThousandResourcesAreQueuedAhead() {
        Datadog datadog = new Datadog(10);
        List<Resource> resources = new ArrayList<>(bulk(1000, 1));
        Resource small = new Resource("small", 3);
        resources.add(small);

        Map<String, Integer> done = run(datadog, resources, 200);

        // Window 0 went to whoever came first (the burst); from window 1 the small namespace has half of each window.
        assertThat(small.refusedIn).containsExactly(0);
        assertThat(done).containsEntry("small", 1);
        // Fairness costs the burst at most the share the small namespace left unused: 1,003 writes plus the two
        // calls of that share, 10 a window, end in window 100.
        assertThat(done.get("bulk")).isLessThanOrEqualTo(100);
        assertThat(datadog.refusals).as("no call was sent into a spent window").isZero();
    }

    @Test
    void aNamespaceThatNeedsMoreThanItsShareGetsItOverAsManyWindowsAsItsNeedTakesNotTheBurst() {
        Datadog datadog = new Datadog(10);
        List<Resource> resources = new ArrayList<>(bulk(1000, 1));
        Resource small = new Resource("small", 12);
        resources.add(small);

        Map<String, Integer> done = run(datadog, resources, 200);

        // Half of each window (5 calls) from window 1: 12 writes are done in window 3.
        assertThat(done).containsEntry("small", 3);
        assertThat(small.writesIn).containsExactly(Map.entry(1, 5), Map.entry(2, 5), Map.entry(3, 2));
    }

    @Test
    void namespacesOutnumberingAWindowsCallsTakeTurnsSoEachWaitsAtMostTheirNumberOfWindows() {
        Datadog datadog = new Datadog(2);
        List<Resource> resources = new ArrayList<>(bulk(1000, 1));
        for (int i = 0; i < 5; i++) {
            resources.add(new Resource("team-" + i, 1));
        }

        Map<String, Integer> done = run(datadog, resources, 600);

        // Six namespaces want calls, two calls a window: everyone is served within three windows of first asking.
        for (int i = 0; i < 5; i++) {
            assertThat(done.get("team-" + i)).as("team-%d", i).isLessThanOrEqualTo(3);
        }
        // Every share was used: 1,005 writes, two a window, end in window 502.
        assertThat(done.get("bulk")).isLessThanOrEqualTo(502);
    }

    @Test
    void aRefusalToLeaveOthersTheirShareSendsTheCallerToTheNextWindowAndNamesNoOtherNamespace() {
        Datadog datadog = new Datadog(4);
        List<Resource> resources = new ArrayList<>(bulk(10, 1));
        resources.add(new Resource("small", 3));
        window(datadog, resources, 0);
        toWindow(1);
        // Window 1: two calls each; the burst has used its two, and the small namespace has not come yet.
        budget.acquire(CREATE, "bulk");
        datadog.answer(budget, "bulk");
        budget.acquire(CREATE, "bulk");
        datadog.answer(budget, "bulk");

        assertThatThrownBy(() -> budget.acquire(CREATE, "bulk")).isInstanceOfSatisfying(DatadogException.class, e -> {
            assertThat(e.kind()).isEqualTo(DatadogException.Kind.RATE_LIMITED);
            assertThat(e.getMessage()).contains("kept for 1 other namespaces").doesNotContain("small");
            // The next window begins 9.25 s on (reset plus margin); jitter adds at most a fifth.
            assertThat(e.retryAfter()).isBetween(Duration.ofMillis(9250), Duration.ofMillis(11100));
        });
        budget.acquire(CREATE, "small");
    }

    @Test
    void withoutContentionCallsGoToWhoeverAsksAndNothingIsHeldBack() {
        Datadog datadog = new Datadog(10);
        List<Resource> resources = List.of(new Resource("a", 4), new Resource("b", 4));

        Map<String, Integer> done = run(datadog, resources, 5);

        assertThat(done).containsEntry("a", 0).containsEntry("b", 0);
    }

    /** Runs windows until every resource is done; for each namespace, the window in which its last write went out. */
    private Map<String, Integer> run(Datadog datadog, List<Resource> resources, int maxWindows) {
        for (int window = 0; window < maxWindows; window++) {
            toWindow(window);
            window(datadog, resources, window);
            if (resources.stream().allMatch(r -> r.left == 0)) {
                Map<String, Integer> done = new HashMap<>();
                resources.forEach(r -> r.writesIn.keySet().forEach(w -> done.merge(r.namespace, w, Math::max)));
                return done;
            }
        }
        throw new AssertionError("not done after " + maxWindows + " windows");
    }

    /** Every unfinished resource's reconcile, in list order: writes until done or refused, as ServiceSync does. */
    private void window(Datadog datadog, List<Resource> resources, int window) {
        for (Resource r : resources) {
            while (r.left > 0) {
                try {
                    budget.acquire(CREATE, r.namespace);
                } catch (DatadogException e) {
                    r.refusedIn.add(window);
                    break;
                }
                if (!datadog.answer(budget, r.namespace)) {
                    r.refusedIn.add(window);
                    break;
                }
                r.left--;
                r.writesIn.merge(window, 1, Integer::sum);
            }
        }
    }

    private static List<Resource> bulk(int count, int writes) {
        List<Resource> bulk = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bulk.add(new Resource("bulk", writes));
        }
        return bulk;
    }

    private static final class Resource {
        final String namespace;
        int left;
        final List<Integer> refusedIn = new ArrayList<>();
        final Map<Integer, Integer> writesIn = new LinkedHashMap<>();

        Resource(String namespace, int writes) {
            this.namespace = namespace;
            this.left = writes;
        }
    }

    /** Datadog's side of one named limit: calendar-aligned windows of {@code limit} calls, told in headers. */
    private final class Datadog {
        final int limit;
        long windowIndex = -1;
        int used;
        int refusals;

        Datadog(int limit) {
            this.limit = limit;
        }

        /** Answers one call; false when Datadog refuses it (429). */
        boolean answer(RateLimitBudget budget, String namespace) {
            long seconds = clock.instant().getEpochSecond();
            long index = seconds / PERIOD;
            if (index != windowIndex) {
                windowIndex = index;
                used = 0;
            }
            used++;
            boolean allowed = used <= limit;
            long reset = (index + 1) * PERIOD - seconds;
            Map<String, List<String>> headers = Map.of(
                    "X-RateLimit-Name", List.of("monitor_write"),
                    "X-RateLimit-Limit", List.of(String.valueOf(limit)),
                    "X-RateLimit-Period", List.of(String.valueOf(PERIOD)),
                    "X-RateLimit-Remaining", List.of(String.valueOf(Math.max(0, limit - used))),
                    "X-RateLimit-Reset", List.of(String.valueOf(reset)));
            if (!allowed) {
                refusals++;
            }
            budget.record(CREATE, namespace, allowed ? 200 : 429, headers);
            return allowed;
        }
    }

    /** Stands one second into the given window while the test works through it, so no window ends unnoticed. */
    private void toWindow(int window) {
        clock.advance(Duration.between(clock.instant(), START.plusSeconds((long) window * PERIOD)));
    }
}
