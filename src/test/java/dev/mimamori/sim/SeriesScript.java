package dev.mimamori.sim;

import java.util.Random;
import java.util.function.LongFunction;

/**
 * Deterministic generator of simulated per-bucket metric series for one service, for a baseline
 * version (factor 1) or a candidate version carrying a regression factor.
 *
 * <p>The model, per bucket and independently of other buckets:
 * <ul>
 *   <li>p95 latency = {@code p95MedianMs * factor * exp(p95Sigma * N(0,1))}, a lognormal whose
 *       median is {@code p95MedianMs * factor}; sigma 0.10 gives about 10% bucket-to-bucket
 *       spread;</li>
 *   <li>error count = Poisson({@code requestsPerBucket * errorRate * factor}); the error rate is
 *       that count divided by {@code requestsPerBucket} (traffic is taken as constant);</li>
 *   <li>each point is missing (NaN) with probability {@code missingProbability}.</li>
 * </ul>
 * Not modelled: drift and correlation between buckets, traffic swings, spikes.
 *
 * <p>Two ways to draw:
 * <ul>
 *   <li>{@link #p95LatencyMs(int, double)} and friends return a fresh window of n buckets per
 *       call, continuing one random stream: for the benchmark, which needs many windows;</li>
 *   <li>{@link #p95LatencyMsAt(double, long)} and {@link #errorRateAt(double, long)} give the
 *       value of the bucket starting at a time, the same on every call and from any thread: for a
 *       simulated metrics backend. Use one script, with its own seed, per version; two versions
 *       sharing a seed would share their noise.</li>
 * </ul>
 *
 * <p>Uses {@link java.util.Random}, whose algorithm is fixed by its specification, so a seed gives
 * the same series on every JVM. The same seed and the same sequence of calls give the same values.
 */
public final class SeriesScript {

    /**
     * What the simulated service looks like.
     *
     * @param p95MedianMs        typical p95 latency of a bucket, ms
     * @param p95Sigma           standard deviation of log(p95) between buckets
     * @param requestsPerBucket  requests in one bucket
     * @param errorRate          fraction of requests that fail
     * @param missingProbability chance that a bucket has no point
     */
    public record Service(
            double p95MedianMs,
            double p95Sigma,
            double requestsPerBucket,
            double errorRate,
            double missingProbability) {
        public Service {
            if (!(p95MedianMs > 0)
                    || !(p95Sigma >= 0)
                    || !(requestsPerBucket > 0)
                    || !(errorRate >= 0 && errorRate <= 1)
                    || !(missingProbability >= 0 && missingProbability < 1)) {
                throw new IllegalArgumentException("invalid service profile: " + this);
            }
        }

        /** The same service with another p95 spread. */
        public Service withP95Sigma(double sigma) {
            return new Service(p95MedianMs, sigma, requestsPerBucket, errorRate, missingProbability);
        }
    }

    /**
     * A service at moderate traffic (10 requests/s, so 600 per one-minute bucket): p95 of 200 ms
     * varying about 10% between buckets, 0.5% errors, 2% of points missing.
     */
    public static final Service MODERATE_TRAFFIC = new Service(200.0, 0.10, 600.0, 0.005, 0.02);

    private final Service service;
    private final long seed;
    private final Random random;

    public SeriesScript(Service service, long seed) {
        this.service = service;
        this.seed = seed;
        this.random = new Random(seed);
    }

    public Service service() {
        return service;
    }

    /** p95 latency in ms for {@code buckets} buckets, multiplied by {@code factor} (1 = baseline). */
    public double[] p95LatencyMs(int buckets, double factor) {
        double median = service.p95MedianMs() * factor;
        double[] series = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            series[i] = median * Math.exp(service.p95Sigma() * random.nextGaussian());
        }
        return withMissing(series);
    }

    /** Error count per bucket, the expected count multiplied by {@code factor}. */
    public double[] errorCounts(int buckets, double factor) {
        double mean = service.requestsPerBucket() * service.errorRate() * factor;
        double[] series = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            series[i] = poisson(random, mean);
        }
        return withMissing(series);
    }

    /** Error rate (fraction of requests) per bucket, the expected rate multiplied by {@code factor}. */
    public double[] errorRates(int buckets, double factor) {
        double[] series = errorCounts(buckets, factor);
        for (int i = 0; i < series.length; i++) {
            series[i] /= service.requestsPerBucket();
        }
        return series;
    }

    /**
     * p95 latency in ms of the bucket that starts at a time (epoch ms), multiplied by
     * {@code factor}; NaN when the point is missing.
     */
    public LongFunction<Double> p95LatencyMsAt(double factor, long intervalMs) {
        double median = service.p95MedianMs() * factor;
        return timeMs -> {
            Random bucket = bucketRandom(timeMs, intervalMs);
            double value = median * Math.exp(service.p95Sigma() * bucket.nextGaussian());
            return bucket.nextDouble() < service.missingProbability() ? Double.NaN : value;
        };
    }

    /**
     * Error rate (fraction of requests) of the bucket that starts at a time (epoch ms), the
     * expected rate multiplied by {@code factor}; NaN when the point is missing.
     */
    public LongFunction<Double> errorRateAt(double factor, long intervalMs) {
        double mean = service.requestsPerBucket() * service.errorRate() * factor;
        return timeMs -> {
            Random bucket = bucketRandom(timeMs, intervalMs);
            double value = poisson(bucket, mean) / service.requestsPerBucket();
            return bucket.nextDouble() < service.missingProbability() ? Double.NaN : value;
        };
    }

    /** A generator for one bucket, from the seed and the bucket's index only. */
    private Random bucketRandom(long timeMs, long intervalMs) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + intervalMs);
        }
        // Scramble (seed, index): Randoms seeded with neighbouring numbers start out correlated.
        long z = seed ^ (Math.floorDiv(timeMs, intervalMs) * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return new Random(z ^ (z >>> 33));
    }

    private double[] withMissing(double[] series) {
        for (int i = 0; i < series.length; i++) {
            if (random.nextDouble() < service.missingProbability()) {
                series[i] = Double.NaN;
            }
        }
        return series;
    }

    /**
     * Poisson draw by multiplying uniforms (Knuth). Means above 500 are split into parts, since a
     * sum of Poisson draws is Poisson and exp(-mean) would otherwise underflow.
     */
    private static int poisson(Random random, double mean) {
        int total = 0;
        double remaining = mean;
        while (remaining > 0) {
            double part = Math.min(remaining, 500.0);
            remaining -= part;
            double limit = Math.exp(-part);
            double product = random.nextDouble();
            while (product > limit) {
                total++;
                product *= random.nextDouble();
            }
        }
        return total;
    }
}
