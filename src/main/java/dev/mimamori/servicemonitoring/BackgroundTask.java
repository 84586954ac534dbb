package dev.mimamori.servicemonitoring;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A task repeated on its own daemon thread, with a fixed pause between runs; it never blocks a reconcile thread. */
final class BackgroundTask implements AutoCloseable {
    private final ScheduledExecutorService scheduler;

    private BackgroundTask(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    static BackgroundTask every(Duration pause, String threadName, Runnable task) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        long millis = pause.toMillis();
        scheduler.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
        return new BackgroundTask(scheduler);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
