package dev.mimamori.gate;

import java.util.Objects;
import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * Request-weighted comparison of a per-request share (errors / hits) between baseline and candidate, from each
 * bucket's share and its request count. Pure.
 *
 * <p>Each side's rate is its events over its requests, summed over the buckets, so a bucket of 600 requests weighs
 * ten times one of 60; per-bucket shares of unequal traffic are not exchangeable (0 or 1/60 against about 3/600)
 * and a rank test calls that difference in shape a regression. The test is the conditional binomial test of two
 * Poisson rates: given all events, the candidate's count is Binomial(events, candidate requests / all requests)
 * when the rates are equal. Extra-Poisson spread between buckets (a quasi-Poisson dispersion, never below 1) and
 * serial dependence divide the counts before the test, as if there were that many times fewer events.
 */
public final class RateComparison {

    private RateComparison() {}

    /**
     * Outcome: the rates, the requests behind them, the scale applied to the counts and the one-sided p-value.
     *
     * @param buckets     buckets used on each side, {baseline, candidate}: both a value and a positive count
     * @param dispersion  between-bucket variance over the Poisson variance, at least 1
     */
    public record Result(
            double baselineRate,
            double candidateRate,
            double baselineRequests,
            double candidateRequests,
            int[] buckets,
            double dispersion,
            double pValue) {}

    /**
     * Tests whether the candidate's rate is worse.
     *
     * @param higherIsWorse true for an error rate (a rise is worse), false for a success share; successes taken as
     *                      Poisson events make a cautious test, so a share near 1 is better judged by its failures
     * @param inflation     at least 1: how much serial dependence widens the variance ({@link SerialDependence})
     * @throws IllegalArgumentException when a value or count array is missing, the lengths differ, or a side has no
     *     bucket with both a value and a positive request count
     */
    public static Result test(
            double[] baselineShares,
            double[] baselineRequests,
            double[] candidateShares,
            double[] candidateRequests,
            boolean higherIsWorse,
            double inflation) {
        if (!(inflation >= 1.0) || Double.isInfinite(inflation)) {
            throw new IllegalArgumentException("inflation must be finite and >= 1: " + inflation);
        }
        Side b = Side.of(baselineShares, baselineRequests, "baseline");
        Side c = Side.of(candidateShares, candidateRequests, "candidate");
        double dispersion = dispersion(b, c);
        double scale = dispersion * inflation;
        double k = c.events() / scale;
        double total = (b.events() + c.events()) / scale;
        double share = c.requests() / (b.requests() + c.requests());
        double p;
        if (higherIsWorse) {
            // P(X >= k) for X ~ Binomial(total, share), continuous in k and total: I_share(k, total - k + 1).
            p = k <= 0 ? 1.0 : BetaDistribution.of(k, total - k + 1).cumulativeProbability(share);
        } else {
            double rest = total - k;
            p = rest <= 0 ? 1.0 : 1.0 - BetaDistribution.of(k + 1, rest).cumulativeProbability(share);
        }
        return new Result(
                b.events() / b.requests(),
                c.events() / c.requests(),
                b.requests(),
                c.requests(),
                new int[] {b.buckets(), c.buckets()},
                dispersion,
                Math.max(0.0, Math.min(1.0, p)));
    }

    /** Buckets present on a side: both a finite share and a positive request count. */
    public static int usableBuckets(double[] shares, double[] requests) {
        Objects.requireNonNull(shares, "shares");
        Objects.requireNonNull(requests, "requests");
        int n = 0;
        for (int i = 0; i < Math.min(shares.length, requests.length); i++) {
            if (usable(shares[i], requests[i])) {
                n++;
            }
        }
        return n;
    }

    /** Pearson chi-square of the buckets about their side's rate, per degree of freedom, at least 1. */
    private static double dispersion(Side b, Side c) {
        int df = b.buckets() + c.buckets() - 2;
        if (df < 1) {
            return 1.0;
        }
        double chi = b.pearson() + c.pearson();
        return Math.max(1.0, chi / df);
    }

    private static boolean usable(double share, double requests) {
        return Double.isFinite(share) && Double.isFinite(requests) && requests > 0;
    }

    private record Side(double[] eventCounts, double[] requestCounts, double eventsTotal, double requestsTotal) {

        static Side of(double[] shares, double[] requests, String name) {
            Objects.requireNonNull(shares, name + " shares");
            Objects.requireNonNull(requests, name + " requests");
            if (shares.length != requests.length) {
                throw new IllegalArgumentException(name + ": " + shares.length + " values but " + requests.length
                        + " request counts; they must pair up bucket by bucket");
            }
            int n = usableBuckets(shares, requests);
            if (n == 0) {
                throw new IllegalArgumentException(name + ": no bucket with both a value and a request count");
            }
            double[] events = new double[n];
            double[] counts = new double[n];
            double eventsTotal = 0;
            double requestsTotal = 0;
            int j = 0;
            for (int i = 0; i < shares.length; i++) {
                if (usable(shares[i], requests[i])) {
                    events[j] = shares[i] * requests[i];
                    counts[j] = requests[i];
                    eventsTotal += events[j];
                    requestsTotal += counts[j];
                    j++;
                }
            }
            return new Side(events, counts, eventsTotal, requestsTotal);
        }

        int buckets() {
            return eventCounts.length;
        }

        double events() {
            return eventsTotal;
        }

        double requests() {
            return requestsTotal;
        }

        double pearson() {
            double rate = eventsTotal / requestsTotal;
            if (rate <= 0) {
                return 0;
            }
            double sum = 0;
            for (int i = 0; i < eventCounts.length; i++) {
                double expected = requestCounts[i] * rate;
                sum += (eventCounts[i] - expected) * (eventCounts[i] - expected) / expected;
            }
            return sum;
        }
    }
}
