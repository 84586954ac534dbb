package dev.mimamori.gate;

import dev.mimamori.api.Direction;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Decides whether one metric of a candidate release regressed against its baseline.
 *
 * <p>A metric <b>fails</b> only when all three hold:
 * <ol>
 *   <li>a one-sided Mann-Whitney test (for a share of requests with counts, {@link RateComparison}) says the
 *       candidate is worse (per {@link Direction}) with p &lt; alpha = 1 - confidence;</li>
 *   <li>the relative change (see {@link MetricResult#changePercent()}) is worse than
 *       {@code maxRegressionPercent};</li>
 *   <li>when an absolute floor is set, the absolute change in the worse direction exceeds it.</li>
 * </ol>
 * Fewer than {@code minSamples} points on either side gives <b>inconclusive</b>, whatever the
 * change looks like. Otherwise the metric <b>passes</b>: a significant but small change passes,
 * and so does a large change that is not significant.
 *
 * <p>Non-finite values (NaN marks a missing point) are dropped before anything else.
 * Pure functions, no I/O.
 */
public final class MetricComparison {

    private MetricComparison() {}

    /**
     * What a metric must satisfy.
     *
     * @param direction            which way is worse
     * @param maxRegressionPercent largest relative change in the worse direction that is allowed,
     *                             in percent (15 = 15%)
     * @param absoluteFloor        nullable; a change whose absolute size is not above this is
     *                             ignored, in the metric's own unit
     * @param confidence           confidence of the test, e.g. 0.99 gives alpha 0.01
     * @param minSamples           fewest points needed on each side, at least 1
     */
    public record GateCriteria(
            Direction direction, double maxRegressionPercent, Double absoluteFloor, double confidence, int minSamples) {
        public GateCriteria {
            Objects.requireNonNull(direction, "direction");
            if (!(maxRegressionPercent >= 0) || Double.isInfinite(maxRegressionPercent)) {
                throw new IllegalArgumentException(
                        "maxRegressionPercent must be a finite number >= 0: " + maxRegressionPercent);
            }
            if (absoluteFloor != null && (!(absoluteFloor >= 0) || absoluteFloor.isInfinite())) {
                throw new IllegalArgumentException("absoluteFloor must be a finite number >= 0: " + absoluteFloor);
            }
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
            }
            if (minSamples < 1) {
                throw new IllegalArgumentException("minSamples must be at least 1: " + minSamples);
            }
        }

        /** Significance level, 1 - confidence. */
        public double alpha() {
            return 1.0 - confidence;
        }
    }

    /**
     * Outcome for one metric. Statistics a side has no data for are null.
     *
     * @param verdict         Passed, Failed or Inconclusive
     * @param reason          one sentence for a person, e.g.
     *                        "p95 +38% (212 -> 293, p=0.0004) beyond the 15% allowed"
     * @param baselineCount   baseline points used, after dropping missing ones
     * @param candidateCount  candidate points used, after dropping missing ones
     * @param changePercent   relative change of the candidate median over the baseline median, in
     *                        percent; when the baseline median is 0 the means are compared instead
     *                        (a mostly-zero series such as errors per minute); with request counts the
     *                        per-request rates (events over requests) are compared. Null when a side is
     *                        empty, or when the baseline is 0 throughout and the candidate is not:
     *                        such a rise counts as beyond any allowed percentage, so only the
     *                        absolute floor can excuse it
     * @param pValue          one-sided p-value for "candidate is worse"; null when not computed
     *                        (too few samples)
     * @param conclusiveEarly true when the metric regressed beyond doubt (see
     *                        {@link #regressedBeyondDoubt}), so the gate may fail before its
     *                        analysis window ends
     * @param regressionPercent how much worse the candidate is, in percent of the better level:
     *                        the rise for LowerIsBetter, the fall judged as baseline/candidate for
     *                        HigherIsBetter (halving is +100%, a fall to 0 is infinite); negative
     *                        for an improvement; null when a side is empty
     * @param varianceInflation how much the test widened its null distribution for serial
     *                        dependence (1 = independent buckets, see {@link SerialDependence})
     */
    public record MetricResult(
            Verdict verdict,
            String reason,
            int baselineCount,
            int candidateCount,
            Double baselineMean,
            Double candidateMean,
            Double baselineMedian,
            Double candidateMedian,
            Double changePercent,
            Double pValue,
            boolean conclusiveEarly,
            Double regressionPercent,
            double varianceInflation) {}

    /** Same as {@link #compare(String, double[], double[], GateCriteria, double)}, no name, independent buckets. */
    public static MetricResult compare(double[] baseline, double[] candidate, GateCriteria criteria) {
        return compare(null, baseline, candidate, criteria, 1.0);
    }

    /** Same as {@link #compare(String, double[], double[], GateCriteria, double)} for independent buckets. */
    public static MetricResult compare(String metric, double[] baseline, double[] candidate, GateCriteria criteria) {
        return compare(metric, baseline, candidate, criteria, 1.0);
    }

    /**
     * Request counts per bucket behind a metric that is a share of requests (errors / hits), bucket by bucket with
     * the values; NaN where a count is missing.
     *
     * @param countedEvents the share's events are a count metric queried {@code .as_count()}, which has no point
     *                      where nothing was counted (Datadog's docs do not promise stored zeros), so a side whose
     *                      every counted minute lacks a value may simply have had no event, once something shows
     *                      that the query matches a series
     * @param seenBefore    the query had a value before the baseline window (the history the gate reads for serial
     *                      dependence): it matches a series even when neither window has a value
     */
    public record RequestCounts(double[] baseline, double[] candidate, boolean countedEvents, boolean seenBefore) {
        public RequestCounts {
            Objects.requireNonNull(baseline, "baseline requests");
            Objects.requireNonNull(candidate, "candidate requests");
        }

        /** Counts for a share whose missing values stay missing. */
        public RequestCounts(double[] baseline, double[] candidate) {
            this(baseline, candidate, false, false);
        }
    }

    /** Same as {@link #compare(String, double[], double[], RequestCounts, GateCriteria, double)} without counts. */
    public static MetricResult compare(
            String metric, double[] baseline, double[] candidate, GateCriteria criteria, double varianceInflation) {
        return compare(metric, baseline, candidate, null, criteria, varianceInflation);
    }

    /**
     * Compares candidate to baseline for one metric.
     *
     * @param metric    nullable name that starts the reason, e.g. "p95 latency"
     * @param baseline  values of the baseline (NaN for missing points)
     * @param candidate values of the candidate (NaN for missing points)
     * @param requests  nullable; with counts the metric is a share of requests and the sides' request-weighted
     *                  rates are compared ({@link RateComparison}); a bucket without a count is then missing
     * @param varianceInflation at least 1: by how much serial dependence widens the test's null
     *                  distribution ({@link SerialDependence#varianceInflation})
     */
    public static MetricResult compare(
            String metric,
            double[] baseline,
            double[] candidate,
            RequestCounts requests,
            GateCriteria criteria,
            double varianceInflation) {
        Objects.requireNonNull(criteria, "criteria");
        if (!(varianceInflation >= 1.0) || Double.isInfinite(varianceInflation)) {
            throw new IllegalArgumentException("varianceInflation must be finite and >= 1: " + varianceInflation);
        }
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(candidate, "candidate");
        if (requests != null
                && (requests.baseline().length != baseline.length || requests.candidate().length != candidate.length)) {
            throw new IllegalArgumentException("request counts must pair up with the values bucket by bucket: "
                    + baseline.length + "/" + requests.baseline().length + " baseline, " + candidate.length + "/"
                    + requests.candidate().length + " candidate");
        }
        boolean baselineSilent = requests != null && silentWhereCounted(baseline, requests.baseline());
        boolean candidateSilent = requests != null && silentWhereCounted(candidate, requests.candidate());
        if (requests != null && requests.countedEvents()) {
            // A value on the other side or before the baseline shows that the query matches a series: a side that
            // had requests and not one value had not one event.
            boolean seriesExists = requests.seenBefore()
                    || RateComparison.usableBuckets(baseline, requests.baseline()) > 0
                    || RateComparison.usableBuckets(candidate, requests.candidate()) > 0;
            if (seriesExists && baselineSilent) {
                baseline = noEventsWhereCounted(baseline, requests.baseline());
            }
            if (seriesExists && candidateSilent) {
                candidate = noEventsWhereCounted(candidate, requests.candidate());
            }
            baselineSilent &= !seriesExists;
            candidateSilent &= !seriesExists;
        }
        double[] b = requests == null ? finiteValues(baseline) : counted(baseline, requests.baseline());
        double[] c = requests == null ? finiteValues(candidate) : counted(candidate, requests.candidate());
        String label = metric == null || metric.isBlank() ? "" : metric.trim() + " ";
        int min = criteria.minSamples();

        if (b.length == 0 || c.length == 0) {
            String reason = (label.isEmpty() ? "" : label.trim() + ": ") + "no data to compare: " + b.length
                    + " baseline and " + c.length + " candidate points, at least " + min + " needed on each side";
            if (baselineSilent && candidateSilent) {
                reason += "; both versions had requests but no value in any minute, nor had the time before the"
                        + " baseline: the query matches no series (a misspelled metric or tag?), or there was not a"
                        + " single event";
            }
            return new MetricResult(
                    Verdict.Inconclusive,
                    reason,
                    b.length,
                    c.length,
                    mean(b),
                    mean(c),
                    median(b),
                    median(c),
                    null,
                    null,
                    false,
                    null,
                    varianceInflation);
        }

        double baseMean = mean(b);
        double candMean = mean(c);
        double baseMedian = median(b);
        double candMedian = median(c);
        boolean lowerIsBetter = criteria.direction() == Direction.LowerIsBetter;
        RateComparison.Result rates = requests == null
                ? null
                : RateComparison.test(
                        baseline,
                        requests.baseline(),
                        candidate,
                        requests.candidate(),
                        lowerIsBetter,
                        varianceInflation);
        // A median of 0 (say errors per minute, mostly zero) cannot carry a relative change,
        // so the means are compared instead.
        boolean byMean = rates == null && baseMedian == 0.0;
        double baseLevel = rates != null ? rates.baselineRate() : byMean ? baseMean : baseMedian;
        double candLevel = rates != null ? rates.candidateRate() : byMean ? candMean : candMedian;
        double delta = candLevel - baseLevel;
        Double changePercent = null;
        if (baseLevel != 0.0) {
            changePercent = delta / Math.abs(baseLevel) * 100.0;
        } else if (delta == 0.0) {
            changePercent = 0.0;
        }
        double worseDelta = lowerIsBetter ? delta : -delta;
        double worsePercent = regressionPercent(baseLevel, candLevel, changePercent, worseDelta, lowerIsBetter);

        String levels = (rates != null ? "per request " : byMean ? "mean " : "") + number(baseLevel) + " -> "
                + number(candLevel);
        String change = label + changeText(changePercent, delta);

        String tooFew = null;
        if (b.length < min || c.length < min) {
            tooFew = change + " (" + levels + ") but only " + b.length + " baseline and " + c.length
                    + " candidate points, at least " + min + " needed on each side";
        } else if (rates == null) {
            // Counts of events reach any significance given events enough; the bucket count limits only the rank test.
            double smallestP = MannWhitney.smallestPValue(b.length, c.length, varianceInflation);
            if (smallestP >= criteria.alpha()) {
                // Even a candidate worse than every baseline point could not be significant: silence is not a pass.
                tooFew = change + " (" + levels + ") but " + b.length + " baseline and " + c.length
                        + " candidate points cannot reach p < " + number(criteria.alpha())
                        + " (the smallest possible p is " + number(smallestP) + ")";
            }
        }
        if (tooFew != null) {
            return new MetricResult(
                    Verdict.Inconclusive,
                    tooFew,
                    b.length,
                    c.length,
                    baseMean,
                    candMean,
                    baseMedian,
                    candMedian,
                    changePercent,
                    null,
                    false,
                    worsePercent,
                    varianceInflation);
        }

        MannWhitney.Alternative worse = lowerIsBetter ? MannWhitney.Alternative.GREATER : MannWhitney.Alternative.LESS;
        double p = rates != null
                ? rates.pValue()
                : MannWhitney.test(b, c, worse, varianceInflation).pValue();
        boolean significant = p < criteria.alpha();
        boolean beyondAllowed = worsePercent > criteria.maxRegressionPercent();
        boolean aboveFloor = criteria.absoluteFloor() == null || worseDelta > criteria.absoluteFloor();

        String head = change + " (" + levels + ", " + pText(p) + ") ";
        String allowed = number(criteria.maxRegressionPercent()) + "% allowed";
        if (!lowerIsBetter && worseDelta > 0) {
            // A fall is judged as baseline/candidate; say so, or "-67% beyond the 100% allowed" reads wrong.
            head += "baseline/candidate "
                    + (Double.isInfinite(worsePercent) ? "unbounded" : changeText(worsePercent, worseDelta)) + ", ";
        }
        Verdict verdict;
        String reason;
        if (significant && beyondAllowed && aboveFloor) {
            verdict = Verdict.Failed;
            reason = head + "beyond the " + allowed;
        } else {
            verdict = Verdict.Passed;
            if (worseDelta <= 0) {
                reason = head + "no regression";
            } else if (!significant) {
                reason = head + "not significant at " + number(criteria.confidence() * 100) + "% confidence";
            } else if (!beyondAllowed) {
                reason = head + "within the " + allowed;
            } else {
                reason = head + "but the change of " + number(Math.abs(delta)) + " is within the absolute floor of "
                        + number(criteria.absoluteFloor());
            }
        }
        MetricResult result = new MetricResult(
                verdict,
                reason,
                b.length,
                c.length,
                baseMean,
                candMean,
                baseMedian,
                candMedian,
                changePercent,
                p,
                false,
                worsePercent,
                varianceInflation);
        if (regressedBeyondDoubt(result, criteria)) {
            result = new MetricResult(
                    verdict,
                    reason + "; regressed beyond doubt",
                    b.length,
                    c.length,
                    baseMean,
                    candMean,
                    baseMedian,
                    candMedian,
                    changePercent,
                    p,
                    true,
                    worsePercent,
                    varianceInflation);
        }
        return result;
    }

    /**
     * Whether a result is strong enough to fail the gate before the analysis window ends: it
     * failed (so both sides have at least minSamples points and the floor is exceeded), its
     * p-value is below alpha / {@value GateDefaults#EARLY_FAIL_ALPHA_DIVISOR}, and its change is
     * at least {@value GateDefaults#EARLY_FAIL_CHANGE_MULTIPLE} times the allowed regression.
     * The stricter alpha keeps repeated looks during the window from adding false fails; the
     * larger change keeps an early stop to regressions nobody would argue about.
     */
    public static boolean regressedBeyondDoubt(MetricResult result, GateCriteria criteria) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(criteria, "criteria");
        if (result.verdict() != Verdict.Failed || result.pValue() == null) {
            return false;
        }
        if (result.baselineCount() < criteria.minSamples() || result.candidateCount() < criteria.minSamples()) {
            return false;
        }
        double worsePercent = result.regressionPercent();
        return result.pValue() < criteria.alpha() / GateDefaults.EARLY_FAIL_ALPHA_DIVISOR
                && worsePercent >= GateDefaults.EARLY_FAIL_CHANGE_MULTIPLE * criteria.maxRegressionPercent();
    }

    /**
     * The regression on a ratio scale, the same both ways: worse/better - 1. For HigherIsBetter a fall is judged as
     * baseline/candidate, so a fall to half is +100% and a fall to 0 is unbounded, and any allowance can be exceeded.
     */
    private static double regressionPercent(
            double baseLevel, double candLevel, Double changePercent, double worseDelta, boolean lowerIsBetter) {
        if (changePercent == null) {
            return worseDelta > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        if (lowerIsBetter || baseLevel <= 0) {
            return lowerIsBetter ? changePercent : -changePercent;
        }
        if (candLevel <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return (baseLevel / candLevel - 1.0) * 100.0;
    }

    /**
     * Whether a side had requests in some bucket but a value in none of them. Inside {@code errors / hits} Datadog
     * aligns a count's missing minute to 0 when the other operand has a point, so this is a window without one point
     * of the events' series: a version without one error (or one that fixed them all), or a query that matches no
     * series at all. Only the other side's values tell the two apart.
     */
    private static boolean silentWhereCounted(double[] values, double[] requests) {
        return Arrays.stream(requests).anyMatch(MetricComparison::counted)
                && RateComparison.usableBuckets(values, requests) == 0;
    }

    /** A bucket's request count that makes its value count. */
    private static boolean counted(double requests) {
        return Double.isFinite(requests) && requests > 0;
    }

    /** 0 events in every bucket with requests; the rest as it was. */
    private static double[] noEventsWhereCounted(double[] values, double[] requests) {
        double[] zeros = values.clone();
        for (int i = 0; i < zeros.length; i++) {
            if (counted(requests[i])) {
                zeros[i] = 0.0;
            }
        }
        return zeros;
    }

    /** The values of the buckets that have both a finite value and a positive request count. */
    private static double[] counted(double[] values, double[] requests) {
        return java.util.stream.IntStream.range(0, values.length)
                .filter(i -> Double.isFinite(values[i]) && counted(requests[i]))
                .mapToDouble(i -> values[i])
                .toArray();
    }

    private static double[] finiteValues(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }

    private static Double mean(double[] values) {
        if (values.length == 0) {
            return null;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static Double median(double[] values) {
        if (values.length == 0) {
            return null;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    private static String changeText(Double changePercent, double delta) {
        if (changePercent == null) {
            return delta > 0 ? "up from 0" : "down from 0";
        }
        double pct = changePercent;
        String format = Math.abs(pct) < 9.95 ? "%+.1f%%" : "%+.0f%%";
        return String.format(Locale.ROOT, format, pct);
    }

    private static String pText(double p) {
        if (p < 0.0001) {
            return "p<0.0001";
        }
        return "p="
                + new BigDecimal(String.format(Locale.ROOT, "%.4f", p))
                        .stripTrailingZeros()
                        .toPlainString();
    }

    /** Three significant digits below 100, whole numbers above; enough for a sentence. */
    static String number(double v) {
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
