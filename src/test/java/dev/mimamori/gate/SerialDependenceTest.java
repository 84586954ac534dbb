package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How much the gate widens its test for minutes that move together. */
class SerialDependenceTest {

    private static final double[] ALTERNATING = {100, 104, 99, 103, 101, 105, 98, 102, 100, 104, 99, 103, 101, 105, 98};

    @Test
    void minutesThatJumpAroundNeedNoWidening() {
        assertThat(SerialDependence.varianceInflation(ALTERNATING, ALTERNATING)).isEqualTo(1.0);
    }

    @Test
    void theStepBetweenTheWindowsIsNotMistakenForDependence() {
        double[] doubled = new double[ALTERNATING.length];
        for (int i = 0; i < doubled.length; i++) {
            doubled[i] = 2 * ALTERNATING[i];
        }

        assertThat(SerialDependence.varianceInflation(ALTERNATING, doubled)).isEqualTo(1.0);
    }

    @Test
    void slowWanderWidensTheTestSeveralFold() {
        double[] wander = new double[15];
        for (int i = 0; i < wander.length; i++) {
            wander[i] = 100 + 10 * Math.sin(i / 3.0);
        }

        assertThat(SerialDependence.lag1(wander, wander)).isGreaterThan(0.7);
        assertThat(SerialDependence.varianceInflation(wander, wander)).isGreaterThan(5.0);
    }

    @Test
    void aFlatRateWhoseLastDigitsWobbleIsNotDependent() {
        double[] flat = new double[15];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (1.2 + i * 1e-15) / 600;
        }

        assertThat(SerialDependence.varianceInflation(flat, flat)).isEqualTo(1.0);
    }

    @Test
    void theHistoryBeforeTheBaselineJoinsTheEstimatePieceByPiece() {
        double[] wander = new double[45];
        double[] jumpy = new double[45];
        for (int i = 0; i < wander.length; i++) {
            wander[i] = 100 + 10 * Math.sin(i / 3.0);
            jumpy[i] = ALTERNATING[i % ALTERNATING.length];
        }

        // Windows that look independent on their own are widened when the hour before them wandered.
        assertThat(SerialDependence.varianceInflation(wander, ALTERNATING, ALTERNATING))
                .isGreaterThan(2.0);
        assertThat(SerialDependence.varianceInflation(jumpy, ALTERNATING, ALTERNATING))
                .isEqualTo(1.0);
        // Each piece is taken about its own mean, so a history at another level is not read as dependence.
        double[] higher = jumpy.clone();
        for (int i = 0; i < 15; i++) {
            higher[i] += 50;
        }
        assertThat(SerialDependence.varianceInflation(higher, ALTERNATING, ALTERNATING))
                .isEqualTo(1.0);
    }

    @Test
    void missingMinutesBreakPairsInsteadOfJoiningDistantMinutes() {
        double[] gappy = {100, Double.NaN, 110, Double.NaN, 100, Double.NaN, 110, Double.NaN, 100, Double.NaN, 110};

        assertThat(SerialDependence.lag1(gappy, gappy)).isZero();
    }
}
