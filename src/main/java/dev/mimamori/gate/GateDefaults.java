package dev.mimamori.gate;

import dev.mimamori.api.Direction;
import java.time.Duration;

/**
 * The gate's default settings, in one place. docs/gate.md explains each value with the figures
 * of {@code GateQualityBenchmark}; change them together with that table.
 */
public final class GateDefaults {

    private GateDefaults() {}

    /** Time after the rollout during which the candidate is not measured (cold caches, JIT). */
    public static final Duration WARMUP = Duration.ofMinutes(2);

    /** Length of the analysis window on each side; what 15 minutes can and cannot detect is in docs/gate.md. */
    public static final Duration DURATION = Duration.ofMinutes(15);

    /** Bucket (rollup) length of the series that are compared. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    /** Buckets in a full window on each side: DURATION / INTERVAL = 15. */
    public static final int BUCKETS_PER_SIDE = (int) (DURATION.toMillis() / INTERVAL.toMillis());

    /** How late Datadog data may still arrive; a bucket is used once its end is this far past. */
    public static final Duration DATA_LATENESS = Duration.ofMinutes(2);

    /**
     * How long after the verdict is due a check without data from Datadog keeps trying before it ends Inconclusive:
     * long enough to ride out a short outage or rate limiting, short enough that nobody waits on a stuck gate.
     */
    public static final Duration DEADLINE = Duration.ofMinutes(30);

    /** The longest deadline a spec may set. */
    public static final Duration MAX_DEADLINE = Duration.ofHours(24);

    /** Confidence of the one-sided test; alpha = 0.01. */
    public static final double CONFIDENCE = 0.99;

    /** Fewest points per side; up to seven of the fifteen buckets may be missing. */
    public static final int MIN_SAMPLES = 8;

    /** Allowed relative rise of p95 latency, percent. */
    public static final double LATENCY_MAX_REGRESSION_PERCENT = 10.0;

    /** A p95 latency change of at most this many milliseconds is ignored. */
    public static final double LATENCY_ABSOLUTE_FLOOR_MS = 2.0;

    /** Allowed relative rise of the error rate, percent. */
    public static final double ERROR_RATE_MAX_REGRESSION_PERCENT = 50.0;

    /**
     * An error-rate change of at most this much is ignored; error rate as a fraction of requests,
     * so 0.001 is 0.1 percentage point.
     */
    public static final double ERROR_RATE_ABSOLUTE_FLOOR = 0.001;

    /**
     * Windows of history before the baseline, queried only for the serial dependence estimate: 45 minutes at the
     * defaults, enough to tell independent minutes from dependent ones (GateQualityBenchmark), short enough to stay
     * within one traffic regime.
     */
    public static final int HISTORY_WINDOWS = 3;

    /** Early fail needs p below alpha divided by this. */
    public static final int EARLY_FAIL_ALPHA_DIVISOR = 10;

    /** Early fail needs a change of at least this many times the allowed regression. */
    public static final int EARLY_FAIL_CHANGE_MULTIPLE = 2;

    /** Criteria for p95 latency in milliseconds. */
    public static MetricComparison.GateCriteria latencyCriteria() {
        return new MetricComparison.GateCriteria(
                Direction.LowerIsBetter,
                LATENCY_MAX_REGRESSION_PERCENT,
                LATENCY_ABSOLUTE_FLOOR_MS,
                CONFIDENCE,
                MIN_SAMPLES);
    }

    /** Criteria for the error rate as a fraction of requests. */
    public static MetricComparison.GateCriteria errorRateCriteria() {
        return new MetricComparison.GateCriteria(
                Direction.LowerIsBetter,
                ERROR_RATE_MAX_REGRESSION_PERCENT,
                ERROR_RATE_ABSOLUTE_FLOOR,
                CONFIDENCE,
                MIN_SAMPLES);
    }
}
