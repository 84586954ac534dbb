package dev.mimamori.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Replaces the operator's system clock with the {@link MovableClock} in @QuarkusTest runs. */
public class TestClockProducer {

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Clock clock() {
        return MovableClock.INSTANCE;
    }
}
