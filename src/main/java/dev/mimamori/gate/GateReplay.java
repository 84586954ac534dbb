package dev.mimamori.gate;

import dev.mimamori.datadog.MetricSeries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A check played offline on recorded bucket series: the looks the reconciler makes (the first once a candidate
 * bucket is complete, then one per bucket, the last when the verdict is due), each through
 * {@link GateAnalysis#evaluate} exactly as {@link ReleaseCheckStep} calls it. Used by the {@code judge} command and
 * the quality benchmark. Pure.
 */
public final class GateReplay {

    /** Any instant serves: {@link AnalysisWindows} puts the windows on bucket boundaries around it. */
    static final Instant ROLLOUT = Instant.parse("2026-01-01T00:00:00Z");

    private GateReplay() {}

    /**
     * One metric's recorded windows, oldest bucket first, NaN for a missing bucket; for a metric with request counts
     * ({@link ResolvedMetric#requestsTemplate()} set) the requests per bucket of each window, else null; and the
     * buckets before the baseline window, oldest first (empty when not recorded), for the dependence estimate only.
     */
    public record Recorded(
            ResolvedMetric metric,
            double[] baseline,
            double[] candidate,
            double[] baselineRequests,
            double[] candidateRequests,
            double[] history) {

        /** A metric without request counts or history. */
        public Recorded(ResolvedMetric metric, double[] baseline, double[] candidate) {
            this(metric, baseline, candidate, null, null, new double[0]);
        }
    }

    /**
     * The verdict and the look that reached it: {@code candidateBuckets} is how many candidate buckets were
     * complete then (the full window for a verdict at the due time).
     */
    public record Decision(
            Verdict verdict, boolean early, int candidateBuckets, List<MetricComparison.MetricResult> results) {}

    /**
     * Replays a check whose windows are as long as the longest recorded series; {@code settings.duration()} is
     * ignored for that reason. The baseline's last bucket is the last whole one before the rollout.
     */
    public static Decision replay(List<Recorded> metrics, AnalysisSettings settings) {
        int buckets = 0;
        for (Recorded r : metrics) {
            buckets = Math.max(buckets, Math.max(r.baseline().length, r.candidate().length));
        }
        AnalysisSettings fitted = new AnalysisSettings(
                settings.warmup(),
                settings.interval().multipliedBy(buckets),
                settings.interval(),
                settings.dataDelay(),
                settings.confidence(),
                settings.minSamples(),
                settings.deadline());
        AnalysisWindows windows = AnalysisWindows.of(ROLLOUT, fitted);
        List<ResolvedMetric> resolved = new ArrayList<>();
        List<MetricSeries> series = new ArrayList<>();
        long interval = fitted.interval().toMillis();
        for (Recorded r : metrics) {
            resolved.add(r.metric());
            double[] before = new double[r.history().length + r.baseline().length];
            System.arraycopy(r.history(), 0, before, 0, r.history().length);
            System.arraycopy(r.baseline(), 0, before, r.history().length, r.baseline().length);
            series.add(series(windows.baselineTo().toEpochMilli() - before.length * interval, interval, before));
            series.add(series(windows.candidateFrom().toEpochMilli(), interval, r.candidate()));
            if (r.metric().requestsTemplate() != null) {
                series.add(series(
                        windows.baselineTo().toEpochMilli() - r.baselineRequests().length * interval,
                        interval,
                        r.baselineRequests()));
                series.add(series(windows.candidateFrom().toEpochMilli(), interval, r.candidateRequests()));
            }
        }
        for (Instant now = windows.firstQueryAt(fitted);
                now.isBefore(windows.decideAt());
                now = now.plus(fitted.interval())) {
            GateAnalysis.Outcome look = GateAnalysis.evaluate(resolved, series, windows, fitted, now);
            if (look.verdict() != null) {
                return new Decision(
                        look.verdict(), look.early(), completeBuckets(windows, fitted, now), look.results());
            }
        }
        GateAnalysis.Outcome last = GateAnalysis.evaluate(resolved, series, windows, fitted, windows.decideAt());
        return new Decision(last.verdict(), false, buckets, last.results());
    }

    private static int completeBuckets(AnalysisWindows windows, AnalysisSettings s, Instant now) {
        long since = now.toEpochMilli()
                - s.dataDelay().toMillis()
                - windows.candidateFrom().toEpochMilli();
        return (int) (since / s.interval().toMillis());
    }

    private static MetricSeries series(long firstMs, long intervalMs, double[] values) {
        long[] times = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            times[i] = firstMs + i * intervalMs;
        }
        return new MetricSeries("replay", times, values.clone());
    }
}
