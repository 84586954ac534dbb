package dev.mimamori.gate;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test of a candidate sample against a baseline sample.
 *
 * <p>The statistic is the U of the candidate: the number of (candidate, baseline) pairs in which
 * the candidate value is larger, ties counting one half. Under the null hypothesis (both samples
 * from the same distribution) it has mean {@code nb*nc/2}.
 *
 * <p>How the p-value is obtained:
 * <ul>
 *   <li><b>Exact</b> when there are no ties and both samples have fewer than {@value #EXACT_LIMIT}
 *       values: the null distribution of U is counted exactly. This is the same rule R's
 *       {@code wilcox.test} uses by default, so results can be checked against it.</li>
 *   <li>Otherwise the <b>normal approximation</b> with the tie-corrected variance
 *       {@code nb*nc/12 * ((N+1) - sum(t^3-t)/(N(N-1)))} and a <b>continuity correction</b> of 0.5
 *       towards the mean (as R's {@code correct = TRUE}). The correction is kept because with the
 *       gate's small samples (about 10 buckets a side) the uncorrected approximation gives
 *       p-values that are too small, i.e. more false fails.</li>
 * </ul>
 *
 * <p>Pure functions, no state.
 */
public final class MannWhitney {

    /** Exact distribution is used while both samples are below this size and nothing is tied. */
    public static final int EXACT_LIMIT = 50;

    /**
     * Exact null distributions already counted, keyed by the two sample sizes. Bounded: sizes
     * stay below EXACT_LIMIT, and the gate only ever sees a handful of them.
     */
    private static final Map<Integer, double[]> EXACT_COUNTS = new ConcurrentHashMap<>();

    private MannWhitney() {
    }

    /** What the alternative hypothesis says about the candidate compared to the baseline. */
    public enum Alternative {
        /** Candidate is stochastically greater than baseline (larger values). */
        GREATER,
        /** Candidate is stochastically less than baseline (smaller values). */
        LESS,
        /** Candidate differs from baseline in either direction. */
        TWO_SIDED
    }

    /**
     * Outcome of the test.
     *
     * @param u      U statistic of the candidate, in {@code [0, nb*nc]}
     * @param z      standardized statistic; with the normal approximation it is the continuity
     *               corrected z the p-value came from, with the exact distribution it is
     *               {@code (u - mean) / sd} for information only
     * @param pValue p-value for the requested alternative, in {@code (0, 1]}
     * @param exact  whether the p-value comes from the exact distribution
     */
    public record Result(double u, double z, double pValue, boolean exact) {
    }

    /**
     * Tests whether {@code candidate} differs from {@code baseline} in the direction given.
     *
     * @throws IllegalArgumentException if a sample is empty or holds NaN or infinite values
     */
    public static Result test(double[] baseline, double[] candidate, Alternative alternative) {
        Objects.requireNonNull(alternative, "alternative");
        double[] b = checkedSortedCopy(baseline, "baseline");
        double[] c = checkedSortedCopy(candidate, "candidate");
        int nb = b.length;
        int nc = c.length;

        double u = 0;
        for (double value : c) {
            int below = lowerBound(b, value);
            int atOrBelow = upperBound(b, value);
            u += below + 0.5 * (atOrBelow - below);
        }

        double[] all = new double[nb + nc];
        System.arraycopy(b, 0, all, 0, nb);
        System.arraycopy(c, 0, all, nb, nc);
        Arrays.sort(all);
        double tieSum = tieSum(all);

        double n = nb + nc;
        double mean = nb * (double) nc / 2.0;
        double variance = nb * (double) nc / 12.0 * ((n + 1) - tieSum / (n * (n - 1)));

        if (tieSum == 0 && nb < EXACT_LIMIT && nc < EXACT_LIMIT) {
            double z = (u - mean) / Math.sqrt(variance);
            return new Result(u, z, exactPValue((long) u, nb, nc, alternative), true);
        }
        if (variance <= 0) {
            // Every value is the same: no evidence of any difference.
            return new Result(u, 0.0, 1.0, false);
        }
        double sd = Math.sqrt(variance);
        double diff = u - mean;
        double z;
        double p;
        switch (alternative) {
            case GREATER -> {
                z = (diff - 0.5) / sd;
                p = Normal.upperTail(z);
            }
            case LESS -> {
                z = (diff + 0.5) / sd;
                p = Normal.upperTail(-z);
            }
            default -> {
                z = (diff - Math.signum(diff) * 0.5) / sd;
                p = Math.min(1.0, 2.0 * Normal.upperTail(Math.abs(z)));
            }
        }
        return new Result(u, z, p, false);
    }

    private static double[] checkedSortedCopy(double[] sample, String name) {
        Objects.requireNonNull(sample, name);
        if (sample.length == 0) {
            throw new IllegalArgumentException(name + " sample is empty");
        }
        double[] copy = sample.clone();
        for (double v : copy) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(name + " sample holds a non-finite value: " + v);
            }
        }
        Arrays.sort(copy);
        return copy;
    }

    /** Index of the first element not less than {@code key} in a sorted array. */
    private static int lowerBound(double[] sorted, double key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the first element greater than {@code key} in a sorted array. */
    private static int upperBound(double[] sorted, double key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Sum of t^3 - t over every group of t equal values. */
    private static double tieSum(double[] sorted) {
        double sum = 0;
        int i = 0;
        while (i < sorted.length) {
            int j = i + 1;
            while (j < sorted.length && sorted[j] == sorted[i]) {
                j++;
            }
            double t = j - i;
            sum += t * t * t - t;
            i = j;
        }
        return sum;
    }

    private static double exactPValue(long u, int nb, int nc, Alternative alternative) {
        int key = Math.min(nb, nc) * EXACT_LIMIT + Math.max(nb, nc);
        double[] counts = EXACT_COUNTS.computeIfAbsent(key, k -> uCounts(nb, nc));
        double total = 0;
        for (double count : counts) {
            total += count;
        }
        // Sum each tail directly rather than as 1 - other tail, so small p-values keep precision.
        double upper = 0;
        for (int k = (int) u; k < counts.length; k++) {
            upper += counts[k];
        }
        double lower = 0;
        for (int k = 0; k <= u; k++) {
            lower += counts[k];
        }
        return switch (alternative) {
            case GREATER -> upper / total;
            case LESS -> lower / total;
            case TWO_SIDED -> Math.min(1.0, 2.0 * Math.min(upper, lower) / total);
        };
    }

    /**
     * Number of orderings of nb + nc distinct values giving each U in {@code [0, nb*nc]}.
     * Counts size-m subsets of ranks 1..N by rank sum; U = rank sum - m(m+1)/2 and the
     * distribution is the same whichever sample is the subset, so the smaller one is used.
     */
    private static double[] uCounts(int nb, int nc) {
        int m = Math.min(nb, nc);
        int n = nb + nc;
        int maxSum = m * (2 * n - m + 1) / 2;
        double[][] ways = new double[m + 1][maxSum + 1];
        ways[0][0] = 1;
        for (int rank = 1; rank <= n; rank++) {
            for (int k = Math.min(rank, m); k >= 1; k--) {
                double[] row = ways[k];
                double[] prev = ways[k - 1];
                for (int s = maxSum; s >= rank; s--) {
                    row[s] += prev[s - rank];
                }
            }
        }
        int offset = m * (m + 1) / 2;
        double[] counts = new double[nb * nc + 1];
        for (int s = offset; s <= maxSum; s++) {
            counts[s - offset] = ways[m][s];
        }
        return counts;
    }

    /** Standard normal tail, through a complementary error function accurate to ~1e-14 relative. */
    static final class Normal {
        private static final double SQRT2 = Math.sqrt(2.0);
        private static final double SQRT_PI = Math.sqrt(Math.PI);

        private Normal() {
        }

        /** P(Z > z) for a standard normal Z. */
        static double upperTail(double z) {
            return 0.5 * erfc(z / SQRT2);
        }

        static double erfc(double x) {
            if (Double.isNaN(x)) {
                return Double.NaN;
            }
            if (x < 0) {
                return 2.0 - erfc(-x);
            }
            if (x < 1.5) {
                // erfc >= 0.034 here, so 1 - erf loses at most about two digits.
                return 1.0 - erfSeries(x);
            }
            if (x > 27.3) {
                return 0.0; // below the smallest double
            }
            return erfcContinuedFraction(x);
        }

        /**
         * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_k 2^k x^(2k+1) / (1*3*...*(2k+1)).
         * Every term is positive, so there is no cancellation; used for 0 &lt;= x &lt; 1.5.
         */
        private static double erfSeries(double x) {
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int k = 1; k < 500; k++) {
                term *= 2.0 * x2 / (2 * k + 1);
                sum += term;
                if (term < sum * 1e-17) {
                    break;
                }
            }
            return 2.0 / SQRT_PI * Math.exp(-x2) * sum;
        }

        /**
         * erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))),
         * evaluated with the modified Lentz method; under 100 terms for x &gt;= 1.5.
         */
        private static double erfcContinuedFraction(double x) {
            final double tiny = 1e-300;
            double f = x;
            double c = x;
            double d = 0;
            for (int k = 1; k < 1000; k++) {
                double a = k / 2.0;
                d = x + a * d;
                d = Math.abs(d) < tiny ? tiny : d;
                c = x + a / c;
                c = Math.abs(c) < tiny ? tiny : c;
                d = 1.0 / d;
                double delta = c * d;
                f *= delta;
                if (Math.abs(delta - 1.0) < 1e-16) {
                    break;
                }
            }
            return Math.exp(-x * x) / SQRT_PI / f;
        }
    }
}
