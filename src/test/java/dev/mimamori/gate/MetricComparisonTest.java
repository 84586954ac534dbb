package dev.mimamori.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mimamori.api.Direction;
import dev.mimamori.gate.MetricComparison.GateCriteria;
import dev.mimamori.gate.MetricComparison.MetricResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricComparisonTest {

    /** p95 latency: 15% allowed, no floor, 99% confidence, 8 points a side. */
    private static final GateCriteria LATENCY = new GateCriteria(Direction.LowerIsBetter, 15, null, 0.99, 8);

    /** n evenly spaced values from start: distinct, so the exact test applies. */
    private static double[] series(double start, double step, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = start + i * step;
        }
        return values;
    }

    @Test
    void clearRegressionBeyondTheAllowanceFails() {
        // 200..218 vs 290..308: every candidate above every baseline, exact p = 1/C(20,10).
        MetricResult result = MetricComparison.compare("p95 latency", series(200, 2, 10), series(290, 2, 10), LATENCY);

        assertEquals(Verdict.Failed, result.verdict());
        assertEquals(
                "p95 latency +43% (209 -> 299, p<0.0001) beyond the 15% allowed; regressed beyond doubt",
                result.reason());
        assertEquals(1.0 / 184756, result.pValue(), 1e-12);
        assertEquals((299.0 - 209.0) / 209.0 * 100, result.changePercent(), 1e-9);
        assertEquals(10, result.baselineCount());
        assertEquals(10, result.candidateCount());
        assertEquals(209.0, result.baselineMedian());
        assertEquals(299.0, result.candidateMedian());
        assertEquals(209.0, result.baselineMean());
        assertEquals(299.0, result.candidateMean());
    }

    @Test
    void significantButSmallChangePasses() {
        // +7.3%: as certain as the previous case, but within the 15% allowed.
        MetricResult result = MetricComparison.compare("p95 latency", series(200, 1, 10), series(215, 1, 10), LATENCY);

        assertEquals(Verdict.Passed, result.verdict());
        assertTrue(result.pValue() < LATENCY.alpha());
        assertTrue(result.reason().endsWith("within the 15% allowed"), result.reason());
    }

    @Test
    void tooFewSamplesIsInconclusiveEvenForAHugeChange() {
        MetricResult result = MetricComparison.compare("p95 latency", series(200, 1, 10), series(400, 1, 5), LATENCY);

        assertEquals(Verdict.Inconclusive, result.verdict());
        assertNull(result.pValue());
        assertEquals(5, result.candidateCount());
        assertEquals(
                "p95 latency +97% (205 -> 402) but only 10 baseline and 5 candidate points, "
                        + "at least 8 needed on each side",
                result.reason());
    }

    @Test
    void tooFewBaselineSamplesIsInconclusiveToo() {
        MetricResult result = MetricComparison.compare(series(200, 1, 7), series(200, 1, 10), LATENCY);
        assertEquals(Verdict.Inconclusive, result.verdict());
    }

    @Test
    void noDataOnASideIsInconclusive() {
        MetricResult result = MetricComparison.compare("p95 latency", series(200, 1, 10), new double[0], LATENCY);

        assertEquals(Verdict.Inconclusive, result.verdict());
        assertNull(result.candidateMedian());
        assertNull(result.changePercent());
        assertEquals(
                "p95 latency: no data to compare: 10 baseline and 0 candidate points, at least 8 needed on each side",
                result.reason());
    }

    @Test
    void largeChangeThatIsNotSignificantPassesWithEnoughSamples() {
        // Two traffic modes on each side; the candidate median lands in the upper one (+35%)
        // but the samples overlap: U = 60 of 100, exact p = 0.24.
        double[] baseline = {100, 101, 102, 103, 104, 200, 201, 202, 203, 204};
        double[] candidate = {95, 96, 97, 98, 205, 206, 207, 208, 209, 210};

        MetricResult result = MetricComparison.compare(baseline, candidate, LATENCY);

        assertTrue(result.changePercent() > 15, "looks like a large regression");
        assertTrue(result.pValue() > LATENCY.alpha());
        assertEquals(Verdict.Passed, result.verdict());
        assertTrue(result.reason().endsWith("not significant at 99% confidence"), result.reason());
    }

    @Test
    void sameLargeButNotSignificantChangeWithFewSamplesIsInconclusive() {
        double[] baseline = {100, 101, 102, 200, 201, 202};
        double[] candidate = {95, 96, 205, 206, 207, 208};

        MetricResult result = MetricComparison.compare(baseline, candidate, LATENCY);

        assertEquals(Verdict.Inconclusive, result.verdict());
    }

    @Test
    void higherIsBetterFailsOnADropAndPassesOnARise() {
        GateCriteria throughput = new GateCriteria(Direction.HigherIsBetter, 15, null, 0.99, 8);

        MetricResult drop = MetricComparison.compare("throughput", series(1000, 1, 10), series(700, 1, 10), throughput);
        MetricResult rise =
                MetricComparison.compare("throughput", series(1000, 1, 10), series(1300, 1, 10), throughput);

        assertEquals(Verdict.Failed, drop.verdict());
        assertTrue(drop.changePercent() < -15);
        assertEquals(Verdict.Passed, rise.verdict());
        assertTrue(rise.reason().endsWith("no regression"), rise.reason());
    }

    @Test
    void higherIsBetterIsJudgedOnTheRatioSoAFallToZeroFailsWhateverTheAllowance() {
        // 100% allowed: on a linear scale a fall can never exceed -100%, so nothing could ever fail.
        GateCriteria throughput = new GateCriteria(Direction.HigherIsBetter, 100, null, 0.99, 8);

        MetricResult toZero = MetricComparison.compare("throughput", series(941, 1, 10), new double[10], throughput);
        MetricResult toAThird =
                MetricComparison.compare("throughput", series(900, 1, 10), series(300, 1, 10), throughput);
        MetricResult toThreeQuarters =
                MetricComparison.compare("throughput", series(900, 1, 10), series(675, 1, 10), throughput);

        assertEquals(Verdict.Failed, toZero.verdict(), toZero.reason());
        assertEquals(Double.POSITIVE_INFINITY, toZero.regressionPercent());
        assertEquals(Verdict.Failed, toAThird.verdict(), toAThird.reason());
        assertEquals(197.0, toAThird.regressionPercent(), 0.1);
        assertEquals(Verdict.Passed, toThreeQuarters.verdict(), toThreeQuarters.reason());
        assertTrue(toThreeQuarters.reason().contains("within the 100% allowed"), toThreeQuarters.reason());
    }

    @Test
    void aRiseAndAFallOfTheSameFactorAreTheSameRegression() {
        GateCriteria latency = new GateCriteria(Direction.LowerIsBetter, 10, null, 0.99, 8);
        GateCriteria throughput = new GateCriteria(Direction.HigherIsBetter, 10, null, 0.99, 8);

        MetricResult slower = MetricComparison.compare(series(100, 0.1, 10), series(125, 0.125, 10), latency);
        MetricResult fewer = MetricComparison.compare(series(125, 0.125, 10), series(100, 0.1, 10), throughput);

        assertEquals(slower.regressionPercent(), fewer.regressionPercent(), 1e-9);
        assertEquals(Verdict.Failed, fewer.verdict());
    }

    @Test
    void tooFewPointsToEverBeSignificantAreInconclusiveNeverPassed() {
        // minSamples 3 is allowed, but 3 against 3 can give p no smaller than 1/C(6,3) = 0.05 > alpha 0.01.
        GateCriteria three = new GateCriteria(Direction.LowerIsBetter, 10, null, 0.99, 3);

        MetricResult result = MetricComparison.compare("p95 latency", series(200, 1, 3), series(1000, 1, 3), three);

        assertEquals(Verdict.Inconclusive, result.verdict());
        assertTrue(
                result.reason().contains("cannot reach p < 0.01 (the smallest possible p is 0.05)"), result.reason());
        // 5 against 5: 1/C(10,5) = 0.004 is reachable, so the same regression fails.
        assertEquals(
                Verdict.Failed,
                MetricComparison.compare(series(200, 1, 5), series(1000, 1, 5), three)
                        .verdict());
    }

    @Test
    void dependentBucketsNeedStrongerEvidence() {
        double[] baseline = series(200, 1, 12);
        double[] candidate = series(207, 1, 12);
        GateCriteria small = new GateCriteria(Direction.LowerIsBetter, 2, null, 0.99, 8);

        MetricResult independent = MetricComparison.compare(null, baseline, candidate, small, 1.0);
        MetricResult dependent = MetricComparison.compare(null, baseline, candidate, small, 3.0);

        assertEquals(Verdict.Failed, independent.verdict(), independent.reason());
        assertEquals(Verdict.Passed, dependent.verdict(), dependent.reason());
        assertTrue(dependent.pValue() > independent.pValue());
    }

    @Test
    void lowerIsBetterPassesOnAnImprovement() {
        MetricResult result = MetricComparison.compare(series(300, 1, 10), series(150, 1, 10), LATENCY);

        assertEquals(Verdict.Passed, result.verdict());
        assertTrue(result.changePercent() < -40);
    }

    @Test
    void changeBelowTheAbsoluteFloorIsIgnored() {
        // 2.45 ms -> 3.45 ms is +41% and certain, but 1 ms is within a 2 ms floor.
        GateCriteria withFloor = new GateCriteria(Direction.LowerIsBetter, 15, 2.0, 0.99, 8);
        double[] baseline = series(2.0, 0.1, 10);
        double[] candidate = series(3.0, 0.1, 10);

        MetricResult floored = MetricComparison.compare("p95 latency", baseline, candidate, withFloor);
        MetricResult unfloored = MetricComparison.compare("p95 latency", baseline, candidate, LATENCY);

        assertEquals(Verdict.Passed, floored.verdict());
        assertTrue(
                floored.reason().endsWith("but the change of 1 is within the absolute floor of 2"), floored.reason());
        assertEquals(Verdict.Failed, unfloored.verdict());
    }

    @Test
    void changeAboveTheAbsoluteFloorStillFails() {
        GateCriteria withFloor = new GateCriteria(Direction.LowerIsBetter, 15, 2.0, 0.99, 8);
        MetricResult result = MetricComparison.compare(series(20, 0.1, 10), series(30, 0.1, 10), withFloor);
        assertEquals(Verdict.Failed, result.verdict());
    }

    @Test
    void missingPointsAreDroppedBeforeCounting() {
        double nan = Double.NaN;
        double[] baseline = {200, nan, 202, 203, 204, 205, 206, 207, 208, 209};
        double[] candidate = {290, 291, nan, 293, 294, 295, 296, 297, 298, 299};

        MetricResult result = MetricComparison.compare(baseline, candidate, LATENCY);

        assertEquals(9, result.baselineCount());
        assertEquals(9, result.candidateCount());
        assertEquals(205.0, result.baselineMedian());
        assertEquals(Verdict.Failed, result.verdict());
    }

    @Test
    void tooManyMissingPointsMakeItInconclusive() {
        double nan = Double.NaN;
        double[] candidate = {290, nan, nan, 293, 294, nan, 296, 297, 298, 299};

        MetricResult result = MetricComparison.compare(series(200, 1, 10), candidate, LATENCY);

        assertEquals(7, result.candidateCount());
        assertEquals(Verdict.Inconclusive, result.verdict());
    }

    @Test
    void zeroBaselineMedianFallsBackToTheMean() {
        // Errors per minute: baseline median 0, mean 0.2; candidate mean 1.0 -> +400% by means.
        GateCriteria errors = new GateCriteria(Direction.LowerIsBetter, 50, null, 0.99, 8);
        double[] baseline = {0, 0, 0, 0, 0, 0, 1, 0, 0, 1};
        double[] candidate = {0, 1, 0, 2, 1, 0, 3, 1, 2, 0};

        MetricResult result = MetricComparison.compare("errors", baseline, candidate, errors);

        assertEquals(0.0, result.baselineMedian());
        assertEquals(400.0, result.changePercent(), 1e-9);
        assertTrue(result.reason().startsWith("errors +400% (mean 0.2 -> 1, "), result.reason());
    }

    @Test
    void riseFromAllZeroFailsUnlessWithinTheFloor() {
        // No relative change exists from 0, so only significance and the floor decide.
        double[] baseline = new double[10];
        double[] candidate = {1, 2, 1, 1, 3, 2, 1, 1, 2, 1};
        GateCriteria noFloor = new GateCriteria(Direction.LowerIsBetter, 50, null, 0.99, 8);
        GateCriteria floor = new GateCriteria(Direction.LowerIsBetter, 50, 5.0, 0.99, 8);

        MetricResult failed = MetricComparison.compare("errors", baseline, candidate, noFloor);
        MetricResult passed = MetricComparison.compare("errors", baseline, candidate, floor);

        assertNull(failed.changePercent());
        assertEquals(Verdict.Failed, failed.verdict());
        assertTrue(failed.reason().startsWith("errors up from 0 (mean 0 -> 1.5, "), failed.reason());
        assertEquals(Verdict.Passed, passed.verdict());
    }

    @Test
    void withRequestCountsALowTrafficBaselinesRareErrorIsNotReadAsARegression() {
        // Baseline 60 requests a minute, one error in 15 minutes; candidate 600 a minute at the same 0.5%.
        GateCriteria errors = new GateCriteria(Direction.LowerIsBetter, 50, 0.001, 0.99, 8);
        double[] baseline = new double[15];
        baseline[4] = 1.0 / 60;
        double[] candidate = new double[15];
        java.util.Arrays.fill(candidate, 3.0 / 600);
        double[] low = new double[15];
        java.util.Arrays.fill(low, 60);
        double[] high = new double[15];
        java.util.Arrays.fill(high, 600);

        MetricResult perBucket = MetricComparison.compare("error rate", baseline, candidate, errors);
        MetricResult weighted = MetricComparison.compare(
                "error rate", baseline, candidate, new MetricComparison.RequestCounts(low, high), errors, 1.0);

        // Shares 0 or 1/60 against 0.005 differ in shape, which the rank test calls a regression.
        assertEquals(Verdict.Failed, perBucket.verdict());
        assertEquals(Verdict.Passed, weighted.verdict(), weighted.reason());
        assertTrue(
                weighted.reason().startsWith("error rate +350% (per request 0.00111 -> 0.005, p=0.0698) "),
                weighted.reason());
    }

    @Test
    void withRequestCountsARealRiseInTheErrorRateFails() {
        GateCriteria errors = new GateCriteria(Direction.LowerIsBetter, 50, 0.001, 0.99, 8);
        double[] baseline = new double[15];
        double[] candidate = new double[15];
        double[] requests = new double[15];
        for (int i = 0; i < 15; i++) {
            baseline[i] = (2 + i % 3) / 600.0;
            candidate[i] = (8 + i % 3) / 600.0;
            requests[i] = 600;
        }

        MetricResult result = MetricComparison.compare(
                "error rate", baseline, candidate, new MetricComparison.RequestCounts(requests, requests), errors, 1.0);

        assertEquals(Verdict.Failed, result.verdict(), result.reason());
        assertEquals(200.0, result.changePercent(), 1e-9);
    }

    /** An error rate's criteria: 50% worse allowed, above 0.1 percentage point, 99% confidence, 8 buckets. */
    private static final GateCriteria ERROR_RATE = new GateCriteria(Direction.LowerIsBetter, 50, 0.001, 0.99, 8);

    /** Requests in every minute of both sides; {@code countedEvents} as an {@code .as_count()} error share has it. */
    private static MetricComparison.RequestCounts everyMinuteCounted(boolean countedEvents) {
        double[] requests = new double[15];
        java.util.Arrays.fill(requests, 600);
        return new MetricComparison.RequestCounts(requests, requests, countedEvents, false);
    }

    private static double[] filled(double value) {
        double[] series = new double[15];
        java.util.Arrays.fill(series, value);
        return series;
    }

    @Test
    void aVersionWithoutOneErrorPassesThoughItsErrorsHaveNoPointInTheWindow() {
        // No error in the candidate's window: errors / hits has no value in any minute that had requests. The
        // baseline's values show that the query matches a series, so the candidate fixed its errors.

        MetricResult fixed = MetricComparison.compare(
                "error rate", filled(3.0 / 600), filled(Double.NaN), everyMinuteCounted(true), ERROR_RATE, 1.0);

        assertEquals(Verdict.Passed, fixed.verdict(), fixed.reason());
        assertEquals(15, fixed.candidateCount());
        assertEquals(0.0, fixed.candidateMean());
        assertTrue(fixed.reason().endsWith("no regression"), fixed.reason());
    }

    @Test
    void errorsInAVersionWhoseBaselineHadNoneAreARegressionNotMissingData() {

        MetricResult result = MetricComparison.compare(
                "error rate", filled(Double.NaN), filled(6.0 / 600), everyMinuteCounted(true), ERROR_RATE, 1.0);

        assertEquals(Verdict.Failed, result.verdict(), result.reason());
        assertEquals(15, result.baselineCount());
    }

    @Test
    void aShareWithoutOneValueOnEitherSideIsNotAPassAndSaysWhy() {
        // A misspelled errors metric looks the same as two versions without one error: nothing tells them apart.

        MetricResult result = MetricComparison.compare(
                "error rate", filled(Double.NaN), filled(Double.NaN), everyMinuteCounted(true), ERROR_RATE, 1.0);

        assertEquals(Verdict.Inconclusive, result.verdict());
        assertTrue(result.reason().contains("the query matches no series"), result.reason());
    }

    @Test
    void twoVersionsWithoutOneErrorPassWhenTheQueryHadValuesBeforeTheBaseline() {
        // A healthy service: no error in either window, some before the baseline window, so the query matches a series.
        double[] requests = filled(600);
        MetricComparison.RequestCounts seenBefore = new MetricComparison.RequestCounts(requests, requests, true, true);

        MetricResult result = MetricComparison.compare(
                "error rate", filled(Double.NaN), filled(Double.NaN), seenBefore, ERROR_RATE, 1.0);

        assertEquals(Verdict.Passed, result.verdict(), result.reason());
        assertEquals(0.0, result.baselineMean());
        assertEquals(0.0, result.candidateMean());
    }

    @Test
    void aSideWithoutRequestsIsNotReadAsErrorFree() {
        // The candidate's pods are not tagged with their version yet: neither hits nor errors. No data, not 0 errors.
        double[] noRequests = filled(Double.NaN);
        MetricComparison.RequestCounts counts = new MetricComparison.RequestCounts(filled(600), noRequests, true, true);

        MetricResult result =
                MetricComparison.compare("error rate", filled(3.0 / 600), filled(Double.NaN), counts, ERROR_RATE, 1.0);

        assertEquals(Verdict.Inconclusive, result.verdict(), result.reason());
        assertEquals(0, result.candidateCount());
    }

    @Test
    void aShareOfAGaugeKeepsAMissingSideMissing() {
        // Only a count queried .as_count() has no point where nothing happened; a gauge that stops is missing data.

        MetricResult result = MetricComparison.compare(
                "queue share", filled(0.2), filled(Double.NaN), everyMinuteCounted(false), ERROR_RATE, 1.0);

        assertEquals(Verdict.Inconclusive, result.verdict(), result.reason());
        assertEquals(0, result.candidateCount());
    }

    @Test
    void anErrorRateKeepsItsGapsAndASideWithoutRequestsHasNoData() {
        double[] withGaps = new double[15];
        double[] requests = new double[15];
        double[] noRequests = new double[15];
        java.util.Arrays.fill(withGaps, 3.0 / 600);
        withGaps[2] = Double.NaN;
        withGaps[9] = Double.NaN;
        java.util.Arrays.fill(requests, 600);
        java.util.Arrays.fill(noRequests, Double.NaN);
        double[] nothing = new double[15];
        java.util.Arrays.fill(nothing, Double.NaN);

        MetricResult gaps = MetricComparison.compare(
                "error rate",
                withGaps,
                withGaps,
                new MetricComparison.RequestCounts(requests, requests),
                ERROR_RATE,
                1.0);
        MetricResult silent = MetricComparison.compare(
                "error rate",
                withGaps,
                nothing,
                new MetricComparison.RequestCounts(requests, noRequests),
                ERROR_RATE,
                1.0);

        // A side with some values has a series: a missing minute there is missing, not error-free.
        assertEquals(13, gaps.baselineCount());
        assertEquals(13, gaps.candidateCount());
        // No requests either: the candidate has no data, so nothing can be judged.
        assertEquals(Verdict.Inconclusive, silent.verdict(), silent.reason());
        assertEquals(0, silent.candidateCount());
    }

    @Test
    void unchangedAllZeroSeriesPasses() {
        GateCriteria errors = new GateCriteria(Direction.LowerIsBetter, 50, null, 0.99, 8);
        MetricResult result = MetricComparison.compare(new double[10], new double[10], errors);

        assertEquals(Verdict.Passed, result.verdict());
        assertEquals(0.0, result.changePercent());
    }

    @Test
    void earlyFailNeedsMoreThanAPlainFail() {
        // +20%: fails (beyond 15%) but is under twice the allowance.
        MetricResult modest = MetricComparison.compare(series(200, 1, 10), series(240, 1, 10), LATENCY);
        assertEquals(Verdict.Failed, modest.verdict());
        assertFalse(modest.conclusiveEarly());
        assertFalse(MetricComparison.regressedBeyondDoubt(modest, LATENCY));

        // +50% with 5 vs 5 fully separated: exact p = 1/C(10,5) = 0.00397, below alpha 0.01
        // (Failed) but not below alpha/10 = 0.001.
        GateCriteria five = new GateCriteria(Direction.LowerIsBetter, 15, null, 0.99, 5);
        MetricResult unsure = MetricComparison.compare(series(200, 1, 5), series(300, 1, 5), five);
        assertEquals(1.0 / 252, unsure.pValue(), 1e-12);
        assertEquals(Verdict.Failed, unsure.verdict());
        assertFalse(unsure.conclusiveEarly());

        // +43% with 10 vs 10 fully separated: p = 5.4e-6 and change >= 30%.
        MetricResult sure = MetricComparison.compare(series(200, 2, 10), series(290, 2, 10), LATENCY);
        assertTrue(sure.conclusiveEarly());
        assertTrue(MetricComparison.regressedBeyondDoubt(sure, LATENCY));
    }

    @Test
    void defaultWindowToleratesTwoMissingBuckets() {
        // 10 buckets a side by default; two may be missing and the metric is still judged.
        GateCriteria defaults = GateDefaults.latencyCriteria();
        double nan = Double.NaN;
        double[] candidate = {nan, 201, 202, 203, nan, 205, 206, 207, 208, 209};

        MetricResult result =
                MetricComparison.compare(series(200, 1, GateDefaults.BUCKETS_PER_SIDE), candidate, defaults);

        assertNotEquals(Verdict.Inconclusive, result.verdict());
    }

    @Test
    void criteriaRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new GateCriteria(Direction.LowerIsBetter, 15, null, 1.0, 8));
        assertThrows(
                IllegalArgumentException.class, () -> new GateCriteria(Direction.LowerIsBetter, 15, null, 0.99, 0));
        assertThrows(
                IllegalArgumentException.class, () -> new GateCriteria(Direction.LowerIsBetter, -1, null, 0.99, 8));
        assertThrows(
                IllegalArgumentException.class, () -> new GateCriteria(Direction.LowerIsBetter, 15, -2.0, 0.99, 8));
        assertThrows(NullPointerException.class, () -> new GateCriteria(null, 15, null, 0.99, 8));
    }

    @Test
    void overallVerdictIsTheWorstOfTheMetrics() {
        assertEquals(
                Verdict.Failed, GateVerdicts.combine(List.of(Verdict.Passed, Verdict.Inconclusive, Verdict.Failed)));
        assertEquals(Verdict.Inconclusive, GateVerdicts.combine(List.of(Verdict.Passed, Verdict.Inconclusive)));
        assertEquals(Verdict.Passed, GateVerdicts.combine(List.of(Verdict.Passed, Verdict.Passed)));
        assertEquals(Verdict.Inconclusive, GateVerdicts.combine(List.of()));
    }

    @Test
    void overallVerdictOfResults() {
        MetricResult failed = MetricComparison.compare(series(200, 2, 10), series(290, 2, 10), LATENCY);
        MetricResult passed = MetricComparison.compare(series(200, 1, 10), series(200, 1, 10), LATENCY);

        assertEquals(Verdict.Failed, GateVerdicts.combineResults(List.of(passed, failed)));
        assertEquals(Verdict.Passed, GateVerdicts.combineResults(List.of(passed)));
    }
}
