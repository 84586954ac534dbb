package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.Direction;
import dev.mimamori.datadog.MetricSeries;
import java.time.Instant;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The pure analysis the step function calls: windows on bucket boundaries, and the error rate promised per release. */
class GateAnalysisTest {
    private static final long MINUTE = 60_000;
    private static final AnalysisSettings DEFAULTS = AnalysisSettings.of(new AnalysisSpec());

    @Test
    void aRolloutInsideAMinuteGetsWholeBucketsAndTheBaselineEndsBeforeIt() {
        Instant rollout = Instant.parse("2026-12-04T10:00:30Z");

        AnalysisWindows w = AnalysisWindows.of(rollout, DEFAULTS);

        assertThat(w.baselineTo()).isEqualTo("2026-12-04T10:00:00Z");
        assertThat(w.baselineFrom()).isEqualTo("2026-12-04T09:45:00Z");
        assertThat(w.candidateFrom()).isEqualTo("2026-12-04T10:03:00Z");
        assertThat(w.candidateTo()).isEqualTo("2026-12-04T10:18:00Z");
        assertThat(w.decideAt()).isEqualTo("2026-12-04T10:20:00Z");
    }

    @Test
    void theFinalVerdictUsesFifteenBucketsASideAndNoPostRolloutMinuteInTheBaseline() {
        Instant rollout = Instant.parse("2026-12-04T10:00:30Z");
        AnalysisWindows w = AnalysisWindows.of(rollout, DEFAULTS);
        // The bucket stamped 10:00 holds 30 s of the new version: marked by a value no other bucket has.
        MetricSeries everything = minutes(
                "2026-12-04T09:40:00Z",
                40,
                t -> t == Instant.parse("2026-12-04T10:00:00Z").toEpochMilli() ? 10_000 : 100 + (t / MINUTE) % 7);

        double[] baseline = GateAnalysis.window(everything, w.baselineFrom(), w.baselineTo(), DEFAULTS, w.decideAt());
        double[] candidate =
                GateAnalysis.window(everything, w.candidateFrom(), w.candidateTo(), DEFAULTS, w.decideAt());

        assertThat(baseline).hasSize(15).doesNotContain(10_000.0).doesNotContain(Double.NaN);
        assertThat(candidate).hasSize(15).doesNotContain(Double.NaN);
    }

    @Test
    void twoMetricsShareTheReleasesAlphaSoOneBorderlineMetricNoLongerFailsTheRelease() {
        // U = 170 of 225 without ties: exact p = 0.0082, below alpha 0.01 but not below 0.01 / 2 metrics.
        // Both windows alternate low and high, so they show no serial dependence and the exact test applies.
        double[] baseline = {100, 114, 101, 113, 102, 112, 103, 111, 104, 110, 105, 109, 106, 108, 107};
        double[] candidate = {
            104.5, 118.5, 105.5, 117.5, 106.5, 116.5, 107.5, 115.5, 108.5, 114.5, 109.5, 113.5, 110.5, 112.5, 111.5
        };
        ResolvedMetric latency = metric("p95 latency");
        ResolvedMetric errors = metric("error rate");
        MetricSeries steadyErrors = aligned(new double[] {1, 2, 1, 3, 2, 1, 2, 3, 1, 2, 3, 2, 1, 2, 1});

        GateAnalysis.Outcome alone = evaluate(List.of(latency), List.of(aligned(baseline), candidateOf(candidate)));
        GateAnalysis.Outcome together = evaluate(
                List.of(latency, errors),
                List.of(aligned(baseline), candidateOf(candidate), steadyErrors, candidateOf(new double[] {
                    1, 2, 1, 3, 2, 1, 2, 3, 1, 2, 3, 2, 1, 2, 1
                })));

        assertThat(alone.results().get(0).pValue()).isBetween(0.008, 0.0083);
        assertThat(alone.verdict()).isEqualTo(Verdict.Failed);
        assertThat(together.verdict()).isEqualTo(Verdict.Passed);
        assertThat(together.results().get(0).reason()).contains("not significant at 99.5% confidence");
    }

    private static final Instant ROLLOUT = Instant.parse("2026-12-04T10:00:00Z");
    private static final AnalysisWindows WINDOWS = AnalysisWindows.of(ROLLOUT, DEFAULTS);

    private static GateAnalysis.Outcome evaluate(List<ResolvedMetric> metrics, List<MetricSeries> series) {
        return GateAnalysis.evaluate(metrics, series, WINDOWS, DEFAULTS, WINDOWS.decideAt());
    }

    private static ResolvedMetric metric(String name) {
        return new ResolvedMetric(
                name, "q", new MetricComparison.GateCriteria(Direction.LowerIsBetter, 2, null, 0.99, 8));
    }

    private static MetricSeries aligned(double[] values) {
        return series(WINDOWS.baselineFrom(), values);
    }

    private static MetricSeries candidateOf(double[] values) {
        return series(WINDOWS.candidateFrom(), values);
    }

    private static MetricSeries series(Instant from, double[] values) {
        long[] times = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            times[i] = from.toEpochMilli() + i * MINUTE;
        }
        return new MetricSeries("q", times, values.clone());
    }

    private static MetricSeries minutes(String from, int count, LongToDoubleFunction value) {
        long start = Instant.parse(from).toEpochMilli();
        long[] times = new long[count];
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            times[i] = start + i * MINUTE;
            values[i] = value.applyAsDouble(times[i]);
        }
        return new MetricSeries("q", times, values);
    }
}
