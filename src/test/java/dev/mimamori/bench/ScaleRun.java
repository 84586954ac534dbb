package dev.mimamori.bench;

import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.sim.CallLog;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One size of the scale benchmark: a fresh mock cluster and Datadog simulator, the packaged operator as its own
 * process, N ServiceMonitorings with the built-in profile, and the measurements of convergence and of one
 * steady-state resync. Every wait has a deadline, and the operator is stopped at the end whatever happened.
 */
final class ScaleRun {
    static final String API_KEY = "bench-api-key";
    static final String APP_KEY = "bench-app-key";
    /** The name Datadog would send in X-RateLimit-Name for the one limit all monitor writes share. */
    static final String WRITE_LIMIT_NAME = "monitor_write";

    static final String LEASE = "mimamori-leader";
    private static final int NAMESPACES = 5;
    private static final int CREATING_THREADS = 4;
    /** As deploy/deployment.yaml sets it: fewer glibc malloc arenas, whose unused pages count in the RSS. */
    static final String MALLOC_ARENA_MAX = "2";

    private final OperatorScaleBenchmark.Settings settings;
    private final int services;
    private final PerService perService;
    private final boolean realistic;

    /** What the built-in profile wants in Datadog for one service. */
    record PerService(int monitors, int slos) {

        /** Its own monitors plus the burn-rate alerts of its SLOs, and the SLOs. */
        static PerService builtIn() {
            ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
            spec.service = "svc";
            spec.env = "prod";
            Rendering rendering = MonitorRenderer.render(BuiltInProfile.spec(), spec, "bench/svc", "bench");
            return new PerService(
                    rendering.monitors().size()
                            + rendering.slos().stream()
                                    .mapToInt(s -> s.alerts().size())
                                    .sum(),
                    rendering.slos().size());
        }
    }

    ScaleRun(OperatorScaleBenchmark.Settings settings, int services, PerService perService, boolean realistic) {
        this.settings = settings;
        this.services = services;
        this.perService = perService;
        this.realistic = realistic;
    }

    String cluster() {
        return realistic ? "realistic" : "empty";
    }

    private String label() {
        return services + "-" + cluster();
    }

    ScaleResult run() throws Exception {
        long started = System.nanoTime();
        Path work = settings.work();
        Files.createDirectories(work);
        try (MachineLoad load = new MachineLoad()) {
            ScaleResult result = runWithFreshServers(work);
            return result.withLoadAndWallSeconds(load.figures(), (System.nanoTime() - started) / 1e9);
        }
    }

    private ScaleResult runWithFreshServers(Path work) throws Exception {
        try (MockCluster cluster = MockCluster.start();
                RequestDrain drain = RequestDrain.of(cluster);
                DatadogSimulator datadog = new DatadogSimulator(API_KEY, APP_KEY)) {
            datadog.start();
            datadog.setSharedRateLimit(
                    WRITE_LIMIT_NAME,
                    settings.writeLimit(),
                    settings.writePeriodSeconds(),
                    WriteFlow.MONITOR_WRITES.toArray(String[]::new));
            KubernetesClient client = cluster.client();
            for (int i = 0; i < NAMESPACES; i++) {
                Resources.namespace(client, namespace(i));
            }
            ClusterHistory.Figures history = null;
            if (realistic) {
                history = ClusterHistory.create(client, services, settings.revisions(), NAMESPACES);
                say(
                        "created %d Deployments and %d ReplicaSets (pod templates of %d bytes) in %.1f s",
                        history.deployments(), history.replicaSets(), history.templateBytes(), history.seconds());
            }
            Path kubeconfig = PackagedOperator.writeKubeconfig(work.resolve("kubeconfig-" + services), cluster.url());
            Map<String, String> environment = Map.of(
                    "MIMAMORI_DATADOG_URL",
                    datadog.url(),
                    "DD_API_KEY",
                    API_KEY,
                    "DD_APP_KEY",
                    APP_KEY,
                    "MIMAMORI_CLUSTER_NAME",
                    "bench",
                    "MIMAMORI_RESYNC_INTERVAL",
                    settings.resyncInterval().toSeconds() + "s",
                    "MIMAMORI_FULL_RESYNC_INTERVAL",
                    settings.fullResyncInterval().toSeconds() + "s",
                    "MIMAMORI_TELEMETRY_INTERVAL",
                    settings.fullResyncInterval().toSeconds() + "s",
                    "MIMAMORI_TELEMETRY_BATCH_DELAY",
                    "2s",
                    "MALLOC_ARENA_MAX",
                    MALLOC_ARENA_MAX);
            ScaleResult result;
            try (PackagedOperator operator = start(kubeconfig, environment, "", false);
                    OperatorMemory memory = new OperatorMemory(operator)) {
                say("operator pid %d, http port %d, log %s", operator.pid(), operator.httpPort(), operator.log());
                result = measure(client, datadog, operator, memory);
            }
            if (!result.converged() || result.failure() != null) {
                return result.withCluster(cluster(), history, null, null);
            }
            Restarted restarted = restart(client, datadog, kubeconfig, environment, work);
            return result.withCluster(cluster(), history, restarted.breakdown(), restarted.restart());
        }
    }

    /**
     * Native memory tracking costs a few MiB of its own: the first process, whose peak RSS is the figure, runs
     * without it; the restarted one, whose steady state is broken down, with it.
     */
    private PackagedOperator start(
            Path kubeconfig, Map<String, String> environment, String suffix, boolean trackNativeMemory)
            throws java.io.IOException {
        List<String> options = new ArrayList<>(settings.operatorJavaOptions());
        if (trackNativeMemory) {
            options.add("-XX:NativeMemoryTracking=summary");
        }
        return PackagedOperator.start(
                settings.jar(),
                options,
                kubeconfig,
                environment,
                settings.work().resolve("operator-" + label() + suffix + ".log"));
    }

    /**
     * A new operator process with every ServiceMonitoring Ready and its objects in Datadog, as after a node drain or
     * an upgrade: how long until it has reconciled every one, and what it asked Datadog in that time.
     */
    private record Restarted(ScaleResult.Restart restart, MemoryBreakdown breakdown) {}

    private Restarted restart(
            KubernetesClient client,
            DatadogSimulator datadog,
            Path kubeconfig,
            Map<String, String> environment,
            Path work)
            throws Exception {
        datadog.resetCounts();
        long t0 = System.nanoTime();
        try (PackagedOperator operator = start(kubeconfig, environment, "-restart", true);
                OperatorMemory memory = new OperatorMemory(operator)) {
            boolean started = operator.awaitReady(Duration.ofSeconds(120));
            double startSeconds = seconds(t0);
            String failure = started ? null : "not ready within 120 s";
            Double reconciledSeconds = null;
            long deadline = System.nanoTime()
                    + Duration.ofSeconds(Math.max(120, services / 10)).toNanos();
            while (failure == null && reconciledSeconds == null) {
                String metrics = operator.metrics();
                double reconciled = metrics == null
                        ? 0
                        : Prometheus.sum(metrics, "mimamori_reconciles_total", "kind=\"ServiceMonitoring\"");
                if (reconciled >= services) {
                    int ready =
                            (int) client.resources(ServiceMonitoring.class).inAnyNamespace().list().getItems().stream()
                                    .filter(ReadinessWatch::isReady)
                                    .count();
                    if (ready == services) {
                        reconciledSeconds = seconds(t0);
                    }
                } else if (System.nanoTime() > deadline) {
                    failure = "timed out with " + (long) reconciled + " of " + services + " reconciled";
                } else if (!operator.isAlive()) {
                    failure = "the operator exited (code " + operator.exitCode() + ")";
                }
                Thread.sleep(250);
            }
            // Calls still in flight for the last reconciles are part of the restart.
            awaitQuietLists(datadog, Duration.ofSeconds(3), Duration.ofSeconds(30));
            say(
                    "restart: ready after %.1f s, every ServiceMonitoring reconciled and Ready after %s s; Datadog calls %s",
                    startSeconds,
                    reconciledSeconds == null ? "-" : String.format("%.1f", reconciledSeconds),
                    datadog.callCounts());
            ScaleResult.Restart restart = new ScaleResult.Restart(
                    startSeconds,
                    reconciledSeconds,
                    datadog.callCounts(),
                    datadog.writeCalls(),
                    memory.figures().peakRssMib(),
                    failure);
            // After the figures: the histogram's full collection must not lower what was measured.
            MemoryBreakdown breakdown =
                    failure == null ? MemoryBreakdown.of(operator.pid(), work.resolve("operator-" + label())) : null;
            return new Restarted(restart, breakdown);
        }
    }

    private ScaleResult measure(
            KubernetesClient client, DatadogSimulator datadog, PackagedOperator operator, OperatorMemory memory)
            throws Exception {
        long start = System.nanoTime();
        boolean started = operator.awaitReady(Duration.ofSeconds(120));
        double startSeconds = seconds(start);
        if (!started) {
            return failed(
                    "the operator was not ready within 120 s (exit code " + operator.exitCode() + ")",
                    startSeconds,
                    operator,
                    memory);
        }
        say("operator ready after %.1f s; leader: %s", startSeconds, awaitLeader(client, Duration.ofSeconds(30)));
        datadog.resetCounts();

        double limitRate = settings.writeLimit() / (double) settings.writePeriodSeconds();
        long wantedWrites = (long) services * perService.monitors();
        Duration convergenceTimeout = Duration.ofSeconds(Math.max(180, (long) (3 * wantedWrites / limitRate) + 120));
        WriteFlow flow = new WriteFlow(datadog, settings.writeLimit(), settings.writePeriodSeconds());
        ReadinessWatch watch = new ReadinessWatch(client);
        double operatorCpuBefore = operator.cpuSeconds();
        double harnessCpuBefore = harnessCpuSeconds();
        long t0 = System.nanoTime();
        create(client);
        double createSeconds = seconds(t0);
        say("created %d ServiceMonitorings in %d namespaces in %.1f s", services, NAMESPACES, createSeconds);

        Convergence convergence =
                awaitConvergence(watch, flow, datadog, operator, t0, t0 + convergenceTimeout.toNanos());
        double convergenceWall = seconds(t0);
        double operatorCpu = operator.cpuSeconds() - operatorCpuBefore;
        double harnessCpu = harnessCpuSeconds() - harnessCpuBefore;
        watch.close();
        // The watch said so; one list confirms it from the API server itself.
        int readyCount = (int) client.resources(ServiceMonitoring.class).inAnyNamespace().list().getItems().stream()
                .filter(ReadinessWatch::isReady)
                .count();
        awaitQuietWrites(flow, Duration.ofSeconds(30));
        WriteFlow.Figures writes = flow.figures();
        List<Double> refusedAt = secondsIntoWindowOf429s(datadog);
        Map<String, Integer> events = eventsByReason(client);
        flow.close();
        Map<String, Integer> calls = datadog.callCounts();
        Map<String, Integer> refused = datadog.rateLimitedCounts();
        String metrics = operator.metrics();
        double operator429s = metrics == null
                ? Double.NaN
                : Prometheus.sum(metrics, "mimamori_datadog_calls_total", "status=\"429\"");
        long monitors = accepted(calls, refused, DatadogSimulator.CREATE_MONITOR)
                - accepted(calls, refused, DatadogSimulator.DELETE_MONITOR);
        long slos = accepted(calls, refused, DatadogSimulator.CREATE_SLO)
                - accepted(calls, refused, DatadogSimulator.DELETE_SLO);

        String failure = convergence.failure();
        ScaleResult.SteadyResync steady = null;
        if (failure == null) {
            steady = steadyResync(datadog, operator);
            if (steady.driftChecks() == 0) {
                failure = "no drift check was seen within " + Math.round(steady.windowSeconds()) + " s";
            }
        }
        LogSummary log = LogSummary.of(operator.logLines());
        return new ScaleResult(
                services,
                failure,
                startSeconds,
                createSeconds,
                convergence.readySeconds(),
                readyCount,
                convergence.telemetrySeconds(),
                calls,
                refused,
                operator429s,
                wanted(perService.monitors()),
                monitors,
                wanted(perService.slos()),
                slos,
                writes,
                steady,
                memory.figures(),
                log.errors(),
                log.warnings(),
                log.samples(),
                new ScaleResult.Cpu(convergenceWall, operatorCpu, harnessCpu),
                refusedAt,
                events,
                null,
                0,
                null,
                null,
                null,
                null);
    }

    /** How the wait for convergence ended: seconds from the first create, or why it gave up. */
    private record Convergence(Double readySeconds, Double telemetrySeconds, String failure) {}

    /** Until every ServiceMonitoring is Ready and has had its first telemetry check, the operator dies, or time's up. */
    private Convergence awaitConvergence(
            ReadinessWatch watch,
            WriteFlow flow,
            DatadogSimulator datadog,
            PackagedOperator operator,
            long t0,
            long deadline)
            throws InterruptedException {
        Double readySeconds = null;
        Double telemetrySeconds = null;
        long lastProgress = System.nanoTime();
        while (readySeconds == null || telemetrySeconds == null) {
            int ready = watch.ready();
            int checked = watch.telemetryChecked();
            if (readySeconds == null && ready == services) {
                readySeconds = seconds(t0);
                say("all %d Ready=True after %.1f s", services, readySeconds);
            }
            if (telemetrySeconds == null && checked == services) {
                telemetrySeconds = seconds(t0);
            }
            if (!operator.isAlive()) {
                return new Convergence(
                        readySeconds,
                        telemetrySeconds,
                        "the operator exited (code " + operator.exitCode() + ") with " + ready + " of " + services
                                + " Ready");
            }
            if (System.nanoTime() > deadline) {
                return new Convergence(
                        readySeconds,
                        telemetrySeconds,
                        "timed out after "
                                + Math.round((deadline - t0) / 1e9) + " s: " + ready + " of " + services + " Ready, "
                                + checked + " telemetry-checked");
            }
            if (System.nanoTime() - lastProgress > Duration.ofSeconds(15).toNanos()) {
                lastProgress = System.nanoTime();
                say(
                        "%5.0f s: %d/%d Ready, %d monitor writes accepted, %d answered 429 (load %.1f)",
                        seconds(t0),
                        ready,
                        services,
                        flow.figures().accepted(),
                        datadog.rateLimitedCalls(),
                        MachineLoad.now());
            }
            Thread.sleep(250);
        }
        return new Convergence(readySeconds, telemetrySeconds, null);
    }

    private ScaleResult failed(String failure, double startSeconds, PackagedOperator operator, OperatorMemory memory) {
        say("FAILED: %s%n%s", failure, operator.logTail(30));
        LogSummary log = LogSummary.of(operator.logLines());
        return new ScaleResult(
                services,
                failure,
                startSeconds,
                0,
                null,
                0,
                null,
                Map.of(),
                Map.of(),
                Double.NaN,
                wanted(perService.monitors()),
                0,
                wanted(perService.slos()),
                0,
                null,
                null,
                memory.figures(),
                log.errors(),
                log.warnings(),
                log.samples(),
                null,
                List.of(),
                Map.of(),
                null,
                0,
                null,
                null,
                null,
                null);
    }

    private void create(KubernetesClient client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CREATING_THREADS);
        try {
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < services; i++) {
                int n = i;
                created.add(pool.submit(() -> {
                    ServiceMonitoring sm = Resources.serviceMonitoring(
                            namespace(n % NAMESPACES),
                            String.format("svc-%05d", n),
                            String.format("svc-%05d", n),
                            "prod");
                    sm.getSpec().team = "team-" + (n % 20);
                    createPatiently(client, sm);
                }));
            }
            for (Future<?> f : created) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A busy API server may time a create out after storing it: try again, and take "already exists" as done. */
    private static void createPatiently(KubernetesClient client, ServiceMonitoring sm) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resource(sm).create();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return;
                }
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Counts from a reset until one resync interval plus a margin has passed and a drift check has been seen to
     * finish (its lists quiet for 3 s); at most two intervals plus a minute.
     */
    private ScaleResult.SteadyResync steadyResync(DatadogSimulator datadog, PackagedOperator operator)
            throws InterruptedException {
        Duration interval = settings.fullResyncInterval();
        // A full resync half counted would be counted wrong: start between two of them.
        awaitQuietLists(datadog, Duration.ofSeconds(3), interval.plusMinutes(1));
        say(
                "steady state: counting Datadog calls for one full resync interval (%d s) plus margin",
                interval.toSeconds());
        datadog.resetCounts();
        long start = System.nanoTime();
        long minimum = start + interval.plus(settings.resyncMargin()).toNanos();
        long maximum = start
                + interval.multipliedBy(2)
                        .plus(settings.resyncMargin())
                        .plusMinutes(1)
                        .toNanos();
        int lastLists = 0;
        long lastListChange = start;
        while (System.nanoTime() < maximum && operator.isAlive()) {
            Thread.sleep(500);
            int lists = datadog.listCalls();
            if (lists != lastLists) {
                lastLists = lists;
                lastListChange = System.nanoTime();
            }
            boolean checkDone = lists > 0
                    && System.nanoTime() - lastListChange
                            > Duration.ofSeconds(3).toNanos();
            if (System.nanoTime() >= minimum && checkDone) {
                break;
            }
        }
        double window = seconds(start);
        Map<String, Integer> calls = datadog.callCounts();
        List<CallLog.Call> requests = datadog.requests();
        int driftChecks = (int) requests.stream()
                .filter(c -> c.key().equals(DatadogSimulator.LIST_MONITORS))
                .filter(c -> "0".equals(firstValue(c.query(), "page")))
                .count();
        int answered429 = (int) requests.stream().filter(c -> c.status() == 429).count();
        return new ScaleResult.SteadyResync(
                window,
                driftChecks,
                calls,
                datadog.writeCalls(),
                datadog.listCalls(),
                calls.getOrDefault(DatadogSimulator.LIST_MONITORS, 0),
                Math.max(answered429, datadog.rateLimitedCalls()),
                calls.getOrDefault(DatadogSimulator.QUERY_SCALAR, 0),
                calls.getOrDefault(DatadogSimulator.SEARCH_AUDIT, 0),
                telemetryRounds(requests));
    }

    /** Telemetry rounds in the window: scalar queries closer than 2 s to the previous one belong to its round. */
    static int telemetryRounds(List<CallLog.Call> requests) {
        int rounds = 0;
        java.time.Instant last = null;
        for (CallLog.Call c : requests) {
            if (!c.key().equals(DatadogSimulator.QUERY_SCALAR)) {
                continue;
            }
            if (last == null || Duration.between(last, c.at()).toMillis() > 2000) {
                rounds++;
            }
            last = c.at();
        }
        return rounds;
    }

    private static void awaitQuietLists(DatadogSimulator datadog, Duration quiet, Duration atMost)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        int last = datadog.listCalls();
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - lastChange < quiet.toNanos()) {
            Thread.sleep(250);
            int now = datadog.listCalls();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
    }

    /** The Kubernetes Events the operator wrote, by type and reason. */
    private static Map<String, Integer> eventsByReason(KubernetesClient client) {
        Map<String, Integer> byReason = new TreeMap<>();
        for (Event e : client.v1().events().inAnyNamespace().list().getItems()) {
            byReason.merge(e.getType() + " " + e.getReason(), 1, Integer::sum);
        }
        return byReason;
    }

    /** When the 429s still in the simulator's log came, in seconds from the start of their rate-limit window. */
    private List<Double> secondsIntoWindowOf429s(DatadogSimulator datadog) {
        long periodMillis = settings.writePeriodSeconds() * 1000L;
        return datadog.requests().stream()
                .filter(c -> c.status() == 429)
                .map(c -> Math.floorMod(c.at().toEpochMilli(), periodMillis) / 1000.0)
                .toList();
    }

    private static String firstValue(Map<String, List<String>> query, String name) {
        List<String> values = query == null ? null : query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Waits until no monitor write has been accepted for 3 s (status-only reconciles may still run). */
    private static void awaitQuietWrites(WriteFlow flow, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline && System.currentTimeMillis() - flow.lastWriteAtMillis() < 3000) {
            Thread.sleep(250);
        }
    }

    /** The holder of the operator's lease, once it has one; "none seen" when there is no lease (no election). */
    private static String awaitLeader(KubernetesClient client, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Lease lease :
                    client.resources(Lease.class).inAnyNamespace().list().getItems()) {
                if (LEASE.equals(lease.getMetadata().getName())
                        && lease.getSpec() != null
                        && lease.getSpec().getHolderIdentity() != null) {
                    return lease.getSpec().getHolderIdentity();
                }
            }
            Thread.sleep(250);
        }
        return "none seen in " + timeout.toSeconds() + " s";
    }

    /** CPU this JVM has used: the simulator, the API server and the benchmark itself. */
    private static double harnessCpuSeconds() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(d -> d.toNanos() / 1e9)
                .orElse(Double.NaN);
    }

    private static long accepted(Map<String, Integer> calls, Map<String, Integer> refused, String key) {
        return calls.getOrDefault(key, 0) - refused.getOrDefault(key, 0);
    }

    private long wanted(int perServiceCount) {
        return (long) services * perServiceCount;
    }

    static String namespace(int i) {
        return "bench-" + i;
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private void say(String format, Object... args) {
        System.out.println("  [" + label() + "] " + String.format(format, args));
    }

    /** ERROR and WARN lines of the operator's log, with a few distinct ones to show. */
    record LogSummary(long errors, long warnings, List<String> samples) {
        static LogSummary of(List<String> lines) {
            long errors = 0;
            long warnings = 0;
            Set<String> samples = new LinkedHashSet<>();
            Set<String> seen = new HashSet<>();
            for (String line : lines) {
                boolean error = line.contains(" ERROR ");
                boolean warning = line.contains(" WARN ");
                if (error) {
                    errors++;
                }
                if (warning) {
                    warnings++;
                }
                // fabric8's notice that the CRDs are v1alpha1 says nothing about the run: counted, not shown.
                if ((error || warning) && samples.size() < 4 && !line.contains("VersionUsageUtils")) {
                    // Without the time stamp, and each message once whatever resource or figure it names.
                    String text = line.length() > 13 ? line.substring(13) : line;
                    if (seen.add(text.replaceAll("[0-9]+", "#"))) {
                        samples.add(text.length() > 240 ? text.substring(0, 240) + "..." : text);
                    }
                }
            }
            return new LogSummary(errors, warnings, List.copyOf(samples));
        }
    }
}
