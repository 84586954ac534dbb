package dev.mimamori.bench;

import dev.mimamori.sim.DatadogSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the monitor writes reach the simulator (every 100 ms) and measures them against the simulated write limit:
 * the rate achieved from the first write to the last, how full each clock-aligned window was, and when the 429s came.
 */
final class WriteFlow implements AutoCloseable {
    static final Set<String> MONITOR_WRITES =
            Set.of(DatadogSimulator.CREATE_MONITOR, DatadogSimulator.UPDATE_MONITOR, DatadogSimulator.DELETE_MONITOR);

    private record Sample(long atMillis, long accepted, long refused) {}

    /**
     * What the flow achieved.
     *
     * @param accepted          monitor writes Datadog accepted
     * @param refused           monitor writes answered 429
     * @param refusedAfterFirstWindow 429s on monitor writes after the first window with writes (the steady flow)
     * @param flowSeconds       first accepted write to last (100 ms resolution)
     * @param ratePerSecond     accepted writes per second over that span
     * @param shareOfLimit      that rate over the limit's rate
     * @param fullWindows       windows wholly inside the span
     * @param meanWindowShare   mean of (writes in a full window / limit)
     * @param minWindowShare    the emptiest full window
     */
    record Figures(
            long accepted,
            long refused,
            long refusedAfterFirstWindow,
            double flowSeconds,
            double ratePerSecond,
            double shareOfLimit,
            int fullWindows,
            double meanWindowShare,
            double minWindowShare) {}

    private final DatadogSimulator datadog;
    private final int limit;
    private final long periodMillis;
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-write-flow");
        t.setDaemon(true);
        return t;
    });

    WriteFlow(DatadogSimulator datadog, int limit, int periodSeconds) {
        this.datadog = datadog;
        this.limit = limit;
        this.periodMillis = periodSeconds * 1000L;
        sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        Map<String, Integer> calls = datadog.callCounts();
        Map<String, Integer> refusals = datadog.rateLimitedCounts();
        long all = 0;
        long refused = 0;
        for (String key : MONITOR_WRITES) {
            all += calls.getOrDefault(key, 0);
            refused += refusals.getOrDefault(key, 0);
        }
        Sample sample = new Sample(System.currentTimeMillis(), all - refused, refused);
        synchronized (samples) {
            samples.add(sample);
        }
    }

    /** Millis since the epoch of the last change in accepted writes, or 0 before the first. */
    long lastWriteAtMillis() {
        synchronized (samples) {
            for (int i = samples.size() - 1; i > 0; i--) {
                if (samples.get(i).accepted() != samples.get(i - 1).accepted()) {
                    return samples.get(i).atMillis();
                }
            }
            return 0;
        }
    }

    Figures figures() {
        sample();
        List<Sample> all;
        synchronized (samples) {
            all = List.copyOf(samples);
        }
        Sample last = all.get(all.size() - 1);
        int first = -1;
        int end = -1;
        for (int i = 0; i < all.size(); i++) {
            if (first < 0 && all.get(i).accepted() > 0) {
                first = i;
            }
            if (end < 0 && all.get(i).accepted() == last.accepted() && last.accepted() > 0) {
                end = i;
            }
        }
        if (first < 0 || end <= first) {
            return new Figures(last.accepted(), last.refused(), last.refused(), 0, 0, 0, 0, 0, 0);
        }
        Sample from = all.get(first);
        Sample to = all.get(end);
        double seconds = (to.atMillis() - from.atMillis()) / 1000.0;
        double rate = (to.accepted() - from.accepted()) / seconds;
        double limitRate = limit * 1000.0 / periodMillis;
        long firstWindowEnd = (Math.floorDiv(from.atMillis(), periodMillis) + 1) * periodMillis;
        long refusedBefore = valueAt(all, firstWindowEnd).refused();
        int windows = 0;
        double sum = 0;
        double min = Double.MAX_VALUE;
        for (long start = firstWindowEnd; start + periodMillis <= to.atMillis(); start += periodMillis) {
            double share = (valueAt(all, start + periodMillis).accepted()
                            - valueAt(all, start).accepted())
                    / (double) limit;
            windows++;
            sum += share;
            min = Math.min(min, share);
        }
        return new Figures(
                last.accepted(),
                last.refused(),
                last.refused() - refusedBefore,
                seconds,
                rate,
                rate / limitRate,
                windows,
                windows == 0 ? 0 : sum / windows,
                windows == 0 ? 0 : min);
    }

    /** The first sample taken at or after the moment (the last one if none). */
    private static Sample valueAt(List<Sample> all, long atMillis) {
        for (Sample s : all) {
            if (s.atMillis() >= atMillis) {
                return s;
            }
        }
        return all.get(all.size() - 1);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
