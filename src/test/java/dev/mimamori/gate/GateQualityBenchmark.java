package dev.mimamori.gate;

import dev.mimamori.api.Direction;
import dev.mimamori.gate.MetricComparison.GateCriteria;
import dev.mimamori.gate.MetricComparison.MetricResult;
import dev.mimamori.sim.SeriesScript;
import dev.mimamori.sim.SeriesScript.Service;
import java.util.Arrays;
import java.util.Locale;

/**
 * Verdict quality of the gate on simulated series: how often it fails a release that did not
 * change (A/A) and how often it catches a p95 latency regression (A/B), at the defaults of
 * {@link GateDefaults}. Deterministic: the same runs give the same table on every machine.
 *
 * <p>Each run draws {@link GateDefaults#BUCKETS_PER_SIDE} one-minute buckets for the baseline and
 * for the candidate from {@link SeriesScript#MODERATE_TRAFFIC}. The gate is then played as the
 * operator would: the baseline window is complete; the candidate is checked for an early fail
 * after each bucket from minSamples on, and judged in full at the end. A run counts as Failed when
 * either the early check or the final verdict fails it.
 *
 * <p>Usage: {@code java -cp <test classpath> dev.mimamori.gate.GateQualityBenchmark [--runs N]}
 * (N at least 1000, default 10000).
 */
public final class GateQualityBenchmark {

    private static final long SEED = 20_240_601L;
    private static final int DEFAULT_RUNS = 10_000;
    private static final double[] LATENCY_FACTORS = {1.00, 1.10, 1.20, 1.50};
    private static final double[] ERROR_FACTORS = {1.0, 1.5, 2.0, 3.0};

    private GateQualityBenchmark() {
    }

    /** Simulated baseline and candidate windows of one scenario, drawn once, judged many ways. */
    private record Runs(double[][] baseline, double[][] candidate) {
    }

    /** Counts of outcomes over the runs of one scenario. */
    private record Tally(int runs, int passed, int failed, int inconclusive, int failedEarly) {
        double rate(int count) {
            return (double) count / runs;
        }
    }

    private interface Series {
        double[] draw(SeriesScript script, int buckets, double factor);
    }

    public static void main(String[] args) {
        int runs = parseRuns(args);
        int buckets = GateDefaults.BUCKETS_PER_SIDE;
        Service service = SeriesScript.MODERATE_TRAFFIC;
        GateCriteria latency = GateDefaults.latencyCriteria();
        GateCriteria errors = GateDefaults.errorRateCriteria();

        System.out.printf(Locale.ROOT, "Gate quality benchmark: %d runs per scenario, %d buckets of %d min per side%n",
                runs, buckets, GateDefaults.INTERVAL.toMinutes());
        System.out.printf(Locale.ROOT, "Defaults: confidence %s, minSamples %d, latency max regression %s%%, "
                        + "latency floor %s ms, early fail at p < alpha/%d and change >= %dx allowed%n",
                GateDefaults.CONFIDENCE, GateDefaults.MIN_SAMPLES,
                GateDefaults.LATENCY_MAX_REGRESSION_PERCENT, GateDefaults.LATENCY_ABSOLUTE_FLOOR_MS,
                GateDefaults.EARLY_FAIL_ALPHA_DIVISOR, GateDefaults.EARLY_FAIL_CHANGE_MULTIPLE);
        System.out.printf(Locale.ROOT, "Service: p95 median %s ms, sigma %s (log scale), %s missing points%n%n",
                service.p95MedianMs(), service.p95Sigma(), service.missingProbability());

        Series p95 = SeriesScript::p95LatencyMs;
        System.out.println("1. p95 latency at the defaults");
        Runs[] latencyRuns = new Runs[LATENCY_FACTORS.length];
        printHeader();
        for (int i = 0; i < LATENCY_FACTORS.length; i++) {
            latencyRuns[i] = simulate(service, p95, LATENCY_FACTORS[i], runs, buckets, seed(1, 0, i));
            printRow(scenarioName(LATENCY_FACTORS[i]), judge(latencyRuns[i], latency));
        }

        System.out.println();
        System.out.println("2. Sensitivity to the noise level, defaults unchanged (Failed rate; inconclusive in brackets)");
        double[] sigmas = {0.05, 0.10, 0.15};
        System.out.printf(Locale.ROOT, "%-14s", "p95 sigma");
        for (double factor : LATENCY_FACTORS) {
            System.out.printf(Locale.ROOT, "%18s", scenarioName(factor));
        }
        System.out.println();
        for (int s = 0; s < sigmas.length; s++) {
            System.out.printf(Locale.ROOT, "%-14s", String.format(Locale.ROOT, "%.2f", sigmas[s]));
            for (int i = 0; i < LATENCY_FACTORS.length; i++) {
                Runs r = sigmas[s] == service.p95Sigma() ? latencyRuns[i]
                        : simulate(service.withP95Sigma(sigmas[s]), p95, LATENCY_FACTORS[i], runs, buckets,
                        seed(2, s, i));
                Tally t = judge(r, latency);
                System.out.printf(Locale.ROOT, "%18s", String.format(Locale.ROOT, "%6.2f%% (%.2f%%)",
                        100 * t.rate(t.failed()), 100 * t.rate(t.inconclusive())));
            }
            System.out.println();
        }

        System.out.println();
        System.out.println("3. Other settings on the same runs (Failed rate, early fails included)");
        double[] confidences = {0.95, 0.98, 0.99, 0.995};
        double[] maxRegressions = {5.0, 10.0, 15.0};
        System.out.printf(Locale.ROOT, "%-12s%-10s", "confidence", "max reg.");
        for (double factor : LATENCY_FACTORS) {
            System.out.printf(Locale.ROOT, "%12s", scenarioName(factor));
        }
        System.out.println();
        for (double confidence : confidences) {
            for (double maxRegression : maxRegressions) {
                GateCriteria criteria = new GateCriteria(Direction.LowerIsBetter, maxRegression,
                        GateDefaults.LATENCY_ABSOLUTE_FLOOR_MS, confidence, GateDefaults.MIN_SAMPLES);
                System.out.printf(Locale.ROOT, "%-12s%-10s", confidence, maxRegression + "%");
                for (Runs r : latencyRuns) {
                    Tally t = judge(r, criteria);
                    System.out.printf(Locale.ROOT, "%11.2f%%", 100 * t.rate(t.failed()));
                }
                System.out.println();
            }
        }

        System.out.println();
        System.out.println("4. Longer analysis windows, other defaults unchanged (Failed rate; inconclusive in brackets)");
        int[] windows = {buckets, buckets + buckets / 2, 2 * buckets};
        System.out.printf(Locale.ROOT, "%-14s", "buckets/side");
        for (double factor : LATENCY_FACTORS) {
            System.out.printf(Locale.ROOT, "%18s", scenarioName(factor));
        }
        System.out.println();
        for (int w = 0; w < windows.length; w++) {
            System.out.printf(Locale.ROOT, "%-14d", windows[w]);
            for (int i = 0; i < LATENCY_FACTORS.length; i++) {
                Runs r = windows[w] == buckets ? latencyRuns[i]
                        : simulate(service, p95, LATENCY_FACTORS[i], runs, windows[w], seed(4, w, i));
                Tally t = judge(r, latency);
                System.out.printf(Locale.ROOT, "%18s", String.format(Locale.ROOT, "%6.2f%% (%.2f%%)",
                        100 * t.rate(t.failed()), 100 * t.rate(t.inconclusive())));
            }
            System.out.println();
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "5. Error rate at the defaults (%s requests per bucket, %s%% errors, "
                        + "max regression %s%%, floor %s)%n",
                service.requestsPerBucket(), 100 * service.errorRate(),
                GateDefaults.ERROR_RATE_MAX_REGRESSION_PERCENT, GateDefaults.ERROR_RATE_ABSOLUTE_FLOOR);
        printHeader();
        Series errorRate = SeriesScript::errorRates;
        for (int i = 0; i < ERROR_FACTORS.length; i++) {
            Runs r = simulate(service, errorRate, ERROR_FACTORS[i], runs, buckets, seed(5, 0, i));
            String name = ERROR_FACTORS[i] == 1.0 ? "A/A" : String.format(Locale.ROOT, "A/B x%.1f", ERROR_FACTORS[i]);
            printRow(name, judge(r, errors));
        }
        System.out.println();
        System.out.println("Rates with a 95% Wilson interval; 'early' is the share of runs failed before the window ended.");
    }

    private static int parseRuns(String[] args) {
        int runs = DEFAULT_RUNS;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs") && i + 1 < args.length) {
                runs = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("usage: GateQualityBenchmark [--runs N], got "
                        + Arrays.toString(args));
            }
        }
        if (runs < 1000) {
            throw new IllegalArgumentException("--runs must be at least 1000: " + runs);
        }
        return runs;
    }

    /** One seed per (table, row, column), so adding a table leaves the others' draws unchanged. */
    private static long seed(int table, int row, int column) {
        return SEED + 1_000_000L * table + 1_000L * row + column;
    }

    private static String scenarioName(double factor) {
        return factor == 1.0 ? "A/A" : String.format(Locale.ROOT, "A/B +%.0f%%", 100 * (factor - 1));
    }

    private static Runs simulate(Service service, Series series, double factor, int runs, int buckets, long seed) {
        SeriesScript script = new SeriesScript(service, seed);
        double[][] baseline = new double[runs][];
        double[][] candidate = new double[runs][];
        for (int i = 0; i < runs; i++) {
            baseline[i] = series.draw(script, buckets, 1.0);
            candidate[i] = series.draw(script, buckets, factor);
        }
        return new Runs(baseline, candidate);
    }

    private static Tally judge(Runs runs, GateCriteria criteria) {
        int passed = 0;
        int failed = 0;
        int inconclusive = 0;
        int failedEarly = 0;
        for (int i = 0; i < runs.baseline().length; i++) {
            double[] baseline = runs.baseline()[i];
            double[] candidate = runs.candidate()[i];
            boolean early = false;
            // Early looks after each candidate bucket, before the last one.
            for (int seen = criteria.minSamples(); seen < candidate.length && !early; seen++) {
                MetricResult partial = MetricComparison.compare(baseline, Arrays.copyOf(candidate, seen), criteria);
                early = partial.conclusiveEarly();
            }
            if (early) {
                failed++;
                failedEarly++;
                continue;
            }
            switch (MetricComparison.compare(baseline, candidate, criteria).verdict()) {
                case Passed -> passed++;
                case Failed -> failed++;
                case Inconclusive -> inconclusive++;
            }
        }
        return new Tally(runs.baseline().length, passed, failed, inconclusive, failedEarly);
    }

    private static void printHeader() {
        System.out.printf(Locale.ROOT, "%-12s%10s%26s%10s%16s%10s%n",
                "scenario", "runs", "Failed (95% CI)", "early", "Inconclusive", "Passed");
    }

    private static void printRow(String name, Tally t) {
        double[] ci = wilson(t.failed(), t.runs());
        System.out.printf(Locale.ROOT, "%-12s%10d%26s%9.2f%%%15.2f%%%9.2f%%%n", name, t.runs(),
                String.format(Locale.ROOT, "%6.2f%% [%.2f, %.2f]", 100 * t.rate(t.failed()), 100 * ci[0], 100 * ci[1]),
                100 * t.rate(t.failedEarly()), 100 * t.rate(t.inconclusive()), 100 * t.rate(t.passed()));
    }

    /** 95% Wilson score interval for a binomial proportion. */
    private static double[] wilson(int successes, int n) {
        double z = 1.959963984540054;
        double p = (double) successes / n;
        double denominator = 1 + z * z / n;
        double centre = (p + z * z / (2.0 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
