package dev.mimamori.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The machine's one-minute load average, sampled every second while a size runs: the operator, the API server and
 * the simulator share the cores with whatever else runs, and the figures are only as clean as the load was low.
 */
final class MachineLoad implements AutoCloseable {
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-load-sampler");
        t.setDaemon(true);
        return t;
    });
    private double sum;
    private double max;
    private int samples;

    /** Mean and highest one-minute load average seen. */
    record Figures(double mean, double max) {}

    MachineLoad() {
        sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private synchronized void sample() {
        double load = now();
        if (!Double.isNaN(load)) {
            sum += load;
            max = Math.max(max, load);
            samples++;
        }
    }

    synchronized Figures figures() {
        return new Figures(samples == 0 ? Double.NaN : sum / samples, samples == 0 ? Double.NaN : max);
    }

    /** The one-minute load average now, or NaN where /proc/loadavg is not there. */
    static double now() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
