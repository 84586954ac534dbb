package dev.mimamori.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The operator's clock in tests: real time until a test moves it, so a 19-minute release check takes a second.
 * Static, because a restarted operator must see the same time.
 */
public final class MovableClock extends Clock {
    public static final MovableClock INSTANCE = new MovableClock();
    private volatile Duration offset = Duration.ZERO;

    private MovableClock() {}

    /** Makes "now" the given instant (time then runs on from there). */
    public void set(Instant instant) {
        offset = Duration.between(Instant.now(), instant);
    }

    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
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
