package dev.mimamori.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code make bench}, first step: the packaged operator at 100, 1,000 and 5,000 ServiceMonitorings (BENCH_SIZES),
 * against the mock API server and the Datadog simulator with a rate limit on monitor writes. Measures convergence
 * time, Datadog calls and 429s, the write rate against the limit, one steady-state resync and the operator's memory;
 * compares the steady cost with the one-resource-per-monitor model; writes docs/performance.md.
 */
public final class OperatorScaleBenchmark {

    /** The settings, each an environment variable or a system property (the property wins). */
    enum Setting {
        SIZES("BENCH_SIZES", "bench.sizes", "100,1000,5000"),
        JAR("BENCH_JAR", "bench.jar", "target/quarkus-app/quarkus-run.jar"),
        /*
         * 1,200 monitor writes per 10 s (120 a second). When it was chosen, the operator, the simulator and the API
         * server together spent about 12 ms of CPU per monitor write at 1,000 services (two idle cores: some 165
         * writes a second) and about 17 ms at 5,000, where the mock API server's linear scans grow (some 115 a
         * second). So 120 is below the machine's cap at 1,000 and near it at 5,000. The default sizes create
         * 61,000 monitors, at least 508 s at this limit, and with start-ups, creation and steady-state windows the
         * whole benchmark took under 13 minutes; a lower limit would push it past 15, a higher one would measure
         * the CPU rather than the operator's pacing.
         */
        WRITE_LIMIT("BENCH_WRITE_LIMIT", "bench.writeLimit", "1200"),
        WRITE_PERIOD("BENCH_WRITE_PERIOD", "bench.writePeriod", "10"),
        RESYNC("BENCH_RESYNC_SECONDS", "bench.resyncSeconds", "20"),
        /** The full list's interval, and the telemetry interval, so one of each falls in the steady-state window. */
        FULL_RESYNC("BENCH_FULL_RESYNC_SECONDS", "bench.fullResyncSeconds", "60"),
        /** The operator's JVM options; the benchmark adds -XX:NativeMemoryTracking=summary for its breakdown. */
        OPERATOR_JAVA_OPTIONS("BENCH_OPERATOR_JAVA_OPTIONS", "bench.operatorJavaOptions", DeployedJvm.OPTIONS),
        /** "empty": ServiceMonitorings only; "realistic": also Deployments with their ReplicaSet history. */
        CLUSTERS("BENCH_CLUSTERS", "bench.clusters", "empty,realistic"),
        /** ReplicaSets (revisions) per Deployment in the realistic cluster. */
        REVISIONS("BENCH_REVISIONS", "bench.revisions", "4"),
        WORK("BENCH_WORK", "bench.work", "target/bench"),
        REPORT("BENCH_REPORT", "bench.report", "docs/performance.md");

        final String env;
        final String property;
        final String fallback;

        Setting(String env, String property, String fallback) {
            this.env = env;
            this.property = property;
            this.fallback = fallback;
        }

        String value() {
            String fromProperty = System.getProperty(property);
            if (fromProperty != null && !fromProperty.isBlank()) {
                return fromProperty.trim();
            }
            String fromEnv = System.getenv(env);
            return fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : fallback;
        }

        int intValue() {
            return Integer.parseInt(value());
        }
    }

    record Settings(
            List<Integer> sizes,
            Path jar,
            List<String> operatorJavaOptions,
            int writeLimit,
            int writePeriodSeconds,
            Duration resyncInterval,
            Duration fullResyncInterval,
            Duration resyncMargin,
            Path work,
            Path report,
            List<String> clusters,
            int revisions) {

        static Settings read() {
            List<Integer> sizes = Arrays.stream(Setting.SIZES.value().split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .map(Integer::parseInt)
                    .toList();
            List<String> javaOptions = Arrays.stream(
                            Setting.OPERATOR_JAVA_OPTIONS.value().split("\\s+"))
                    .filter(o -> !o.isEmpty())
                    .toList();
            return new Settings(
                    sizes,
                    Path.of(Setting.JAR.value()),
                    javaOptions,
                    Setting.WRITE_LIMIT.intValue(),
                    Setting.WRITE_PERIOD.intValue(),
                    Duration.ofSeconds(Setting.RESYNC.intValue()),
                    Duration.ofSeconds(Setting.FULL_RESYNC.intValue()),
                    Duration.ofSeconds(10),
                    Path.of(Setting.WORK.value()),
                    Path.of(Setting.REPORT.value()),
                    Arrays.stream(Setting.CLUSTERS.value().split(","))
                            .map(String::trim)
                            .filter(c -> !c.isEmpty())
                            .toList(),
                    Setting.REVISIONS.intValue());
        }
    }

    private OperatorScaleBenchmark() {}

    /** Held, so that the levels set on them are not lost when an unreferenced logger is collected. */
    private static final List<Logger> QUIET =
            List.of(Logger.getLogger("io.fabric8.mockwebserver"), Logger.getLogger("mockwebserver3"));

    public static void main(String[] args) {
        int status = 0;
        try {
            run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        // The embedded servers leave non-daemon threads behind; the benchmark is over either way.
        System.exit(status);
    }

    private static void run() throws Exception {
        // The embedded servers log every request; the benchmark reports what matters.
        QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
        Settings settings = Settings.read();
        ScaleRun.PerService perService = ScaleRun.PerService.builtIn();
        long started = System.nanoTime();
        System.out.println(
                "mimamori at scale: the packaged operator against the mock API server and the Datadog" + " simulator");
        System.out.printf(
                "  sizes %s; operator %s; resync interval %d s%n",
                settings.sizes(), settings.jar(), settings.resyncInterval().toSeconds());
        System.out.printf(
                "  simulated write limit: %d monitor writes per %d s, shared by POST/PUT/DELETE"
                        + " /api/v1/monitor (X-RateLimit-Name %s)%n",
                settings.writeLimit(), settings.writePeriodSeconds(), ScaleRun.WRITE_LIMIT_NAME);
        System.out.println("  why: " + whyThisLimit(settings, perService.monitors()));
        List<ScaleResult> results = new ArrayList<>();
        for (int services : settings.sizes()) {
            for (String cluster : settings.clusters()) {
                System.out.printf("%n== %,d ServiceMonitorings, %s cluster%n", services, cluster);
                long sizeStarted = System.nanoTime();
                ScaleResult result;
                try {
                    result = new ScaleRun(settings, services, perService, "realistic".equals(cluster)).run();
                } catch (Exception | Error e) {
                    // One size failing must not hide the others' figures.
                    e.printStackTrace();
                    result = ScaleResult.failed(services, e.toString(), (System.nanoTime() - sizeStarted) / 1e9)
                            .withCluster(cluster, null, null, null);
                }
                results.add(result);
                System.out.printf(
                        "  [%d-%s] done in %.0f s%s%n",
                        services,
                        cluster,
                        result.wallSeconds(),
                        result.failure() == null ? "" : " (" + result.failure() + ")");
            }
        }
        double total = (System.nanoTime() - started) / 1e9;
        PerformanceReport report = new PerformanceReport(settings, machine(), results, perService, total);
        String markdown = report.markdown();
        System.out.println();
        System.out.println(markdown);
        Path out = settings.report();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, markdown);
        System.out.printf("wrote %s; the whole benchmark took %.0f s%n", out, total);
    }

    /** Why the simulated limit is what it is, with the figures of this run's sizes. */
    static String whyThisLimit(Settings settings, int monitorsPerService) {
        double rate = settings.writeLimit() / (double) settings.writePeriodSeconds();
        String figures = String.format(
                Locale.ROOT,
                "sizes %s need %,d monitor writes, at least %.0f s at this limit",
                settings.sizes(),
                writesFor(settings.sizes(), monitorsPerService),
                writesFor(settings.sizes(), monitorsPerService) / rate);
        if (!Setting.WRITE_LIMIT.fallback.equals(Setting.WRITE_LIMIT.value())
                || !Setting.WRITE_PERIOD.fallback.equals(Setting.WRITE_PERIOD.value())) {
            return "set by " + Setting.WRITE_LIMIT.env + "/" + Setting.WRITE_PERIOD.env + "; " + figures + ".";
        }
        List<Integer> defaults = Arrays.stream(Setting.SIZES.fallback.split(","))
                .map(Integer::parseInt)
                .toList();
        long defaultWrites = writesFor(defaults, monitorsPerService);
        return String.format(
                Locale.ROOT,
                "the %s. The operator, the simulator and the API server share the"
                        + " machine's cores, and each monitor write costs them CPU, which caps the rate the machine can"
                        + " serve; the limit is meant to sit below that cap, so that the limit and not the CPU sets the pace"
                        + " (the capacity check says whether it did). It is also high enough that the default sizes (%,d"
                        + " writes, at least %.0f s) finish, with their start-ups, creation and steady-state windows, in"
                        + " under 15 minutes. 10 s windows give many windows per size.",
                figures,
                defaultWrites,
                defaultWrites / rate);
    }

    private static long writesFor(List<Integer> sizes, int monitorsPerService) {
        return sizes.stream().mapToLong(n -> (long) n * monitorsPerService).sum();
    }

    private static PerformanceReport.Machine machine() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
        String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        if (memory != null && memory.endsWith("kB")) {
            memory = String.format(
                    Locale.ROOT,
                    "%.1f GiB",
                    Long.parseLong(memory.replace("kB", "").trim()) / 1024.0 / 1024.0);
        }
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + "), the same runtime for the operator";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        return new PerformanceReport.Machine(
                Runtime.getRuntime().availableProcessors(),
                cpu == null ? "unknown CPU" : cpu,
                memory == null ? "unknown" : memory,
                java,
                os,
                date);
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
