package dev.mimamori.gate;

import dev.mimamori.api.MetricStatus;
import java.util.ArrayList;
import java.util.List;

/** Per-metric results as status.metrics shows them, rounded for people. Pure. */
final class MetricRows {

    private MetricRows() {}

    static List<MetricStatus> of(List<MetricComparison.MetricResult> results, List<ResolvedMetric> metrics) {
        List<MetricStatus> rows = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            MetricComparison.MetricResult r = results.get(i);
            MetricStatus m = new MetricStatus();
            m.name = metrics.get(i).name();
            m.baselineCount = r.baselineCount();
            m.candidateCount = r.candidateCount();
            m.baselineMean = round(r.baselineMean());
            m.candidateMean = round(r.candidateMean());
            m.baselineMedian = round(r.baselineMedian());
            m.candidateMedian = round(r.candidateMedian());
            m.changePercent = round(r.changePercent());
            m.pValue = r.pValue() == null ? null : Double.valueOf(String.format("%.4g", r.pValue()));
            m.verdict = r.verdict().name();
            m.reason = r.reason();
            rows.add(m);
        }
        return rows;
    }

    private static Double round(Double value) {
        return value == null || value.isNaN() || value.isInfinite() ? null : Math.round(value * 10000.0) / 10000.0;
    }
}
