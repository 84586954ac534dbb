package dev.mimamori.datadog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers what Datadog's X-RateLimit headers said per endpoint, so that a spent window is waited out by rescheduling
 * instead of by calling again (and being refused) or by sleeping a reconcile thread.
 */
public class RateLimitBudget {
    private final Clock clock;
    private final Map<String, Instant> spentUntil = new ConcurrentHashMap<>();

    public RateLimitBudget(Clock clock) {
        this.clock = clock;
    }

    /** Throws RATE_LIMITED, without calling Datadog, while the endpoint's window is known to be spent. */
    public void checkAvailable(String endpoint) {
        Instant until = spentUntil.get(endpoint);
        if (until == null) {
            return;
        }
        Duration wait = Duration.between(clock.instant(), until);
        if (wait.isNegative() || wait.isZero()) {
            spentUntil.remove(endpoint, until);
            return;
        }
        throw new DatadogException(DatadogException.Kind.RATE_LIMITED,
                "Datadog rate limit for " + endpoint + " is spent; next window in " + wait.toSeconds() + "s", wait);
    }

    /** Reads the headers of any answer; returns how long to wait when the window is spent, else null. */
    public Duration record(String endpoint, int status, Map<String, List<String>> headers) {
        Long remaining = header(headers, "X-RateLimit-Remaining");
        Long reset = header(headers, "X-RateLimit-Reset");
        boolean spent = status == 429 || (remaining != null && remaining <= 0);
        if (!spent) {
            return null;
        }
        // Without a reset header Datadog's windows are short; a few seconds is a safe guess.
        Duration wait = Duration.ofSeconds(reset == null ? 5 : Math.max(1, reset));
        spentUntil.put(endpoint, clock.instant().plus(wait));
        return wait;
    }

    private static Long header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null
                    && !e.getValue().isEmpty()) {
                try {
                    return Long.parseLong(e.getValue().get(0).trim());
                } catch (NumberFormatException ignored) {
                    return null;
                }
            }
        }
        return null;
    }
}
