package dev.mimamori.gate;

import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test of a candidate sample against a baseline sample, on Apache Commons
 * Statistics' implementation, plus the one thing it lacks: a null variance widened for serially dependent buckets.
 *
 * <p>The statistic is the U of the candidate: the number of (candidate, baseline) pairs in which the candidate value
 * is larger, ties counting one half. How the p-value is obtained:
 * <ul>
 *   <li><b>Exact</b> when there are no ties and both samples have fewer than {@value #EXACT_LIMIT} values (R's
 *       {@code wilcox.test} rule, so results can be checked against it).</li>
 *   <li>Otherwise the <b>normal approximation</b> with the tie-corrected variance and a <b>continuity correction</b>
 *       of 0.5: at the gate's small samples the uncorrected approximation gives p-values that are too small.</li>
 *   <li>With a variance inflation above 1, the continuity-corrected normal z is divided by the square root of the
 *       inflation, i.e. the test behaves as if it had that many times fewer independent points.</li>
 * </ul>
 */
public final class MannWhitney {

    /** Exact distribution is used while both samples are below this size and nothing is tied. */
    public static final int EXACT_LIMIT = 50;

    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    private MannWhitney() {}

    /** What the alternative hypothesis says about the candidate compared to the baseline. */
    public enum Alternative {
        /** Candidate is stochastically greater than baseline (larger values). */
        GREATER(AlternativeHypothesis.GREATER_THAN),
        /** Candidate is stochastically less than baseline (smaller values). */
        LESS(AlternativeHypothesis.LESS_THAN),
        /** Candidate differs from baseline in either direction. */
        TWO_SIDED(AlternativeHypothesis.TWO_SIDED);

        private final AlternativeHypothesis hypothesis;

        Alternative(AlternativeHypothesis hypothesis) {
            this.hypothesis = hypothesis;
        }
    }

    /**
     * Outcome of the test.
     *
     * @param u      U statistic of the candidate, in {@code [0, nb*nc]}
     * @param pValue p-value for the requested alternative, in {@code (0, 1]}
     * @param exact  whether the p-value comes from the exact distribution
     */
    public record Result(double u, double pValue, boolean exact) {}

    /**
     * Tests whether {@code candidate} differs from {@code baseline} in the direction given, buckets independent.
     *
     * @throws IllegalArgumentException if a sample is empty or holds NaN or infinite values
     */
    public static Result test(double[] baseline, double[] candidate, Alternative alternative) {
        return test(baseline, candidate, alternative, 1.0);
    }

    /**
     * The test with the variance of U multiplied by {@code inflation} (at least 1), for buckets that are not
     * independent: the normal approximation is used whenever {@code inflation > 1}, since the exact counts assume
     * independence.
     */
    public static Result test(double[] baseline, double[] candidate, Alternative alternative, double inflation) {
        Objects.requireNonNull(alternative, "alternative");
        checked(baseline, "baseline");
        checked(candidate, "candidate");
        if (!(inflation >= 1.0) || Double.isInfinite(inflation)) {
            throw new IllegalArgumentException("inflation must be finite and >= 1: " + inflation);
        }
        if (allEqual(baseline, candidate)) {
            // Every value the same: no evidence of any difference (the library's variance would be 0).
            return new Result(baseline.length * (double) candidate.length / 2.0, 1.0, false);
        }
        boolean exact = inflation == 1.0
                && baseline.length < EXACT_LIMIT
                && candidate.length < EXACT_LIMIT
                && !tied(baseline, candidate);
        MannWhitneyUTest.Result result = MannWhitneyUTest.withDefaults()
                .with(alternative.hypothesis)
                .with(exact ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC)
                .with(ContinuityCorrection.ENABLED)
                .test(candidate, baseline);
        double p = result.getPValue();
        if (inflation > 1.0) {
            p = widened(p, alternative, inflation);
        }
        return new Result(result.getStatistic(), p, exact);
    }

    /**
     * The smallest one-sided p-value samples of these sizes can give, reached when every candidate value lies beyond
     * every baseline value: 1 / C(nb + nc, nb) on the exact path, else the normal approximation's, with the same
     * inflation as {@link #test(double[], double[], Alternative, double)}.
     */
    public static double smallestPValue(int nb, int nc, double inflation) {
        if (nb < 1 || nc < 1) {
            return 1.0;
        }
        if (inflation == 1.0 && nb < EXACT_LIMIT && nc < EXACT_LIMIT) {
            double splits = 1.0;
            for (int i = 1; i <= nb; i++) {
                splits = splits * (nc + i) / i;
            }
            return 1.0 / splits;
        }
        double n = nb + nc;
        double sd = Math.sqrt(inflation * nb * (double) nc / 12.0 * (n + 1));
        return NORMAL.survivalProbability((nb * (double) nc / 2.0 - 0.5) / sd);
    }

    /** The p-value of the same continuity-corrected z shrunk by the square root of the inflation. */
    private static double widened(double p, Alternative alternative, double inflation) {
        double shrink = Math.sqrt(inflation);
        return switch (alternative) {
            case GREATER, LESS -> NORMAL.survivalProbability(NORMAL.inverseSurvivalProbability(p) / shrink);
            case TWO_SIDED ->
                Math.min(1.0, 2 * NORMAL.survivalProbability(NORMAL.inverseSurvivalProbability(p / 2) / shrink));
        };
    }

    private static void checked(double[] sample, String name) {
        Objects.requireNonNull(sample, name);
        if (sample.length == 0) {
            throw new IllegalArgumentException(name + " sample is empty");
        }
        for (double v : sample) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(name + " sample holds a non-finite value: " + v);
            }
        }
    }

    private static boolean allEqual(double[] baseline, double[] candidate) {
        double first = baseline[0];
        return Arrays.stream(baseline).allMatch(v -> v == first)
                && Arrays.stream(candidate).allMatch(v -> v == first);
    }

    private static boolean tied(double[] baseline, double[] candidate) {
        double[] all = new double[baseline.length + candidate.length];
        System.arraycopy(baseline, 0, all, 0, baseline.length);
        System.arraycopy(candidate, 0, all, baseline.length, candidate.length);
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            if (all[i] == all[i - 1]) {
                return true;
            }
        }
        return false;
    }
}
