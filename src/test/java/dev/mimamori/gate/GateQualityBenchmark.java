package dev.mimamori.gate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * Verdict quality of the gate per release, at the defaults, with both default metrics (p95 latency and error rate)
 * judged together through {@link GateReplay}, i.e. the looks and the analysis the reconciler runs: how often a
 * release that did not change fails (A/A), how often a p95 regression of +10/+20/+50% is caught, and when, under
 * several models of real traffic. Deterministic: one seed per (model, effect, run).
 *
 * <p>Models of the per-minute p95 (log scale, median 200 ms, spread 0.10 as in {@code SeriesScript.MODERATE_TRAFFIC};
 * requests Poisson around 600 a minute, 0.5% errors, 2% of minutes missing unless said otherwise):
 * independent minutes; AR(1) dependence with phi 0.5 and 0.8 running across the history, both windows and the
 * warm-up; a linear drift of +10% and -10% an hour; p95 computed from the requests of each minute (request latencies
 * log-normal with spread 0.5, plus a per-minute spread of 0.09) with 600 requests a minute on one side and 60 on the
 * other, both ways; 30% of minutes missing. Error counts are Poisson of each minute's requests, and the error rate is
 * judged per request with those counts, as the default profile's requests query makes the operator do. Every run
 * has the history before the baseline that the operator queries for its dependence estimate.
 *
 * <p>Usage: {@code java -cp <test classpath> dev.mimamori.gate.GateQualityBenchmark [--runs N]} (default 10000).
 */
public final class GateQualityBenchmark {

    private static final long SEED = 20_261_204L;
    private static final int DEFAULT_RUNS = 10_000;
    private static final double[] EFFECTS = {1.00, 1.10, 1.20, 1.50};
    private static final int BUCKETS = GateDefaults.BUCKETS_PER_SIDE;
    private static final int GAP = (int) GateDefaults.WARMUP.toMinutes();
    private static final int HISTORY = GateDefaults.HISTORY_WINDOWS * BUCKETS;
    private static final double MEDIAN_MS = 200;
    private static final double SIGMA = 0.10;
    private static final double REQUEST_SIGMA = 0.5;
    private static final double MINUTE_SIGMA = 0.09;
    private static final double ERROR_RATE = 0.005;

    private GateQualityBenchmark() {}

    /** How one model draws a run: baseline and candidate minutes of both metrics. */
    record Model(
            String name,
            double phi,
            double trendPerHour,
            double baselineRequests,
            double candidateRequests,
            boolean p95FromRequests,
            double missing) {}

    static final List<Model> MODELS = List.of(
            new Model("independent minutes", 0, 0, 600, 600, false, 0.02),
            new Model("AR(1) phi 0.5", 0.5, 0, 600, 600, false, 0.02),
            new Model("AR(1) phi 0.8", 0.8, 0, 600, 600, false, 0.02),
            new Model("trend +10%/h", 0, 0.10, 600, 600, false, 0.02),
            new Model("trend -10%/h", 0, -0.10, 600, 600, false, 0.02),
            new Model("traffic 600 -> 60 req/min", 0, 0, 600, 60, true, 0.02),
            new Model("traffic 60 -> 600 req/min", 0, 0, 60, 600, true, 0.02),
            new Model("30% missing minutes", 0, 0, 600, 600, false, 0.30));

    /** Outcome of one run: the verdict and the minute after the rollout it came at. */
    private record Run(Verdict verdict, boolean early, int minute) {}

    public static void main(String[] args) {
        int runs = parseRuns(args);
        List<ResolvedMetric> metrics = List.of(
                new ResolvedMetric("p95 latency", "", GateDefaults.latencyCriteria()),
                new ResolvedMetric("error rate", "", GateDefaults.errorRateCriteria(), "requests"));
        AnalysisSettings settings = AnalysisSettings.of(new dev.mimamori.api.AnalysisSpec());
        long started = System.nanoTime();
        System.out.printf(
                Locale.ROOT,
                "Gate quality per release: %d runs per cell, %d one-minute buckets a side, both"
                        + " default metrics, confidence %s split over them%n%n",
                runs,
                BUCKETS,
                GateDefaults.CONFIDENCE);
        System.out.println("| model | p95 change | Failed (95% CI) | early | Inconclusive | median minute of a fail |"
                + " failed by minute 12 |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (int m = 0; m < MODELS.size(); m++) {
            Model model = MODELS.get(m);
            for (int e = 0; e < EFFECTS.length; e++) {
                double effect = EFFECTS[e];
                long seed = SEED + 1_000_000L * m + 10_000_000L * e;
                Run[] results = IntStream.range(0, runs)
                        .parallel()
                        .mapToObj(i -> once(model, effect, new Random(seed + i), metrics, settings))
                        .toArray(Run[]::new);
                print(model.name(), effect, results);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nIntervals are 95%% Wilson intervals. 'early' fails came before the window"
                        + " ended; minute 12 = warm-up 2 + half the window + data delay 2 (rounded up). %.0f s.%n",
                (System.nanoTime() - started) / 1e9);
    }

    private static Run once(
            Model model, double effect, Random random, List<ResolvedMetric> metrics, AnalysisSettings settings) {
        // Minute 0 starts the history; the baseline window is [HISTORY, HISTORY + BUCKETS).
        int minutes = HISTORY + 2 * BUCKETS + GAP;
        double[] latency = new double[minutes];
        double[] errors = new double[minutes];
        double[] requests = new double[minutes];
        double dependent = random.nextGaussian();
        for (int t = 0; t < minutes; t++) {
            boolean candidate = t >= HISTORY + BUCKETS + GAP;
            requests[t] = poisson(candidate ? model.candidateRequests() : model.baselineRequests(), random);
            if (t > 0) {
                dependent = model.phi() * dependent + Math.sqrt(1 - model.phi() * model.phi()) * random.nextGaussian();
            }
            double level = MEDIAN_MS * (candidate ? effect : 1.0) * (1 + model.trendPerHour() * (t - HISTORY) / 60.0);
            latency[t] = model.p95FromRequests()
                    ? level * Math.exp(MINUTE_SIGMA * random.nextGaussian()) * sampledP95Factor(requests[t], random)
                    : level * Math.exp(SIGMA * dependent);
            errors[t] = poisson(requests[t] * ERROR_RATE, random) / requests[t];
            if (random.nextDouble() < model.missing()) {
                latency[t] = Double.NaN;
            }
            if (random.nextDouble() < model.missing()) {
                // The error rate and its request count come from the same minute's hits: both are missing.
                errors[t] = Double.NaN;
                requests[t] = Double.NaN;
            }
        }
        int baselineFrom = HISTORY;
        int candidateFrom = HISTORY + BUCKETS + GAP;
        GateReplay.Decision d = GateReplay.replay(
                List.of(
                        new GateReplay.Recorded(
                                metrics.get(0),
                                Arrays.copyOfRange(latency, baselineFrom, baselineFrom + BUCKETS),
                                Arrays.copyOfRange(latency, candidateFrom, minutes),
                                null,
                                null,
                                Arrays.copyOfRange(latency, 0, baselineFrom)),
                        new GateReplay.Recorded(
                                metrics.get(1),
                                Arrays.copyOfRange(errors, baselineFrom, baselineFrom + BUCKETS),
                                Arrays.copyOfRange(errors, candidateFrom, minutes),
                                Arrays.copyOfRange(requests, baselineFrom, baselineFrom + BUCKETS),
                                Arrays.copyOfRange(requests, candidateFrom, minutes),
                                Arrays.copyOfRange(errors, 0, baselineFrom))),
                settings);
        int minute = (int) (settings.warmup().toMinutes()
                + d.candidateBuckets()
                + settings.dataDelay().toMinutes());
        return new Run(d.verdict(), d.early(), minute);
    }

    /** A minute's sample p95 over its true p95: the ceil(0.95 n)-th of n log-normal request latencies. */
    private static double sampledP95Factor(double requests, Random random) {
        int n = (int) requests;
        int k = (int) Math.ceil(0.95 * n);
        double u = BetaDistribution.of(k, n + 1 - k).inverseCumulativeProbability(random.nextDouble());
        return Math.exp(REQUEST_SIGMA * (NORMAL_QUANTILE.applyAsDouble(u) - NORMAL_QUANTILE.applyAsDouble(0.95)));
    }

    private static final java.util.function.DoubleUnaryOperator NORMAL_QUANTILE =
            org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1)::inverseCumulativeProbability;

    /** Knuth's method; above 30 the normal approximation, rounded (exp(-600) would underflow). */
    private static int poisson(double mean, Random random) {
        if (mean > 30) {
            return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        int count = 0;
        for (double product = random.nextDouble(); product > limit; product *= random.nextDouble()) {
            count++;
        }
        return count;
    }

    private static void print(String model, double effect, Run[] runs) {
        int failed = 0;
        int early = 0;
        int inconclusive = 0;
        int byHalf = 0;
        List<Integer> failMinutes = new ArrayList<>();
        for (Run r : runs) {
            if (r.verdict() == Verdict.Failed) {
                failed++;
                failMinutes.add(r.minute());
                if (r.early()) {
                    early++;
                }
                if (r.minute() <= GAP + (BUCKETS + 1) / 2 + 2) {
                    byHalf++;
                }
            } else if (r.verdict() == Verdict.Inconclusive) {
                inconclusive++;
            }
        }
        failMinutes.sort(Integer::compare);
        double[] ci = wilson(failed, runs.length);
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %.2f%% [%.2f, %.2f] | %.2f%% | %.2f%% | %s | %.2f%% |%n",
                model,
                effect == 1.0 ? "A/A" : String.format(Locale.ROOT, "+%.0f%%", 100 * (effect - 1)),
                100.0 * failed / runs.length,
                100 * ci[0],
                100 * ci[1],
                100.0 * early / runs.length,
                100.0 * inconclusive / runs.length,
                failMinutes.isEmpty() ? "-" : String.valueOf(failMinutes.get(failMinutes.size() / 2)),
                100.0 * byHalf / runs.length);
    }

    private static int parseRuns(String[] args) {
        if (args.length == 0) {
            return DEFAULT_RUNS;
        }
        if (args.length == 2 && args[0].equals("--runs")) {
            return Integer.parseInt(args[1]);
        }
        throw new IllegalArgumentException("usage: GateQualityBenchmark [--runs N], got " + Arrays.toString(args));
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
