package dev.mimamori.gate;

import dev.mimamori.datadog.MetricSeries;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One analysis step, pure: series in, per-metric results and (maybe) a verdict out. Two series per metric, baseline
 * then candidate, as queried. Incomplete trailing buckets are dropped first.
 */
public final class GateAnalysis {

    private GateAnalysis() {
    }

    /** {@code verdict} is null while the check must keep measuring. */
    public record Outcome(List<MetricComparison.MetricResult> results, Verdict verdict, boolean early) {
    }

    public static Outcome evaluate(List<ResolvedMetric> metrics, List<MetricSeries> series, AnalysisWindows windows,
            AnalysisSettings settings, Instant now) {
        List<MetricComparison.MetricResult> results = new ArrayList<>();
        boolean beyondDoubt = false;
        for (int i = 0; i < metrics.size(); i++) {
            ResolvedMetric metric = metrics.get(i);
            double[] baseline = window(series.get(2 * i), windows.baselineFrom(), windows.baselineTo(), settings, now);
            double[] candidate = window(series.get(2 * i + 1), windows.candidateFrom(), windows.candidateTo(),
                    settings, now);
            MetricComparison.MetricResult result = MetricComparison.compare(metric.name(), baseline, candidate,
                    metric.criteria());
            results.add(result);
            beyondDoubt |= MetricComparison.regressedBeyondDoubt(result, metric.criteria());
        }
        if (!now.isBefore(windows.decideAt())) {
            return new Outcome(results, GateVerdicts.combineResults(results), false);
        }
        return new Outcome(results, beyondDoubt ? Verdict.Failed : null, beyondDoubt);
    }

    /** The complete buckets of a series that start inside [from, to). */
    static double[] window(MetricSeries series, Instant from, Instant to, AnalysisSettings settings, Instant now) {
        Buckets.Series complete = Buckets.dropIncomplete(series.times(), series.values(), now.toEpochMilli(),
                settings.interval().toMillis(), settings.dataDelay().toMillis());
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < complete.size(); i++) {
            long t = complete.timestampsMs()[i];
            if (t >= from.toEpochMilli() && t < to.toEpochMilli()) {
                values.add(complete.values()[i]);
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).toArray();
    }
}
