package dev.mimamori.gate;

/**
 * How much neighbouring buckets move together, and what that does to a rank test. Per-minute series are
 * autocorrelated (a slow minute is followed by another), so fifteen buckets carry less information than fifteen
 * independent draws; a test that assumes independence then calls ordinary wander a regression. Pure.
 *
 * <p>The lag-1 autocorrelation is estimated from both windows, each about its own mean, so that the step between
 * them (the regression looked for) does not count as dependence; pooling the two halves the estimate's noise, which
 * measured fewer false fails and fewer needless Inconclusives than the baseline alone. A candidate that worsens
 * minute by minute (a leak) does widen the test a little; a leak large enough to matter still fails. Under AR(1)
 * dependence with coefficient rho the variance of a window's mean grows by about (1 + rho) / (1 - rho); the
 * test's null variance is widened by that factor, i.e. the effective sample size shrinks by it. A drift inside the
 * baseline shows up the same way, so a baseline that was already moving widens the test too.
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

    /** The factor (1 + rho) / (1 - rho) by which dependence widens the variance of a window mean. */
    public static double varianceInflation(double[] baseline, double[] candidate) {
        return varianceInflation(new double[0], baseline, candidate);
    }

    /**
     * The same with the history before the baseline cut into pieces as long as the baseline, each about its own
     * mean like the two windows: four windows of evidence instead of two halve the estimate's spread.
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
        return (1.0 + rho) / (1.0 - rho);
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
