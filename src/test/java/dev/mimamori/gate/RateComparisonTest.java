package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;
import org.junit.jupiter.api.Test;

/** The request-weighted comparison of an error rate: counts, not per-bucket shares, decide. */
class RateComparisonTest {

    private static double[] constant(double value, int n) {
        double[] out = new double[n];
        Arrays.fill(out, value);
        return out;
    }

    @Test
    void withoutExtraSpreadItIsTheExactBinomialTestOfTheCandidatesShareOfTheErrors() {
        // 10 buckets of 600 requests a side; 3 errors in every baseline bucket, 5 in every candidate bucket.
        RateComparison.Result r = RateComparison.test(
                constant(3.0 / 600, 10), constant(600, 10), constant(5.0 / 600, 10), constant(600, 10), true, 1.0);

        double library = BinomialTest.withDefaults()
                .with(AlternativeHypothesis.GREATER_THAN)
                .test(80, 50, 0.5)
                .getPValue();
        assertThat(r.dispersion()).isEqualTo(1.0);
        assertThat(r.pValue()).isCloseTo(library, within(1e-12));
        // scipy.stats.binomtest(50, 80, 0.5, alternative='greater')
        assertThat(r.pValue()).isCloseTo(0.016496309213238095, within(1e-12));
        assertThat(r.baselineRate()).isCloseTo(0.005, within(1e-15));
        assertThat(r.candidateRate()).isCloseTo(5.0 / 600, within(1e-15));
    }

    @Test
    void oneErrorAtLowTrafficAgainstTheSameRateAtTenTimesTheTrafficIsNotARegression() {
        // Baseline 60 requests a minute with one error in 15 minutes; candidate 600 a minute, 3 errors in each.
        double[] baseline = new double[15];
        baseline[4] = 1.0 / 60;
        RateComparison.Result r =
                RateComparison.test(baseline, constant(60, 15), constant(3.0 / 600, 15), constant(600, 15), true, 1.0);

        // scipy.stats.binomtest(45, 46, 9000/9900, alternative='greater')
        assertThat(r.pValue()).isCloseTo(0.0698432611985745, within(1e-9));
        assertThat(r.pValue()).isGreaterThan(0.01);
    }

    @Test
    void errorsThatComeInBurstsCountForLessThanSteadyOnes() {
        double[] steady = constant(4.0 / 600, 10);
        double[] bursts = new double[10];
        bursts[2] = 20.0 / 600;
        bursts[7] = 20.0 / 600;
        double[] requests = constant(600, 10);

        RateComparison.Result smooth =
                RateComparison.test(constant(2.0 / 600, 10), requests, steady, requests, true, 1.0);
        RateComparison.Result clumped =
                RateComparison.test(constant(2.0 / 600, 10), requests, bursts, requests, true, 1.0);

        assertThat(clumped.candidateRate()).isEqualTo(smooth.candidateRate());
        assertThat(clumped.dispersion()).isGreaterThan(3.0);
        assertThat(clumped.pValue()).isGreaterThan(20 * smooth.pValue());
    }

    @Test
    void dependenceWidensTheTestLikeFewerEvents() {
        double[] requests = constant(600, 10);
        RateComparison.Result independent =
                RateComparison.test(constant(3.0 / 600, 10), requests, constant(5.0 / 600, 10), requests, true, 1.0);
        RateComparison.Result dependent =
                RateComparison.test(constant(3.0 / 600, 10), requests, constant(5.0 / 600, 10), requests, true, 3.0);

        assertThat(dependent.pValue()).isGreaterThan(independent.pValue());
    }

    @Test
    void aFallingSuccessShareIsWorseWhenHigherIsBetter() {
        // Successes counted as Poisson events: a fall from 99% to 90% of 6,000 requests a side is clear.
        double[] requests = constant(600, 10);
        RateComparison.Result fall = RateComparison.test(
                constant(594.0 / 600, 10), requests, constant(540.0 / 600, 10), requests, false, 1.0);
        RateComparison.Result rise = RateComparison.test(
                constant(540.0 / 600, 10), requests, constant(594.0 / 600, 10), requests, false, 1.0);

        assertThat(fall.pValue()).isLessThan(0.001);
        assertThat(rise.pValue()).isGreaterThan(0.5);
    }

    @Test
    void bucketsWithoutACountAreLeftOutAndCountsMustPairWithValues() {
        double[] requests = {600, Double.NaN, 0, 600};
        assertThat(RateComparison.usableBuckets(new double[] {0.01, 0.01, 0.01, Double.NaN}, requests))
                .isEqualTo(1);

        assertThatThrownBy(() -> RateComparison.test(
                        new double[] {0.01, 0.02},
                        new double[] {600},
                        new double[] {0.01},
                        new double[] {600},
                        true,
                        1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("baseline: 2 values but 1 request counts; they must pair up bucket by bucket");
    }
}
