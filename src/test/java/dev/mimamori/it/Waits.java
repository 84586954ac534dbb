package dev.mimamori.it;

import dev.mimamori.testing.OperatorProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for the operator process to get something done, failing with the end of its log when it does not. */
final class Waits {

    private Waits() {}

    static void until(OperatorProcess operator, Duration timeout, String what, BooleanSupplier condition) {
        until(operator, timeout, () -> what, condition);
    }

    /** {@code what} is asked only on failure, so it can describe the state that was not reached. */
    static void until(OperatorProcess operator, Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (operator != null && !operator.isAlive()) {
                throw new AssertionError("the operator stopped while waiting for: " + what.get()
                        + "\nits log ends with:\n" + operator.logTail(60));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for: " + what.get()
                        + (operator == null
                                ? ""
                                : "\noperator log (" + operator.log() + ") ends with:\n" + operator.logTail(60)));
            }
            sleep(Duration.ofMillis(200));
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
