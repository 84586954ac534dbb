package dev.mimamori.gate;

import java.util.Objects;

/**
 * Keeps only the time buckets whose data can be trusted to be complete.
 *
 * <p>Metrics backends such as Datadog stamp each point with the <em>start</em> of its bucket and
 * keep adding late data to recent buckets for a while (30 s to 2 min for Datadog). A bucket that
 * is still filling reads low for counts and unstable for percentiles, so it is left out until its
 * end plus the lateness allowance has passed.
 */
public final class Buckets {

    private Buckets() {}

    /**
     * Points that were kept, in their original order. The arrays are fresh copies owned by the
     * caller (record equality on arrays is by reference).
     */
    public record Series(long[] timestampsMs, double[] values) {
        public int size() {
            return values.length;
        }
    }

    /**
     * Keeps the points whose bucket {@code [t, t + interval)} ended at least {@code lateness}
     * before {@code now}, i.e. {@code t + interval + lateness <= now}. Values, NaN included, are
     * passed through untouched.
     *
     * @param timestampsMs bucket start times, epoch milliseconds
     * @param values       value of each bucket, same length as {@code timestampsMs}
     * @param nowMs        current time, epoch milliseconds
     * @param intervalMs   bucket length, &gt; 0
     * @param latenessMs   how late data may still arrive, &gt;= 0
     */
    public static Series dropIncomplete(
            long[] timestampsMs, double[] values, long nowMs, long intervalMs, long latenessMs) {
        Objects.requireNonNull(timestampsMs, "timestampsMs");
        Objects.requireNonNull(values, "values");
        if (timestampsMs.length != values.length) {
            throw new IllegalArgumentException(
                    "timestamps and values differ in length: " + timestampsMs.length + " vs " + values.length);
        }
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + intervalMs);
        }
        if (latenessMs < 0) {
            throw new IllegalArgumentException("lateness must not be negative: " + latenessMs);
        }
        // Compare against the latest admissible start instead of adding to t, so no overflow.
        long latestStart = nowMs - intervalMs - latenessMs;
        int kept = 0;
        for (long t : timestampsMs) {
            if (t <= latestStart) {
                kept++;
            }
        }
        long[] keptTimes = new long[kept];
        double[] keptValues = new double[kept];
        int j = 0;
        for (int i = 0; i < timestampsMs.length; i++) {
            if (timestampsMs[i] <= latestStart) {
                keptTimes[j] = timestampsMs[i];
                keptValues[j] = values[i];
                j++;
            }
        }
        return new Series(keptTimes, keptValues);
    }
}
