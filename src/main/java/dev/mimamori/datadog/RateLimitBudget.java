package dev.mimamori.datadog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client-side limiter per Datadog rate limit, shared by every reconcile. Datadog names its limits
 * ({@code X-RateLimit-Name}); several endpoints may share one. Each answer's headers say how many calls the current
 * window allows and when it ends; every call made takes one from that count before it is sent, so concurrent
 * reconciles never overrun a window together. A spent window is waited out by rescheduling, with jitter so that the
 * waiting work does not return all at once, never by sleeping a reconcile thread. Each call is made on behalf of a
 * namespace, and a window's calls are shared fairly between the namespaces waiting for them ({@link FairShares}).
 */
public class RateLimitBudget {
    /** Without a reset header Datadog's windows are short: back off from this, doubling, up to a minute. */
    static final Duration UNKNOWN_RESET = Duration.ofSeconds(5);

    static final Duration MAX_UNKNOWN_RESET = Duration.ofMinutes(1);
    /** Reset headers are whole seconds; waiting a little past them keeps us out of the window that is ending. */
    static final Duration RESET_MARGIN = Duration.ofMillis(250);
    /** How soon a call held back behind an endpoint's first call looks again: that answer is usually back by then. */
    static final Duration FIRST_ANSWER_WAIT = Duration.ofSeconds(1);
    /**
     * How long after a window opens its fair shares are kept for the namespaces they are reserved for: refused work
     * comes back within the reset margin and jitter (at most five seconds) of the window's start.
     */
    static final Duration SHARE_CLAIM_TIME = Duration.ofSeconds(10);

    private final Clock clock;
    private final Map<String, String> limitOfEndpoint = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    /** Endpoints Datadog has answered at least once, so their limit's name and window are known. */
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    /** Endpoints whose first call is in flight: until it is answered, no other call to them is sent. */
    private final Set<String> probing = ConcurrentHashMap.newKeySet();

    /** What we know of one named limit; guarded by its own monitor. */
    private static final class Window {
        Long limit;
        Long period;
        Long remaining;
        Instant resetsAt;
        int headerlessRefusals;
        final FairShares shares = new FairShares();
    }

    public RateLimitBudget(Clock clock) {
        this.clock = clock;
    }

    /** The limit's name for an endpoint: learned from Datadog's answers, else the endpoint itself. */
    public String limitName(String endpoint) {
        return limitOfEndpoint.getOrDefault(endpoint, endpoint);
    }

    /**
     * Takes one call from the endpoint's window for a namespace. Throws RATE_LIMITED, without calling Datadog, while
     * the window is known to be spent or what is left of it is kept for namespaces that waited before this one, and
     * while the endpoint's first call is unanswered: its limit's name and window are unknown until then, and a second
     * call could land in a window the first one finds spent.
     */
    public void acquire(String endpoint, String namespace) {
        if (!answered.contains(endpoint) && !probing.add(endpoint)) {
            throw new DatadogException(
                    DatadogException.Kind.RATE_LIMITED,
                    "waiting for Datadog's first answer on " + endpoint + ", which tells its rate limit",
                    withJitter(FIRST_ANSWER_WAIT));
        }
        Window w = windows.computeIfAbsent(limitName(endpoint), k -> new Window());
        synchronized (w) {
            Instant now = clock.instant();
            limitToOnePeriod(w, now);
            if (w.resetsAt != null && !now.isBefore(w.resetsAt)) {
                // A new window: as many calls as the limit allows (unknown until Datadog has told us). Its end is
                // one period later, so the answers to the calls we make in it are recognised as of this window.
                Instant opened = w.resetsAt;
                w.remaining = w.limit;
                w.resetsAt = w.period == null || w.period <= 0 ? null : w.resetsAt.plusSeconds(w.period);
                while (w.resetsAt != null && !now.isBefore(w.resetsAt)) {
                    w.resetsAt = w.resetsAt.plusSeconds(w.period);
                }
                w.shares.newWindow(w.remaining, opened.plus(SHARE_CLAIM_TIME));
            }
            if (w.remaining == null) {
                return;
            }
            if (!w.shares.mayTake(namespace, w.remaining, now)) {
                w.shares.refused(namespace);
                Duration wait = w.resetsAt == null ? UNKNOWN_RESET : Duration.between(now, w.resetsAt);
                // Other namespaces are counted, never named: the message reaches this namespace's status.
                String why = w.remaining <= 0
                        ? " is spent"
                        : ": the rest of this window is kept for " + w.shares.othersHolding(namespace, now)
                                + " other namespaces that waited first";
                throw new DatadogException(
                        DatadogException.Kind.RATE_LIMITED,
                        "Datadog rate limit " + limitName(endpoint) + why + "; next window in "
                                + Math.max(1, wait.toSeconds()) + "s",
                        withJitter(wait));
            }
            w.remaining--;
            w.shares.took(namespace);
        }
    }

    /**
     * Reads the headers of any answer to a call made for a namespace; returns how long to wait when the window is
     * spent, else null.
     */
    public Duration record(String endpoint, String namespace, int status, Map<String, List<String>> headers) {
        answered.add(endpoint);
        probing.remove(endpoint);
        String name = text(headers, "X-RateLimit-Name");
        if (name != null && !name.isBlank()) {
            limitOfEndpoint.put(endpoint, name);
        }
        Long limit = number(headers, "X-RateLimit-Limit");
        Long period = number(headers, "X-RateLimit-Period");
        Long remaining = number(headers, "X-RateLimit-Remaining");
        Long reset = number(headers, "X-RateLimit-Reset");
        Window w = windows.computeIfAbsent(limitName(endpoint), k -> new Window());
        synchronized (w) {
            Instant now = clock.instant();
            limitToOnePeriod(w, now);
            if (limit != null) {
                w.limit = limit;
            }
            if (period != null) {
                w.period = period;
            }
            if (reset != null && status == 429) {
                // A refusal is the truth about the window that refused: it ends when Datadog says, whatever we thought.
                w.resetsAt = now.plusSeconds(Math.max(0, reset)).plus(RESET_MARGIN);
            } else if (reset != null) {
                Instant resetsAt = now.plusSeconds(Math.max(0, reset)).plus(RESET_MARGIN);
                if (w.resetsAt == null) {
                    // The first we hear of this limit: the header's count is the truth.
                    w.remaining = remaining;
                    w.resetsAt = resetsAt;
                } else if (resetsAt.isAfter(w.resetsAt.plusSeconds(1))) {
                    // A later window than ours: take it, less nothing we know of (our calls were counted before).
                    w.remaining = remaining;
                    w.resetsAt = resetsAt;
                    w.shares.newWindow(remaining, now.plus(SHARE_CLAIM_TIME));
                } else if (!resetsAt.isBefore(w.resetsAt.minusSeconds(1)) && remaining != null) {
                    // Our window: calls of ours still in flight are not in the header yet, so keep the lower count.
                    w.remaining = w.remaining == null ? remaining : Math.min(w.remaining, remaining);
                }
                // An answer from a window that has already ended (it was in flight) tells nothing about this one.
            } else if (remaining != null) {
                w.remaining = w.remaining == null ? remaining : Math.min(w.remaining, remaining);
            }
            if (status != 429) {
                w.headerlessRefusals = 0;
                return w.remaining != null && w.remaining <= 0 && w.resetsAt != null
                        ? withJitter(Duration.between(now, w.resetsAt))
                        : null;
            }
            w.remaining = 0L;
            w.shares.refused(namespace);
            if (reset == null) {
                // Refused without saying for how long: back off, doubling while it goes on.
                Duration wait = UNKNOWN_RESET.multipliedBy(1L << Math.min(4, w.headerlessRefusals++));
                w.resetsAt = now.plus(wait.compareTo(MAX_UNKNOWN_RESET) > 0 ? MAX_UNKNOWN_RESET : wait);
            }
            return withJitter(Duration.between(now, w.resetsAt));
        }
    }

    /**
     * No window ends later than a period (or the longest back-off) from now: one that does was dated by a clock since
     * stepped back (NTP). Kept, it would hold every call until the clock caught up, ignoring Datadog's answers as from
     * an ended window; it is cut to one period, and what is left of it is kept, so no burst follows either.
     */
    private static void limitToOnePeriod(Window w, Instant now) {
        if (w.resetsAt == null) {
            return;
        }
        // Without a known period, the longest a window we set can last is a header-less back-off.
        Duration period = w.period == null || w.period <= 0 ? MAX_UNKNOWN_RESET : Duration.ofSeconds(w.period);
        Duration longest = period.compareTo(MAX_UNKNOWN_RESET) > 0 ? period : MAX_UNKNOWN_RESET;
        if (w.resetsAt.isAfter(now.plus(longest).plus(RESET_MARGIN).plusSeconds(1))) {
            w.resetsAt = now.plus(period).plus(RESET_MARGIN);
        }
    }

    /** A call that got no answer at all (timeout, refused connection): the endpoint's next call may probe again. */
    public void noAnswer(String endpoint) {
        probing.remove(endpoint);
    }

    /** Up to a fifth more (at least a quarter second, at most five), so rescheduled work spreads over the window. */
    public static Duration withJitter(Duration wait) {
        Duration base = wait.isNegative() ? Duration.ZERO : wait;
        long spread = Math.min(5000, Math.max(250, base.toMillis() / 5));
        return base.plusMillis(ThreadLocalRandom.current().nextLong(spread + 1));
    }

    private static Long number(Map<String, List<String>> headers, String name) {
        String value = text(headers, name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException ignored) {
            return null;
        }
    }

    private static String text(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null
                    && e.getKey().equalsIgnoreCase(name)
                    && e.getValue() != null
                    && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
