package dev.mimamori.datadog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that only moves forward, at the pace of {@link System#nanoTime()}. Datadog's rate-limit windows are
 * durations ("resets in 7 s"), so the budget measures them on this clock: a wall clock stepped back by NTP, or a
 * test's clock moved back, would otherwise leave a window that seems to end far in the future and hold every call
 * until it does.
 */
final class MonotonicClock extends Clock {
    private final Instant origin = Instant.now();
    private final long originNanos = System.nanoTime();

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
