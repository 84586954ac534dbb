package dev.mimamori.bench;

import dev.mimamori.sim.DatadogSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** docs/performance.md: the targets, the figures of every size run, the machine and how to reproduce them. */
final class PerformanceReport {
    static final double TARGET_WRITE_SHARE = 0.80;
    static final double TARGET_RSS_MIB_AT_1000 = 256;
    static final double TARGET_RSS_MIB_PER_FURTHER_1000 = 20;
    static final int MONITORS_PER_LIST_CALL = 1000;
    /** Fewer full rate-limit windows than this say nothing about a steady flow. */
    static final int MIN_FULL_WINDOWS = 3;

    private final OperatorScaleBenchmark.Settings settings;
    private final Machine machine;
    private final List<ScaleResult> results;
    private final ScaleRun.PerService perService;
    private final double totalSeconds;

    /** Where the benchmark ran. */
    record Machine(int cores, String cpu, String memory, String java, String os, String date) {}

    PerformanceReport(
            OperatorScaleBenchmark.Settings settings,
            Machine machine,
            List<ScaleResult> results,
            ScaleRun.PerService perService,
            double totalSeconds) {
        this.settings = settings;
        this.machine = machine;
        this.results = results;
        this.perService = perService;
        this.totalSeconds = totalSeconds;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Performance at scale\n\n");
        md.append("Written by `OperatorScaleBenchmark`, the first step of `make bench`, on ")
                .append(machine.date())
                .append(". Every figure below is what that run measured; rerun it rather than editing them.\n\n");
        md.append("The packaged operator runs as its own process (`java "
                + String.join(" ", settings.operatorJavaOptions())
                + " -jar quarkus-run.jar`, the JVM options of `deploy/`) against"
                + " fabric8's mock Kubernetes API server and the Datadog simulator, which both run in the"
                + " benchmark's JVM on the same machine. For each size and cluster the benchmark starts everything"
                + " afresh, creates the ServiceMonitorings with the built-in profile, waits until every one is"
                + " Ready=True, counts the Datadog calls of one steady-state resync, and restarts the operator to"
                + " see what a restart at that size costs and where its memory goes. The *empty* cluster holds only the ServiceMonitorings; the *realistic* one also holds, before the operator starts, a"
                + " Deployment per service and a quarter as many unmonitored ones, each with " + settings.revisions()
                + " revisions of ReplicaSets whose pod templates are the size of a real service's.\n\n");
        setUp(md);
        targets(md);
        memorySummary(md);
        for (ScaleResult r : results) {
            size(md, r);
        }
        reproduce(md);
        return md.toString();
    }

    private void setUp(StringBuilder md) {
        md.append("## Set-up\n\n");
        md.append("| | |\n| --- | --- |\n");
        row(
                md,
                "Machine",
                machine.cores() + " cores (" + machine.cpu() + "), " + machine.memory() + " memory, " + machine.os());
        row(md, "Java", machine.java());
        row(md, "Date", machine.date());
        row(
                md,
                "Operator",
                "`" + settings.jar() + "` (built " + builtAt(settings.jar())
                        + "), " + code(String.join(" ", settings.operatorJavaOptions())) + ", `MALLOC_ARENA_MAX="
                        + ScaleRun.MALLOC_ARENA_MAX + "`, own process; the restarted process also runs with"
                        + " `-XX:NativeMemoryTracking=summary` (a few MiB of its own) for the breakdown; resync interval "
                        + settings.resyncInterval().toSeconds() + " s for the benchmark (default "
                        + human(SteadyCost.DEFAULT_RESYNC) + "), full resync and telemetry interval "
                        + settings.fullResyncInterval().toSeconds() + " s (defaults "
                        + human(SteadyCost.DEFAULT_FULL_RESYNC) + " and " + human(SteadyCost.DEFAULT_TELEMETRY_INTERVAL)
                        + "), telemetry batch delay 2 s; the simulated organisation has the Audit Trail");
        row(
                md,
                "Simulated write limit",
                settings.writeLimit() + " monitor writes per " + settings.writePeriodSeconds()
                        + " s (" + fmt(limitRate(), 1) + " per second), one limit named `" + ScaleRun.WRITE_LIMIT_NAME
                        + "` shared by POST, PUT and DELETE `/api/v1/monitor`, with `X-RateLimit-*` headers and windows"
                        + " aligned to the clock. Every other endpoint has its own limit of 1,000 calls per 10 s.");
        row(md, "Why this limit", OperatorScaleBenchmark.whyThisLimit(settings, perService.monitors()));
        row(md, "Capacity check", capacity());
        row(
                md,
                "Each ServiceMonitoring",
                "built-in profile: " + perService.monitors()
                        + " monitors (the profile's own and the SLOs' burn-rate alerts), " + perService.slos()
                        + " SLOs and a link to the shared dashboard; spread over 5 namespaces");
        row(md, "Whole benchmark", fmt(totalSeconds, 0) + " s for " + sizes());
        md.append('\n');
    }

    private void targets(StringBuilder md) {
        md.append("## Targets\n\n");
        md.append("From the issue. \"Steady flow\" is everything after the first rate-limit window in which the"
                + " operator writes: in that first window it has not yet read the limit's headers.\n\n");
        md.append("| Target | Size | Measured | Met |\n| --- | ---: | --- | --- |\n");
        for (ScaleResult r : results) {
            if (!r.converged() || r.flow() == null) {
                md.append("| Converge at >= 80% of the write limit, no 429 in steady flow | ")
                        .append(sizeLabel(r))
                        .append(" | did not converge: ")
                        .append(r.failure())
                        .append(" | no |\n");
                continue;
            }
            WriteFlow.Figures f = r.flow();
            md.append("| Converge at >= 80% of the write limit, no 429 in steady flow | ")
                    .append(sizeLabel(r))
                    .append(" | ");
            if (f.fullWindows() < MIN_FULL_WINDOWS) {
                // A flow shorter than a few windows can pack a whole window's allowance into a part of one.
                md.append("not applicable: the writes took ")
                        .append(fmt(f.flowSeconds(), 1))
                        .append(" s, ")
                        .append(f.fullWindows())
                        .append(" full windows; ")
                        .append(f.refused())
                        .append(" 429s | n/a |\n");
                continue;
            }
            boolean met = f.meanWindowShare() >= TARGET_WRITE_SHARE && f.refusedAfterFirstWindow() == 0;
            md.append(pct(f.meanWindowShare()))
                    .append(" of the limit in the ")
                    .append(f.fullWindows())
                    .append(" full windows (")
                    .append(pct(f.shareOfLimit()))
                    .append(" from first write to last); ")
                    .append(f.refusedAfterFirstWindow())
                    .append(" 429s in steady flow (")
                    .append(f.refused())
                    .append(" in all) | ")
                    .append(yes(met))
                    .append(" |\n");
        }
        for (ScaleResult r : results) {
            String target = r.services() == 1000
                    ? "Steady resync of 1,000 ServiceMonitorings: no writes, <= 1 list" + " call per 1,000 monitors"
                    : "(same rule at this size)";
            if (r.steady() == null || r.steady().driftChecks() == 0) {
                md.append("| ")
                        .append(target)
                        .append(" | ")
                        .append(sizeLabel(r))
                        .append(" | not measured | no |\n");
                continue;
            }
            ScaleResult.SteadyResync s = r.steady();
            double checks = s.driftChecks();
            double lists = s.listCalls() / checks;
            double allowed = r.wantedMonitors() / (double) MONITORS_PER_LIST_CALL;
            boolean met = s.writes() == 0 && lists <= allowed;
            md.append("| ")
                    .append(target)
                    .append(" | ")
                    .append(sizeLabel(r))
                    .append(" | ")
                    .append(s.writes())
                    .append(" writes; ")
                    .append(fmt(lists, 1))
                    .append(" list calls per full resync (")
                    .append(fmt(s.monitorLists() / checks, 1))
                    .append(" monitor pages, ")
                    .append(fmt(s.calls().getOrDefault(DatadogSimulator.LIST_SLOS, 0) / checks, 1))
                    .append(" SLO pages) for ")
                    .append(r.wantedMonitors())
                    .append(" monitors, allowed ")
                    .append(fmt(allowed, 1))
                    .append(" | ")
                    .append(yes(met))
                    .append(" |\n");
        }
        Double firstTelemetry = null;
        for (ScaleResult r : results) {
            if (r.steady() == null || r.steady().driftChecks() == 0) {
                continue;
            }
            SteadyCost.Figures c = SteadyCost.of(r);
            double allowed = c.alternativePerHour() / (double) CALLS_RATIO;
            md.append("| Steady calls per hour at least 10,000 times fewer than one resource per monitor (<= 62 at"
                            + " 1,000) | ")
                    .append(sizeLabel(r))
                    .append(" | ")
                    .append(fmt(c.perHour(), 0))
                    .append(" per hour (")
                    .append(fmt(c.perHourWithoutAuditTrail(), 0))
                    .append(" without the Audit Trail), allowed ")
                    .append(fmt(allowed, 0))
                    .append(" | ")
                    .append(yes(c.perHour() <= allowed))
                    .append(" |\n");
            if (firstTelemetry == null) {
                firstTelemetry = c.telemetryPerHour();
            }
            md.append("| Telemetry requests per hour the same at every size | ")
                    .append(sizeLabel(r))
                    .append(" | ")
                    .append(fmt(c.telemetryPerHour(), 0))
                    .append(c.telemetryRoundSeen() ? "" : " (upper bound: no round in the window)")
                    .append(" | ")
                    .append(yes(c.telemetryRoundSeen() && Math.abs(c.telemetryPerHour() - firstTelemetry) < 0.5))
                    .append(" |\n");
        }
        for (ScaleResult r : results) {
            int warnings = r.events().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("Warning "))
                    .mapToInt(Map.Entry::getValue)
                    .sum();
            int refused = r.convergenceRefused().values().stream()
                    .mapToInt(Integer::intValue)
                    .sum();
            md.append("| No Warning events for pacing and no 429s during convergence | ")
                    .append(sizeLabel(r))
                    .append(" | ")
                    .append(warnings)
                    .append(" Warning events")
                    .append(
                            warnings == 0
                                    ? ""
                                    : " ("
                                            + byEndpoint(r.events().entrySet().stream()
                                                    .filter(e -> e.getKey().startsWith("Warning "))
                                                    .collect(java.util.stream.Collectors.toMap(
                                                            Map.Entry::getKey,
                                                            Map.Entry::getValue,
                                                            (x, y) -> x,
                                                            java.util.TreeMap::new)))
                                            + ")")
                    .append(" on ServiceMonitorings; ")
                    .append(refused)
                    .append(" answers 429 at the simulator | ")
                    .append(yes(r.converged() && warnings == 0 && refused == 0))
                    .append(" |\n");
        }
        for (ScaleResult r : results) {
            double allowed = rssAllowedMib(r.services());
            double rss = r.memory() == null ? Double.NaN : r.memory().peakRssMib();
            md.append("| Operator RSS <= 256 MiB at 1,000, <= 20 MiB more per further 1,000 | ")
                    .append(sizeLabel(r))
                    .append(" | peak RSS ")
                    .append(fmt(rss, 0))
                    .append(" MiB, allowed ")
                    .append(fmt(allowed, 0))
                    .append(" MiB | ")
                    .append(yes(rss > 0 && rss <= allowed))
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** The target: at least this many times fewer steady calls than the one-resource-per-monitor model. */
    static final int CALLS_RATIO = 10_000;

    private static String sizeLabel(ScaleResult r) {
        return String.format(Locale.ROOT, "%,d %s", r.services(), r.cluster());
    }

    /** Peak RSS of every run side by side, and the growth per further 1,000 services within each cluster. */
    private void memorySummary(StringBuilder md) {
        md.append("## Memory\n\n");
        md.append("| Services | Cluster | Peak RSS | Heap used (sampled peak) | Live heap after GC | NMT committed"
                + " (steady) | Peak RSS after a restart |\n| ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (ScaleResult r : results) {
            OperatorMemory.Figures m = r.memory();
            md.append("| ")
                    .append(String.format(Locale.ROOT, "%,d", r.services()))
                    .append(" | ")
                    .append(r.cluster())
                    .append(" | ")
                    .append(m == null ? "n/a" : fmt(m.peakRssMib(), 0) + " MiB")
                    .append(" | ")
                    .append(m == null ? "n/a" : fmt(m.peakHeapUsedMib(), 0) + " MiB")
                    .append(" | ")
                    .append(m == null ? "n/a" : liveData(m))
                    .append(" | ")
                    .append(r.breakdown() == null ? "n/a" : fmt(r.breakdown().committedKib() / 1024.0, 0) + " MiB")
                    .append(" | ")
                    .append(r.restart() == null ? "n/a" : fmt(r.restart().peakRssMib(), 0) + " MiB")
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** The native memory tracking summary and the top of the heap histogram, in steady state. */
    private static void breakdown(StringBuilder md, MemoryBreakdown b) {
        if (b == null || b.isEmpty()) {
            return;
        }
        md.append("Where the memory went in steady state, in the restarted process once it had reconciled every"
                        + " ServiceMonitoring (`jcmd VM.native_memory summary`, committed, ")
                .append(fmt(b.committedKib() / 1024.0, 1))
                .append(" MiB in all; RSS is lower where committed pages" + " were never touched):\n\n");
        md.append("| Area | Committed |\n| --- | ---: |\n");
        b.areas().stream()
                .filter(a -> a.committedKib() >= 1024)
                .forEach(a -> md.append("| ")
                        .append(a.name())
                        .append(" | ")
                        .append(fmt(a.committedKib() / 1024.0, 1))
                        .append(" MiB |\n"));
        md.append("\nThe heap's largest classes after a full collection (`jcmd GC.class_histogram`; ")
                .append(fmt(b.heapBytes() / 1048576.0, 1))
                .append(" MiB live in ")
                .append(String.format(Locale.ROOT, "%,d", b.heapInstances()))
                .append(" objects):\n\n");
        md.append("| Class | Instances | Size |\n| --- | ---: | ---: |\n");
        b.topClasses().stream()
                .limit(12)
                .forEach(c -> md.append("| `")
                        .append(c.name())
                        .append("` | ")
                        .append(String.format(Locale.ROOT, "%,d", c.instances()))
                        .append(" | ")
                        .append(fmt(c.bytes() / 1048576.0, 1))
                        .append(" MiB |\n"));
        md.append('\n');
    }

    /** What the measured CPU per write says about the most this machine could serve, against the limit, per size. */
    private String capacity() {
        List<String> sizes = new ArrayList<>();
        for (ScaleResult r : results) {
            if (r.convergenceCpu() != null && r.flow() != null && r.flow().accepted() > 0) {
                double perWrite = (r.convergenceCpu().operatorSeconds()
                                + r.convergenceCpu().harnessSeconds())
                        / r.flow().accepted();
                double cap = machine.cores() / perWrite;
                sizes.add(String.format(
                        Locale.ROOT,
                        "at %,d, %.1f ms per monitor write, so at most about %.0f"
                                + " writes a second (the limit is %.0f%% of that)",
                        r.services(),
                        perWrite * 1000,
                        cap,
                        100 * limitRate() / cap));
            }
        }
        if (sizes.isEmpty()) {
            return "not measured";
        }
        return "CPU spent while converging by the operator, the simulator, the API server and the benchmark"
                + " together, and what " + machine.cores() + " otherwise idle cores could serve at that cost: "
                + String.join("; ", sizes) + ". Other work on the machine lowers the cap (see each size's load"
                + " average).";
    }

    /** When the application jar next to the launcher was written, which says which build was measured. */
    private static String builtAt(Path launcher) {
        Path app = launcher.toAbsolutePath().getParent().resolve("app");
        try (Stream<Path> files = Files.list(app)) {
            return files.map(PerformanceReport::modified)
                    .max(Comparator.naturalOrder())
                    .map(t -> DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                            .withZone(ZoneOffset.UTC)
                            .format(t))
                    .orElse("at an unknown time");
        } catch (IOException e) {
            return "at an unknown time";
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    static double rssAllowedMib(int services) {
        return TARGET_RSS_MIB_AT_1000 + TARGET_RSS_MIB_PER_FURTHER_1000 * Math.max(0, services - 1000) / 1000.0;
    }

    private void size(StringBuilder md, ScaleResult r) {
        md.append("## ")
                .append(String.format(Locale.ROOT, "%,d", r.services()))
                .append(" ServiceMonitorings, ")
                .append(r.cluster())
                .append(" cluster\n\n");
        if (r.failure() != null) {
            md.append("**The run did not complete:** ").append(r.failure()).append(".\n\n");
        }
        md.append("| Figure | mimamori | One custom resource per monitor (model) |\n| --- | --- | --- |\n");
        row(md, "Time for this size, start-up and shut-down included", fmt(r.wallSeconds(), 0) + " s", "");
        row(md, "Operator start-up (process start to ready)", fmt(r.operatorStartSeconds(), 1) + " s", "");
        if (r.history() != null) {
            ClusterHistory.Figures h = r.history();
            row(
                    md,
                    "Workloads in the cluster before the operator started",
                    h.deployments() + " Deployments, "
                            + h.replicaSets() + " ReplicaSets, pod templates of " + h.templateBytes()
                            + " bytes of JSON;"
                            + " created in " + fmt(h.seconds(), 1) + " s",
                    "");
        }
        row(md, "Creating the ServiceMonitorings", fmt(r.createSeconds(), 1) + " s", "");
        row(
                md,
                "First create until all Ready=True",
                r.readySeconds() == null
                        ? "not reached (" + r.readyCount() + " Ready)"
                        : fmt(r.readySeconds(), 1) + " s",
                "");
        row(
                md,
                "First create until all had their first telemetry check",
                r.telemetrySeconds() == null ? "not reached" : fmt(r.telemetrySeconds(), 1) + " s",
                "");
        long extraMonitors = accepted(r, DatadogSimulator.CREATE_MONITOR) - r.wantedMonitors();
        long extraSlos = accepted(r, DatadogSimulator.CREATE_SLO) - r.wantedSlos();
        row(
                md,
                "Monitors and SLOs in Datadog at convergence",
                r.monitors() + " monitors (" + r.wantedMonitors()
                        + " wanted), " + r.slos() + " SLOs (" + r.wantedSlos() + " wanted)"
                        + (extraMonitors > 0 || extraSlos > 0
                                ? "; created beyond the wanted: " + extraMonitors + " monitors, " + extraSlos + " SLOs"
                                : ""),
                "");
        double lowerBound = r.wantedMonitors() / limitRate();
        row(
                md,
                "Least possible time for the wanted monitor writes at the limit",
                fmt(lowerBound, 1) + " s",
                "the same (it creates the same monitors)");
        if (r.flow() != null) {
            WriteFlow.Figures f = r.flow();
            row(
                    md,
                    "Monitor write rate, first write to last",
                    fmt(f.ratePerSecond(), 1) + "/s over " + fmt(f.flowSeconds(), 1) + " s = " + pct(f.shareOfLimit())
                            + " of the limit",
                    "");
            row(
                    md,
                    "Full rate-limit windows in the flow",
                    f.fullWindows() == 0
                            ? "none"
                            : f.fullWindows()
                                    + " windows, mean " + pct(f.meanWindowShare()) + " of the limit, emptiest "
                                    + pct(f.minWindowShare()),
                    "");
            if (r.readySeconds() != null) {
                row(md, "Least possible time / time until all Ready", pct(lowerBound / r.readySeconds()), "");
            }
            row(
                    md,
                    "429s during convergence",
                    r.convergenceRefusedTotal() + " in all"
                            + (r.convergenceRefused().isEmpty() ? "" : " (" + byEndpoint(r.convergenceRefused()) + ")")
                            + "; " + f.refused()
                            + " on monitor writes, " + f.refusedAfterFirstWindow()
                            + " of them in steady flow; the operator"
                            + " counted " + fmt(r.operator429s(), 0),
                    "");
            if (!r.refusedSecondsIntoWindow().isEmpty()) {
                row(
                        md,
                        "When the 429s came (seconds into their " + settings.writePeriodSeconds() + " s window; those"
                                + " in the simulator's log of its last 10,000 calls)",
                        String.join(
                                ", ",
                                r.refusedSecondsIntoWindow().stream()
                                        .map(t -> fmt(t, 2))
                                        .toList()),
                        "");
            }
        }
        row(md, "Datadog calls during convergence", r.convergenceTotal() + ": " + byEndpoint(r.convergenceCalls()), "");
        if (!r.events().isEmpty()) {
            row(
                    md,
                    "Kubernetes Events written while converging",
                    r.events().values().stream().mapToInt(Integer::intValue).sum() + ": " + byEndpoint(r.events()),
                    "");
        }
        if (r.steady() != null) {
            ScaleResult.SteadyResync s = r.steady();
            row(
                    md,
                    "Steady state: counted window",
                    fmt(s.windowSeconds(), 0) + " s, " + s.driftChecks() + " full resync(s), " + s.auditLooks()
                            + " Audit Trail look(s)",
                    "");
            row(md, "Steady state: Datadog calls in the window", s.totalCalls() + ": " + byEndpoint(s.calls()), "");
            row(
                    md,
                    "Steady state: writes, list calls, 429s in the window",
                    s.writes() + " writes, " + s.listCalls() + " list calls, " + s.answered429() + " answered 429",
                    "");
            if (s.driftChecks() > 0) {
                SteadyCost.Figures c = SteadyCost.of(r);
                row(
                        md,
                        "Calls per full resync (every " + human(SteadyCost.DEFAULT_FULL_RESYNC) + " by default)",
                        fmt(c.fullResyncCalls(), 1) + " calls, " + fmt(c.fullResyncWrites(), 1) + " writes",
                        "");
                row(
                        md,
                        "Calls per Audit Trail look (every " + human(SteadyCost.DEFAULT_RESYNC)
                                + " between full resyncs)",
                        fmt(c.lookCalls(), 0) + " search (" + s.auditLooks() + " looks in the window)",
                        "");
                row(
                        md,
                        "Telemetry checks (one round, every service, every "
                                + human(SteadyCost.DEFAULT_TELEMETRY_INTERVAL) + ")",
                        fmt(c.telemetryRound(), 0) + " scalar requests"
                                + (c.telemetryRoundSeen()
                                        ? " (" + s.telemetryRounds() + " round(s) in the window)"
                                        : " (no round in the window: every request of convergence, an upper bound)")
                                + "; " + fmt(c.telemetryPerHour(), 0) + " per hour",
                        "none");
                row(
                        md,
                        "Calls per hour in steady state, at the defaults",
                        fmt(c.perHour(), 0) + " (" + fmt(c.writesPerHour(), 0) + " writes): "
                                + fmt(SteadyCost.fullResyncsPerHour(), 0) + " full resyncs, "
                                + fmt(SteadyCost.looksPerHour(), 0) + " Audit Trail looks, telemetry; "
                                + fmt(c.perHourWithoutAuditTrail(), 0)
                                + " where the Audit Trail cannot be read",
                        fmt(c.alternativePerHour(), 0) + " ("
                                + c.monitors() + " monitors x "
                                + (SteadyCost.ALTERNATIVE_GETS_PER_HOUR
                                        + SteadyCost.ALTERNATIVE_VALIDATES_PER_HOUR
                                        + SteadyCost.ALTERNATIVE_PUTS_PER_HOUR)
                                + ": " + SteadyCost.ALTERNATIVE_GETS_PER_HOUR + " GETs, "
                                + SteadyCost.ALTERNATIVE_VALIDATES_PER_HOUR + " validate, "
                                + SteadyCost.ALTERNATIVE_PUTS_PER_HOUR + " PUT; " + fmt(c.alternativeWritesPerHour(), 0)
                                + " writes)");
                row(md, "Alternative's steady calls / mimamori's", "", fmt(c.ratio(), 0) + " times as many");
                row(
                        md,
                        "Steady writes per hour as a share of the simulated write limit",
                        pct(c.writesPerHour() / (limitRate() * 3600)),
                        pct(c.alternativeWritesPerHour() / (limitRate() * 3600)));
            }
        }
        OperatorMemory.Figures m = r.memory();
        if (m != null) {
            row(
                    md,
                    "Operator memory",
                    "peak RSS (VmHWM) " + fmt(m.peakRssMib(), 0) + " MiB; heap used (sampled"
                            + " peak) " + fmt(m.peakHeapUsedMib(), 0) + " MiB, committed "
                            + fmt(m.peakHeapCommittedMib(), 0)
                            + " MiB, live data after GC " + liveData(m) + " (" + m.samples()
                            + " samples)",
                    "");
        }
        if (r.restart() != null) {
            ScaleResult.Restart x = r.restart();
            row(
                    md,
                    "Restart in steady state: process start until every ServiceMonitoring was reconciled and Ready",
                    (x.reconciledSeconds() == null
                                    ? "not reached (" + x.failure() + ")"
                                    : fmt(x.reconciledSeconds(), 1) + " s")
                            + " (ready for probes after "
                            + fmt(x.startSeconds(), 1) + " s); peak RSS of the new process "
                            + fmt(x.peakRssMib(), 0) + " MiB",
                    "");
            row(
                    md,
                    "Restart: Datadog calls until then",
                    x.calls().values().stream().mapToInt(Integer::intValue).sum() + ", " + x.writes() + " writes: "
                            + byEndpoint(x.calls()),
                    "");
        }
        ScaleResult.Cpu cpu = r.convergenceCpu();
        if (cpu != null) {
            row(
                    md,
                    "CPU from first create to convergence",
                    "operator " + fmt(cpu.operatorSeconds(), 1) + " s ("
                            + fmt(
                                    1000
                                            * cpu.operatorSeconds()
                                            / Math.max(
                                                    1,
                                                    r.flow() == null
                                                            ? 0
                                                            : r.flow().accepted()),
                                    1)
                            + " ms per monitor write), simulator + API server + benchmark "
                            + fmt(cpu.harnessSeconds(), 1)
                            + " s, over " + fmt(cpu.wallSeconds(), 1) + " s: " + fmt(cpu.coresBusy(), 2) + " of "
                            + machine.cores() + " cores busy",
                    "");
        }
        if (r.load() != null) {
            row(
                    md,
                    "Machine load while this size ran (1-min load average)",
                    "mean " + fmt(r.load().mean(), 1) + ", highest "
                            + fmt(r.load().max(), 1) + " on " + machine.cores() + " cores",
                    "");
        }
        row(
                md,
                "Operator log",
                r.logErrors() + " ERROR, " + r.logWarnings() + " WARN lines"
                        + (r.sampleWarnings().isEmpty()
                                ? ""
                                : "; e.g. "
                                        + String.join(
                                                " / ",
                                                r.sampleWarnings().stream()
                                                        .map(s -> "`"
                                                                + s.replace("|", "\\|")
                                                                        .replace("`", "'") + "`")
                                                        .toList())),
                "");
        md.append('\n');
        breakdown(md, r.breakdown());
        for (String note : notes(r)) {
            md.append("- ").append(note).append('\n');
        }
        md.append('\n');
    }

    /** What the figures of one size say beyond themselves, derived from them. */
    private List<String> notes(ScaleResult r) {
        List<String> notes = new ArrayList<>();
        double leastWriteSeconds = r.wantedMonitors() / limitRate();
        if (r.converged() && r.createSeconds() > leastWriteSeconds) {
            notes.add("Creating the ServiceMonitorings through the mock API server took " + fmt(r.createSeconds(), 0)
                    + " s, longer than their monitor writes need at the limit (" + fmt(leastWriteSeconds, 0)
                    + " s): the resources arrived more slowly than the limit allowed their monitors to be written,"
                    + " so the write rate here is bounded by their arrival as well as by the limit.");
        }
        long extraMonitors = accepted(r, DatadogSimulator.CREATE_MONITOR) - r.wantedMonitors();
        long extraSlos = accepted(r, DatadogSimulator.CREATE_SLO) - r.wantedSlos();
        if (extraMonitors > 0 || extraSlos > 0) {
            notes.add("Convergence created " + extraMonitors + " monitors and " + extraSlos + " SLOs beyond the"
                    + " wanted ones, that is, some twice; the deletes and updates counted here and in the steady"
                    + " state remove the copies.");
        }
        ScaleResult.SteadyResync s = r.steady();
        if (s != null && s.driftChecks() > 0) {
            long fullPages = r.wantedMonitors() / MONITORS_PER_LIST_CALL;
            if (s.monitorLists() / s.driftChecks() == fullPages + 1
                    && r.wantedMonitors() % MONITORS_PER_LIST_CALL == 0) {
                notes.add("The monitor list reads pages of 1,000 until one comes back short; with a multiple of"
                        + " 1,000 monitors that last page is empty, one call more than monitors / 1,000: the monitor list"
                        + " reports no total to stop at. The SLO list stops at a full last page, which Datadog's"
                        + " total_filtered_count says is the last.");
            }
        }
        return notes;
    }

    private void reproduce(StringBuilder md) {
        md.append("## How to reproduce\n\n");
        md.append("```sh\n");
        md.append("make bench                        # builds, runs this benchmark for 100, 1000 and 5000, then the"
                + " other benchmarks\n");
        md.append("BENCH_SIZES=100,1000 make bench   # fewer sizes\n");
        md.append("BENCH_CLUSTERS=realistic make bench  # only the cluster with Deployments and their history\n");
        md.append("```\n\n");
        md.append("`make bench` builds the operator (`target/quarkus-app`) and runs"
                + " `dev.mimamori.bench.OperatorScaleBenchmark` first, which rewrites this file. Settings, each as an"
                + " environment variable or a system property:\n\n");
        md.append("| Variable | Property | Default | This run |\n| --- | --- | --- | --- |\n");
        for (OperatorScaleBenchmark.Setting s : OperatorScaleBenchmark.Setting.values()) {
            md.append("| `")
                    .append(s.env)
                    .append("` | `")
                    .append(s.property)
                    .append("` | ")
                    .append(code(s.fallback))
                    .append(" | ")
                    .append(code(s.value()))
                    .append(" |\n");
        }
        md.append("\nThe operator's log for each size is written to `")
                .append(settings.work())
                .append("/operator-<size>-<cluster>.log` (and `-restart.log`), with the native memory summary and heap"
                        + " histogram next to it (`-nmt.txt`, `-histogram.txt`).\n");
    }

    private static String code(String value) {
        return value.isEmpty() ? "(none)" : "`" + value + "`";
    }

    private String sizes() {
        List<String> sizes = new ArrayList<>();
        results.forEach(r -> sizes.add(r.services() + " (" + r.cluster() + ")"));
        return String.join(", ", sizes);
    }

    private double limitRate() {
        return settings.writeLimit() / (double) settings.writePeriodSeconds();
    }

    private static long accepted(ScaleResult r, String endpoint) {
        return r.convergenceCalls().getOrDefault(endpoint, 0)
                - r.convergenceRefused().getOrDefault(endpoint, 0);
    }

    static String byEndpoint(Map<String, Integer> calls) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(calls).forEach((k, v) -> parts.add("`" + k + "` " + v));
        return String.join(", ", parts);
    }

    private static void row(StringBuilder md, String... cells) {
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    static String human(Duration d) {
        if (d.toHours() > 0 && d.toMinutesPart() == 0) {
            return d.toHours() + " h";
        }
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    static String fmt(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    static String pct(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String yes(boolean met) {
        return met ? "yes" : "no";
    }

    /** The JVM reports live data only after a full collection; a run whose heap never needed one has no figure. */
    private static String liveData(OperatorMemory.Figures m) {
        return m.peakLiveDataMib() > 0 ? fmt(m.peakLiveDataMib(), 0) + " MiB" : "n/a (no full collection in the run)";
    }
}
