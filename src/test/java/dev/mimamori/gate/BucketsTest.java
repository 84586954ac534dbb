package dev.mimamori.gate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mimamori.gate.Buckets.Series;
import org.junit.jupiter.api.Test;

class BucketsTest {

    private static final long MINUTE = 60_000L;
    private static final long T0 = 1_700_000_000_000L; // not minute-aligned: alignment is not assumed

    @Test
    void dropsTrailingBucketsStillWithinTheLatenessAllowance() {
        // Buckets start at T0, T0+1m, ..., T0+4m. Now is T0+5m30s with 2m lateness:
        // a bucket is kept when start + 1m + 2m <= now, i.e. start <= T0+2m30s.
        long[] times = {T0, T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE};
        double[] values = {10, 11, 12, 13, 14};

        Series kept = Buckets.dropIncomplete(times, values, T0 + 5 * MINUTE + 30_000, MINUTE, 2 * MINUTE);

        assertArrayEquals(new long[] {T0, T0 + MINUTE, T0 + 2 * MINUTE}, kept.timestampsMs());
        assertArrayEquals(new double[] {10, 11, 12}, kept.values());
        assertEquals(3, kept.size());
    }

    @Test
    void bucketWhoseEndPlusLatenessIsExactlyNowIsKept() {
        long[] times = {T0, T0 + MINUTE};
        double[] values = {1, 2};

        Series kept = Buckets.dropIncomplete(times, values, T0 + 2 * MINUTE + 30_000, MINUTE, 30_000);

        assertArrayEquals(new double[] {1, 2}, kept.values());
    }

    @Test
    void oneMillisecondEarlierTheLastBucketIsDropped() {
        long[] times = {T0, T0 + MINUTE};
        double[] values = {1, 2};

        Series kept = Buckets.dropIncomplete(times, values, T0 + 2 * MINUTE + 30_000 - 1, MINUTE, 30_000);

        assertArrayEquals(new double[] {1}, kept.values());
    }

    @Test
    void withoutLatenessOnlyTheRunningBucketIsDropped() {
        long[] times = {T0, T0 + MINUTE, T0 + 2 * MINUTE};
        double[] values = {1, 2, 3};

        Series kept = Buckets.dropIncomplete(times, values, T0 + 2 * MINUTE + 10_000, MINUTE, 0);

        assertArrayEquals(new double[] {1, 2}, kept.values());
    }

    @Test
    void missingValuesArePassedThroughForTheComparisonToDrop() {
        long[] times = {T0, T0 + MINUTE, T0 + 2 * MINUTE};
        double[] values = {1, Double.NaN, 3};

        Series kept = Buckets.dropIncomplete(times, values, T0 + 10 * MINUTE, MINUTE, 2 * MINUTE);

        assertArrayEquals(new double[] {1, Double.NaN, 3}, kept.values());
    }

    @Test
    void everythingTooRecentLeavesNothing() {
        long[] times = {T0, T0 + MINUTE};
        double[] values = {1, 2};

        Series kept = Buckets.dropIncomplete(times, values, T0 + MINUTE, MINUTE, 2 * MINUTE);

        assertEquals(0, kept.size());
    }

    @Test
    void doesNotChangeTheInput() {
        long[] times = {T0, T0 + MINUTE};
        double[] values = {1, 2};

        Series kept = Buckets.dropIncomplete(times, values, T0 + 10 * MINUTE, MINUTE, 0);
        kept.values()[0] = 99;

        assertArrayEquals(new double[] {1, 2}, values);
    }

    @Test
    void rejectsInconsistentArguments() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Buckets.dropIncomplete(new long[] {T0}, new double[] {1, 2}, T0, MINUTE, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> Buckets.dropIncomplete(new long[] {T0}, new double[] {1}, T0, 0, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> Buckets.dropIncomplete(new long[] {T0}, new double[] {1}, T0, MINUTE, -1));
    }
}
