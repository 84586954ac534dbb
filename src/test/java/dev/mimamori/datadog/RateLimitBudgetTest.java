package dev.mimamori.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mimamori.testing.MovableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitBudgetTest {
    static final String CREATE = "POST /api/v1/monitor";
    static final String UPDATE = "PUT /api/v1/monitor/{id}";
    static final String NS = "shop";
    final MovableClock clock = MovableClock.INSTANCE;
    final RateLimitBudget budget = new RateLimitBudget(clock);

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static Map<String, List<String>> headers(String name, long limit, long remaining, long reset) {
        return Map.of(
                "x-ratelimit-name",
                List.of(name),
                "x-ratelimit-limit",
                List.of(String.valueOf(limit)),
                "x-ratelimit-remaining",
                List.of(String.valueOf(remaining)),
                "x-ratelimit-reset",
                List.of(String.valueOf(reset)),
                "x-ratelimit-period",
                List.of("10"));
    }

    @Test
    void callsAreTakenFromTheWindowBeforeTheyAreSentSoConcurrentWorkNeverOverrunsIt() {
        budget.acquire(CREATE, NS);
        budget.record(CREATE, NS, 200, headers("monitor_write", 5, 2, 8));
        budget.acquire(CREATE, NS);
        budget.acquire(CREATE, NS);
        // Two calls reserved and not yet answered: the window is spent for everyone, before Datadog refuses.
        assertThatThrownBy(() -> budget.acquire(CREATE, NS)).isInstanceOfSatisfying(DatadogException.class, e -> {
            assertThat(e.kind()).isEqualTo(DatadogException.Kind.RATE_LIMITED);
            assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        });
    }

    @Test
    void aSpentWindowDatedBeforeTheClockSteppedBackHoldsCallsForAPeriodNotUntilTheClockCatchesUp() {
        clock.set(java.time.Instant.now().plus(Duration.ofHours(1)));
        budget.acquire(CREATE, NS);
        budget.record(CREATE, NS, 200, headers("monitor_write", 5, 0, 8));

        clock.reset(); // an hour back, as NTP may step it
        // Still spent (no burst), but for at most one 10 s period, reset margin and jitter.
        assertThatThrownBy(() -> budget.acquire(CREATE, NS))
                .isInstanceOfSatisfying(
                        DatadogException.class,
                        e -> assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(16)));
        clock.set(java.time.Instant.now().plus(Duration.ofSeconds(11)));
        budget.acquire(CREATE, NS);
    }

    @Test
    void endpointsSharingALimitNameShareOneWindow() {
        budget.acquire(CREATE, NS);
        budget.record(CREATE, NS, 200, headers("monitor_write", 10, 0, 5));
        budget.acquire(UPDATE, NS);
        budget.record(UPDATE, NS, 200, headers("monitor_write", 10, 0, 5));
        assertThat(budget.limitName(UPDATE)).isEqualTo("monitor_write");
        assertThatThrownBy(() -> budget.acquire(CREATE, NS)).isInstanceOf(DatadogException.class);
        assertThatThrownBy(() -> budget.acquire(UPDATE, NS)).isInstanceOf(DatadogException.class);
        // Another limit is not affected.
        budget.acquire("GET /api/v1/monitor", NS);
    }

    @Test
    void theNextWindowAllowsTheWholeLimitAgain() {
        budget.acquire(CREATE, NS);
        budget.record(CREATE, NS, 200, headers("monitor_write", 3, 0, 2));
        assertThatThrownBy(() -> budget.acquire(CREATE, NS)).isInstanceOf(DatadogException.class);
        clock.set(clock.instant().plusSeconds(3));
        budget.acquire(CREATE, NS);
        budget.acquire(CREATE, NS);
        budget.acquire(CREATE, NS);
        assertThatThrownBy(() -> budget.acquire(CREATE, NS)).isInstanceOf(DatadogException.class);
    }

    @Test
    void answersFromTheNewWindowDoNotForgetCallsStillInFlight() {
        budget.acquire(CREATE, NS);
        budget.record(CREATE, NS, 200, headers("monitor_write", 4, 0, 2));
        clock.set(clock.instant().plusSeconds(3));
        budget.acquire(CREATE, NS);
        budget.acquire(CREATE, NS);
        // Datadog has counted only the first of the two so far (remaining 3); the second is still on its way.
        budget.record(CREATE, NS, 200, headers("monitor_write", 4, 3, 9));
        budget.acquire(CREATE, NS);
        budget.acquire(CREATE, NS);
        assertThatThrownBy(() -> budget.acquire(CREATE, NS)).isInstanceOf(DatadogException.class);
    }

    @Test
    void aShareItsNamespaceDoesNotComeBackForIsReleasedSoonAfterTheWindowOpensNotAtItsEnd() {
        Map<String, List<String>> minuteWindow = new java.util.HashMap<>(headers("slo_create", 2, 0, 2));
        minuteWindow.put("x-ratelimit-period", List.of("60"));
        budget.acquire(CREATE, "bulk");
        budget.record(CREATE, "bulk", 200, minuteWindow);
        // Both namespaces are refused in the spent window, so the next one keeps one call for each.
        assertThatThrownBy(() -> budget.acquire(CREATE, "deleted")).isInstanceOf(DatadogException.class);
        assertThatThrownBy(() -> budget.acquire(CREATE, "bulk")).isInstanceOf(DatadogException.class);
        clock.set(clock.instant().plusSeconds(3));
        budget.acquire(CREATE, "bulk");
        assertThatThrownBy(() -> budget.acquire(CREATE, "bulk"))
                .hasMessageContaining("kept for 1 other namespaces that waited first");
        // The other namespace's resource was deleted meanwhile: its call is not held for the rest of the minute.
        clock.set(clock.instant().plus(RateLimitBudget.SHARE_CLAIM_TIME));
        budget.acquire(CREATE, "bulk");
        assertThatThrownBy(() -> budget.acquire(CREATE, "bulk")).hasMessageContaining("is spent");
    }

    @Test
    void aRefusalWithoutHeadersBacksOffFromFiveSecondsDoubling() {
        Duration first = budget.record(CREATE, NS, 429, Map.of());
        assertThat(first).isBetween(Duration.ofSeconds(5), Duration.ofMillis(6000));
        clock.set(clock.instant().plus(first));
        budget.acquire(CREATE, NS);
        Duration second = budget.record(CREATE, NS, 429, Map.of());
        assertThat(second).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(12));
        clock.set(clock.instant().plus(second));
        budget.acquire(CREATE, NS);
        budget.record(CREATE, NS, 200, Map.of());
        // An answer resets the back-off.
        assertThat(budget.record(CREATE, NS, 429, Map.of())).isLessThan(Duration.ofSeconds(7));
    }

    @Test
    void everyRefusalIsWaitedOutToTheResetDatadogAnnouncedNotAWholePeriod() {
        budget.acquire(CREATE, NS);
        Duration first = budget.record(CREATE, NS, 429, headers("monitor_write", 5, 0, 2));
        assertThat(first).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2700));
        for (int refusal = 0; refusal < 3; refusal++) {
            clock.set(clock.instant().plus(first));
            // Our guess of the next window (a period on) is wrong: Datadog still refuses and says 2 s again.
            budget.acquire(CREATE, NS);
            Duration again = budget.record(CREATE, NS, 429, headers("monitor_write", 5, 0, 2));
            assertThat(again).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2700));
            int attempt = refusal;
            assertThatThrownBy(() -> budget.acquire(CREATE, NS))
                    .isInstanceOfSatisfying(
                            DatadogException.class,
                            e -> assertThat(e.retryAfter())
                                    .as("refusal %d", attempt)
                                    .isBetween(Duration.ofSeconds(2), Duration.ofMillis(2700)));
            first = again;
        }
    }

    @Test
    void aSecondCallWaitsForTheAnswerToTheFirstCallOfAnEndpointWhoseLimitIsNotKnownYet() {
        budget.acquire(CREATE, NS);
        assertThatThrownBy(() -> budget.acquire(CREATE, NS)).isInstanceOfSatisfying(DatadogException.class, e -> {
            assertThat(e.kind()).isEqualTo(DatadogException.Kind.RATE_LIMITED);
            assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1250));
        });
        // Other endpoints probe on their own.
        budget.acquire(UPDATE, NS);
        budget.record(CREATE, NS, 200, headers("monitor_write", 5, 4, 8));
        budget.acquire(CREATE, NS);
        budget.acquire(CREATE, NS);
    }

    @Test
    void aFirstCallThatGotNoAnswerLetsTheNextCallProbeAgain() {
        budget.acquire(CREATE, NS);
        budget.noAnswer(CREATE);
        budget.acquire(CREATE, NS);
        assertThatThrownBy(() -> budget.acquire(CREATE, NS)).isInstanceOf(DatadogException.class);
    }

    @Test
    void jitterSpreadsRescheduledWorkByAtMostAFifthAndFiveSeconds() {
        for (int i = 0; i < 200; i++) {
            assertThat(RateLimitBudget.withJitter(Duration.ofSeconds(30)))
                    .isBetween(Duration.ofSeconds(30), Duration.ofSeconds(35));
            assertThat(RateLimitBudget.withJitter(Duration.ofSeconds(1)))
                    .isBetween(Duration.ofSeconds(1), Duration.ofMillis(1250));
        }
    }
}
