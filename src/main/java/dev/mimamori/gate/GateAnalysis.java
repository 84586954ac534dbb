package dev.mimamori.gate;

import dev.mimamori.datadog.MetricSeries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One analysis step, pure: series in, per-metric results and (maybe) a verdict out. Two series per metric (four with
 * request counts), baseline then candidate, as queried; the baseline's series reaches back over the history that the
 * dependence estimate reads. Incomplete trailing buckets are dropped first. The reconciler's step function and the
 * {@code judge} command both call {@link #evaluate}; nothing else decides a verdict.
 */
public final class GateAnalysis {

    private GateAnalysis() {}

    /**
     * {@code verdict} is null while the check must keep measuring. The series come per metric in the order of
     * {@link ReleaseCheckStep}'s queries: baseline, candidate, then for a metric with request counts the baseline's
     * and the candidate's counts.
     */
    public record Outcome(List<MetricComparison.MetricResult> results, Verdict verdict, boolean early) {}

    public static Outcome evaluate(
            List<ResolvedMetric> metrics,
            List<MetricSeries> series,
            AnalysisWindows windows,
            AnalysisSettings settings,
            Instant now) {
        List<MetricComparison.MetricResult> results = new ArrayList<>();
        boolean beyondDoubt = false;
        int next = 0;
        for (ResolvedMetric metric : metrics) {
            MetricComparison.GateCriteria criteria = perRelease(metric.criteria(), metrics.size());
            MetricSeries values = series.get(next++);
            double[] history = window(values, windows.historyFrom(), windows.baselineFrom(), settings, now);
            double[] baseline = window(values, windows.baselineFrom(), windows.baselineTo(), settings, now);
            double[] candidate =
                    window(series.get(next++), windows.candidateFrom(), windows.candidateTo(), settings, now);
            MetricComparison.RequestCounts requests = null;
            if (metric.requestsTemplate() != null) {
                requests = new MetricComparison.RequestCounts(
                        window(series.get(next++), windows.baselineFrom(), windows.baselineTo(), settings, now),
                        window(series.get(next++), windows.candidateFrom(), windows.candidateTo(), settings, now),
                        metric.queryTemplate().contains(".as_count()"),
                        Arrays.stream(history).anyMatch(Double::isFinite));
            }
            MetricComparison.MetricResult result = MetricComparison.compare(
                    metric.name(),
                    baseline,
                    candidate,
                    requests,
                    criteria,
                    SerialDependence.varianceInflation(history, baseline, candidate));
            results.add(result);
            beyondDoubt |= MetricComparison.regressedBeyondDoubt(result, criteria);
        }
        if (!now.isBefore(windows.decideAt())) {
            return new Outcome(results, GateVerdicts.combineResults(results), false);
        }
        return new Outcome(results, beyondDoubt ? Verdict.Failed : null, beyondDoubt);
    }

    /**
     * A metric's criteria with alpha split evenly over the metrics (Bonferroni): a release fails if any metric does,
     * so the confidence is a promise about the release, not about each metric.
     */
    static MetricComparison.GateCriteria perRelease(MetricComparison.GateCriteria c, int metricCount) {
        if (metricCount <= 1) {
            return c;
        }
        return new MetricComparison.GateCriteria(
                c.direction(),
                c.maxRegressionPercent(),
                c.absoluteFloor(),
                1.0 - c.alpha() / metricCount,
                c.minSamples());
    }

    /** The complete buckets of a series that start inside [from, to), in order; NaN where a bucket is missing. */
    static double[] window(MetricSeries series, Instant from, Instant to, AnalysisSettings settings, Instant now) {
        Buckets.Series complete = Buckets.dropIncomplete(
                series.times(),
                series.values(),
                now.toEpochMilli(),
                settings.interval().toMillis(),
                settings.dataDelay().toMillis());
        long interval = settings.interval().toMillis();
        long first = from.toEpochMilli();
        int slots = (int) Math.max(0, (to.toEpochMilli() - first + interval - 1) / interval);
        double[] values = new double[slots];
        Arrays.fill(values, Double.NaN);
        for (int i = 0; i < complete.size(); i++) {
            long t = complete.timestampsMs()[i];
            if (t >= first && t < to.toEpochMilli()) {
                int slot = (int) ((t - first) / interval);
                values[slot] = complete.values()[i];
            }
        }
        return values;
    }
}
