package dev.mimamori.gate;

/**
 * How much neighbouring buckets move together, and what that does to a rank test. Per-minute series are
 * autocorrelated (a slow minute is followed by another), so fifteen buckets carry less information than fifteen
 * independent draws; a test that assumes independence then calls ordinary wander a regression. Pure.
 *
 * <p>The lag-1 autocorrelation is estimated from the history before the baseline and both windows, each piece about
 * its own mean, so that the step between the windows (the regression looked for) does not count as dependence;
 * from the two windows alone the estimate wandered enough to widen the test needlessly for independent minutes and
 * too little for dependent ones (docs/gate.md has the measurements). A candidate that worsens
 * minute by minute (a leak) does widen the test a little; a leak large enough to matter still fails. Under AR(1)
 * dependence with coefficient rho the variance of a window's mean grows by {@link #windowFactor}; the test's null
 * variance is widened by that factor, i.e. the effective sample size shrinks by it.
 */
public final class SerialDependence {

    /** Above this the series is close to a random walk and 15 buckets say almost nothing; the factor is capped. */
    static final double MAX_RHO = 0.9;

    /** A window whose spread is below this share of its level is flat: its wobble is rounding, not wander. */
    static final double FLAT = 1e-9;

    private SerialDependence() {}

    /**
     * Pooled lag-1 autocorrelation of windows, each about its own mean (NaN marks a missing bucket; only adjacent
     * present pairs count), corrected for the downward bias of short series (about (1 + 4 rho) / n for windows of n
     * points, Kendall's approximation) and clamped to [0, {@value #MAX_RHO}]. 0 when there are too few pairs.
     */
    public static double lag1(double[]... windows) {
        double[] sums = new double[4];
        int pairs = 0;
        for (double[] window : windows) {
            pairs += accumulate(window, sums);
        }
        if (pairs < 4 || sums[1] <= 0) {
            return 0.0;
        }
        double raw = sums[0] / sums[1];
        double corrected = raw + (1.0 + 4.0 * raw) / (sums[2] / sums[3]);
        return Math.max(0.0, Math.min(MAX_RHO, corrected));
    }

    /** {@link #varianceInflation(double[], double[], double[])} without history. */
    public static double varianceInflation(double[] baseline, double[] candidate) {
        return varianceInflation(new double[0], baseline, candidate);
    }

    /**
     * By how much dependence widens the variance of the difference between the two window means: each window's mean
     * of n AR(1) points has n / {@link #windowFactor} effective points, weighted by the points present on each side.
     * The dependence is estimated from the history before the baseline, cut into pieces as long as the baseline,
     * and from both windows, each piece about its own mean: five pieces of evidence instead of two.
     */
    public static double varianceInflation(double[] history, double[] baseline, double[] candidate) {
        int piece = Math.max(1, baseline.length);
        java.util.List<double[]> windows = new java.util.ArrayList<>();
        // Cut from the end, so the pieces line up with the baseline; a short piece at the start is left out.
        for (int end = history.length; end - piece >= 0; end -= piece) {
            windows.add(java.util.Arrays.copyOfRange(history, end - piece, end));
        }
        windows.add(baseline);
        windows.add(candidate);
        double rho = lag1(windows.toArray(double[][]::new));
        int nb = present(baseline);
        int nc = present(candidate);
        if (rho == 0.0 || nb == 0 || nc == 0) {
            return 1.0;
        }
        double widened = windowFactor(rho, baseline.length) / nb + windowFactor(rho, candidate.length) / nc;
        return Math.max(1.0, widened / (1.0 / nb + 1.0 / nc));
    }

    /**
     * n times the variance of the mean of n consecutive AR(1) points of unit variance: 1 + 2 sum (1 - k/n) rho^k.
     * Below the asymptotic (1 + rho) / (1 - rho) for short windows (2.73 against 3 at rho 0.5 and 15 points), which
     * would widen a 15-minute window more than its dependence does.
     */
    static double windowFactor(double rho, int n) {
        double factor = 1.0;
        double power = 1.0;
        for (int k = 1; k < n; k++) {
            power *= rho;
            factor += 2.0 * (1.0 - (double) k / n) * power;
        }
        return factor;
    }

    private static int present(double[] window) {
        int n = 0;
        for (double v : window) {
            if (Double.isFinite(v)) {
                n++;
            }
        }
        return n;
    }

    /** Adds a window's lag-1 cross products, squared deviations, point count and 1 window; returns its pairs. */
    private static int accumulate(double[] window, double[] sums) {
        double total = 0;
        int n = 0;
        for (double v : window) {
            if (Double.isFinite(v)) {
                total += v;
                n++;
            }
        }
        if (n < 3) {
            return 0;
        }
        double mean = total / n;
        double squares = 0;
        for (double v : window) {
            if (Double.isFinite(v)) {
                squares += (v - mean) * (v - mean);
            }
        }
        if (Math.sqrt(squares / n) <= FLAT * Math.abs(mean)) {
            // A flat series (a constant rate computed as a ratio wobbles in its last digits) has no dependence to show.
            return 0;
        }
        int pairs = 0;
        for (int i = 0; i < window.length; i++) {
            if (!Double.isFinite(window[i])) {
                continue;
            }
            double d = window[i] - mean;
            sums[1] += d * d;
            if (i + 1 < window.length && Double.isFinite(window[i + 1])) {
                sums[0] += d * (window[i + 1] - mean);
                pairs++;
            }
        }
        sums[2] += n;
        sums[3]++;
        return pairs;
    }
}
