package dev.mimamori.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the operator process's memory every second: resident set from /proc (the kernel keeps the true peak,
 * VmHWM, which is read at the end) and heap from its Prometheus metrics (a sampled peak, so a lower bound of the true
 * one). Heap "used" includes garbage not yet collected; the live data after the last full or mixed collection
 * (jvm_gc_live_data_size_bytes) is what the operator really keeps.
 */
final class OperatorMemory implements AutoCloseable {
    private static final double MIB = 1024 * 1024;

    private final PackagedOperator operator;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-memory-sampler");
        t.setDaemon(true);
        return t;
    });
    private volatile double peakHeapUsedMib;
    private volatile double peakHeapCommittedMib;
    private volatile double peakLiveDataMib;
    private volatile double lastRssMib;
    private volatile int samples;

    /** What was seen; {@code peakRssMib} is the kernel's VmHWM. */
    record Figures(
            double peakRssMib,
            double peakHeapUsedMib,
            double peakHeapCommittedMib,
            double peakLiveDataMib,
            int samples) {}

    OperatorMemory(PackagedOperator operator) {
        this.operator = operator;
        sampler.scheduleWithFixedDelay(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        long rss = operator.procStatusKib("VmRSS");
        if (rss > 0) {
            lastRssMib = rss / 1024.0;
        }
        String metrics = operator.metrics();
        if (metrics == null) {
            return;
        }
        peakHeapUsedMib =
                Math.max(peakHeapUsedMib, Prometheus.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"") / MIB);
        peakHeapCommittedMib = Math.max(
                peakHeapCommittedMib, Prometheus.sum(metrics, "jvm_memory_committed_bytes", "area=\"heap\"") / MIB);
        peakLiveDataMib = Math.max(peakLiveDataMib, Prometheus.sum(metrics, "jvm_gc_live_data_size_bytes", "") / MIB);
        samples++;
    }

    /** Reads the peaks; call while the process still runs (VmHWM goes with it). */
    Figures figures() {
        long hwm = operator.procStatusKib("VmHWM");
        return new Figures(
                hwm > 0 ? hwm / 1024.0 : lastRssMib, peakHeapUsedMib, peakHeapCommittedMib, peakLiveDataMib, samples);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
