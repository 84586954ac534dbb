package dev.mimamori.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mimamori.gate.MannWhitney.Alternative;
import dev.mimamori.gate.MannWhitney.Result;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MannWhitneyTest {

    private static final double RELATIVE = 1e-6;

    private static void assertRelative(double expected, double actual) {
        assertEquals(
                expected, actual, Math.abs(expected) * RELATIVE, () -> "expected " + expected + " but was " + actual);
    }

    @Test
    void exactPValueMatchesTheRReferenceExample() {
        // R's ?wilcox.test example (Hollander & Wolfe 1973, p. 69f, permeability constants):
        // wilcox.test(x, y, alternative = "g") prints W = 35, p-value = 0.1272 (exact, no ties).
        // Exactly: 382 of the C(15,5) = 3003 equally likely splits give U >= 35 (counted by
        // enumeration, see exactPValuesMatchEnumerationOfEverySplit), and 2693 give U <= 35.
        double[] x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
        double[] y = {1.15, 0.88, 0.90, 0.74, 1.21};

        Result greater = MannWhitney.test(y, x, Alternative.GREATER);
        assertEquals(35.0, greater.u());
        assertTrue(greater.exact());
        assertRelative(382.0 / 3003.0, greater.pValue());
        assertEquals(0.1272, greater.pValue(), 0.00005);
        assertRelative(2693.0 / 3003.0, MannWhitney.test(y, x, Alternative.LESS).pValue());
        assertRelative(
                2 * 382.0 / 3003.0,
                MannWhitney.test(y, x, Alternative.TWO_SIDED).pValue());
    }

    @Test
    void exactPValuesMatchEnumerationOfEverySplit() {
        // Independent check of the exact distribution: under the null hypothesis every way of
        // labelling the pooled values as baseline/candidate is equally likely, so the p-value is
        // the share of labellings whose U is at least as extreme. Enumerated here by brute force.
        Random random = new Random(42);
        for (int[] sizes : new int[][] {{4, 5}, {6, 6}, {3, 9}, {7, 5}}) {
            double[] baseline = distinct(random, sizes[0]);
            double[] candidate = distinct(random, sizes[1]);
            double[] pooled = concat(baseline, candidate);
            double observed = pairCountU(baseline, candidate);
            int n = pooled.length;
            int atLeast = 0;
            int atMost = 0;
            int total = 0;
            for (int mask = 0; mask < (1 << n); mask++) {
                if (Integer.bitCount(mask) != candidate.length) {
                    continue;
                }
                double[] c = new double[candidate.length];
                double[] b = new double[baseline.length];
                int ci = 0;
                int bi = 0;
                for (int i = 0; i < n; i++) {
                    if ((mask & (1 << i)) != 0) {
                        c[ci++] = pooled[i];
                    } else {
                        b[bi++] = pooled[i];
                    }
                }
                double u = pairCountU(b, c);
                total++;
                if (u >= observed) {
                    atLeast++;
                }
                if (u <= observed) {
                    atMost++;
                }
            }
            Result greater = MannWhitney.test(baseline, candidate, Alternative.GREATER);
            assertTrue(greater.exact());
            assertEquals(observed, greater.u());
            assertRelative((double) atLeast / total, greater.pValue());
            assertRelative(
                    (double) atMost / total,
                    MannWhitney.test(baseline, candidate, Alternative.LESS).pValue());
            assertRelative(
                    Math.min(1.0, 2.0 * Math.min(atLeast, atMost) / total),
                    MannWhitney.test(baseline, candidate, Alternative.TWO_SIDED).pValue());
        }
    }

    @Test
    void smallExactCaseWorkedByHand() {
        // Candidate entirely above baseline, 3 vs 3: U = 9 is the single most extreme of the
        // C(6,3) = 20 splits, so P(U >= 9) = 1/20 and the two-sided p-value is 2/20.
        double[] baseline = {1, 2, 3};
        double[] candidate = {4, 5, 6};
        assertRelative(
                0.05, MannWhitney.test(baseline, candidate, Alternative.GREATER).pValue());
        assertRelative(
                0.10,
                MannWhitney.test(baseline, candidate, Alternative.TWO_SIDED).pValue());
        assertRelative(
                1.0, MannWhitney.test(baseline, candidate, Alternative.LESS).pValue());
    }

    @Test
    void tiedValuesUseTieCorrectedNormalApproximation() {
        // baseline {1,2,2,3,5}, candidate {2,3,4,5,6,7}; pooled and ranked (N = 11):
        //   1->1, 2,2,2->3 (ranks 2-4), 3,3->5.5, 4->7, 5,5->8.5, 6->10, 7->11.
        // Candidate rank sum 3+5.5+7+8.5+10+11 = 45, so U = 45 - 6*7/2 = 24; mean 5*6/2 = 15.
        // Tie term sum(t^3-t) = 24 + 6 + 6 = 36; var = 30/12 * (12 - 36/110) = 29.181818...,
        // sd = 5.4020198242711.
        // Greater: z = (24-15-0.5)/sd = 1.5734855251382, p = 1-Phi(z) = 0.057803218693659772.
        // Less:    z = (24-15+0.5)/sd = 1.7586014692721, p = Phi(z)   = 0.96067738836963833.
        // Two-sided: 2 * 0.057803218693659772 = 0.11560643738731954.
        // Phi from mpmath.erfc at 30 digits; scipy.stats.mannwhitneyu(method='asymptotic',
        // use_continuity=True) gives the same three values.
        double[] baseline = {1, 2, 2, 3, 5};
        double[] candidate = {2, 3, 4, 5, 6, 7};

        Result greater = MannWhitney.test(baseline, candidate, Alternative.GREATER);
        assertFalse(greater.exact());
        assertEquals(24.0, greater.u());
        assertRelative(0.057803218693659772, greater.pValue());
        assertRelative(
                0.96067738836963833,
                MannWhitney.test(baseline, candidate, Alternative.LESS).pValue());
        assertRelative(
                0.11560643738731954,
                MannWhitney.test(baseline, candidate, Alternative.TWO_SIDED).pValue());
    }

    @Test
    void errorCountsWithHeavyTiesAreSignificantlyWorse() {
        // Errors per minute, 10 buckets a side (integers, so many ties):
        //   baseline sorted  0 0 0 0 0 1 1 1 2 3
        //   candidate sorted 1 1 2 2 2 2 3 3 4 5
        // Pooled N = 20: value 0 x5 -> rank 3, 1 x5 -> 8, 2 x5 -> 13, 3 x3 -> 17, 4 -> 19, 5 -> 20.
        // Candidate rank sum 2*8 + 4*13 + 2*17 + 19 + 20 = 141, U = 141 - 10*11/2 = 86; mean 50.
        // Tie term 3*(125-5) + (27-3) = 384; var = 100/12 * (21 - 384/380) = 166.578947...,
        // sd = 12.906546686408.
        // Greater: z = 35.5/sd = 2.7505420979406, p = 0.0029748373064150999 (mpmath; scipy agrees).
        // Less:    z = 36.5/sd, p = Phi(2.8280) = 0.99765817176266629.
        double[] baseline = {0, 1, 0, 2, 1, 0, 0, 1, 3, 0};
        double[] candidate = {2, 1, 3, 4, 2, 1, 5, 2, 3, 2};

        Result greater = MannWhitney.test(baseline, candidate, Alternative.GREATER);
        assertEquals(86.0, greater.u());
        assertRelative(0.0029748373064150999, greater.pValue());
        assertRelative(
                0.0059496746128301999,
                MannWhitney.test(baseline, candidate, Alternative.TWO_SIDED).pValue());
        assertRelative(
                0.99765817176266629,
                MannWhitney.test(baseline, candidate, Alternative.LESS).pValue());
    }

    @Test
    void largeSamplesWithoutTiesUseNormalApproximation() {
        // 50 vs 50 is past the exact limit. baseline 1..50, candidate 5.5..54.5 step 1:
        // candidate k+4.5 beats min(50, k+4) baseline values, U = sum = 1081+184+200 = 1465.
        // mean 1250, var = 2500*101/12, sd = 145.05745987941.
        // Greater: z = 214.5/sd = 1.4787243632856, p = 0.069606999039017642 (mpmath; scipy agrees).
        double[] baseline = new double[50];
        double[] candidate = new double[50];
        for (int k = 1; k <= 50; k++) {
            baseline[k - 1] = k;
            candidate[k - 1] = k + 4.5;
        }
        Result greater = MannWhitney.test(baseline, candidate, Alternative.GREATER);
        assertFalse(greater.exact());
        assertEquals(1465.0, greater.u());
        assertRelative(0.069606999039017642, greater.pValue());
        assertRelative(
                0.13921399807803528,
                MannWhitney.test(baseline, candidate, Alternative.TWO_SIDED).pValue());
    }

    @Test
    void verySmallPValuesKeepTheirPrecision() {
        // 60 vs 60, candidate 41.5..100.5: U = (41+...+60) + 40*60 = 1010 + 2400 = 3410,
        // mean 1800, sd = sqrt(3600*121/12) = 190.52558883258; z = 1609.5/sd = 8.4476841660064,
        // p = 1.4856895561912655e-17 (mpmath erfc at 30 digits; scipy gives 1.48568955619127e-17).
        double[] baseline = new double[60];
        double[] candidate = new double[60];
        for (int k = 1; k <= 60; k++) {
            baseline[k - 1] = k;
            candidate[k - 1] = 40.5 + k;
        }
        Result greater = MannWhitney.test(baseline, candidate, Alternative.GREATER);
        assertEquals(3410.0, greater.u());
        assertRelative(1.4856895561912655e-17, greater.pValue());
    }

    @Test
    void swappingSamplesMirrorsTheAlternative() {
        double[] a = {12, 15, 11, 19, 14, 13, 18, 16};
        double[] b = {17, 21, 16, 22, 20, 19, 23, 18, 25};
        Result ab = MannWhitney.test(a, b, Alternative.GREATER);
        Result ba = MannWhitney.test(b, a, Alternative.LESS);
        assertEquals(ab.pValue(), ba.pValue(), 1e-15);
        assertEquals(a.length * b.length, ab.u() + ba.u(), 0.0);
        assertTrue(ab.pValue() < 0.01, "b is clearly above a");
    }

    @Test
    void identicalSamplesShowNoDifference() {
        double[] same = {5, 5, 5, 5, 5};
        for (Alternative alternative : Alternative.values()) {
            assertEquals(1.0, MannWhitney.test(same, same, alternative).pValue());
        }
    }

    @Test
    void rejectsEmptyAndNonFiniteSamples() {
        assertThrows(
                IllegalArgumentException.class,
                () -> MannWhitney.test(new double[0], new double[] {1}, Alternative.GREATER));
        assertThrows(
                IllegalArgumentException.class,
                () -> MannWhitney.test(new double[] {1, Double.NaN}, new double[] {1}, Alternative.GREATER));
        assertThrows(
                IllegalArgumentException.class,
                () -> MannWhitney.test(new double[] {1}, new double[] {Double.POSITIVE_INFINITY}, Alternative.LESS));
    }

    /** U by its definition: pairs where the candidate is larger, ties counting one half. */
    private static double pairCountU(double[] baseline, double[] candidate) {
        double u = 0;
        for (double c : candidate) {
            for (double b : baseline) {
                u += c > b ? 1 : c == b ? 0.5 : 0;
            }
        }
        return u;
    }

    private static double[] distinct(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextDouble();
        }
        return values;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] all = new double[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
