package dev.mimamori.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything measured for one number of ServiceMonitorings.
 *
 * @param services            ServiceMonitorings created
 * @param failure             why the run ended early, or null
 * @param operatorStartSeconds process start until /q/health/ready answered
 * @param createSeconds       creating the ServiceMonitorings through the API server
 * @param readySeconds        first create until every one was Ready=True (null: not reached)
 * @param readyCount          how many were Ready=True at the end of the wait
 * @param telemetrySeconds    first create until every one had its first telemetry check
 * @param convergenceCalls    Datadog calls from the first create until convergence, by endpoint
 * @param convergenceRefused  of those, answered 429, by endpoint
 * @param operator429s        429s the operator itself counted (mimamori_datadog_calls_total{status="429"})
 * @param wantedMonitors      monitors the ServiceMonitorings ask for
 * @param monitors            monitors created in Datadog (creates accepted minus deletes)
 * @param wantedSlos          SLOs the ServiceMonitorings ask for
 * @param slos                SLOs created in Datadog (creates accepted minus deletes)
 * @param flow                the monitor writes against the simulated limit
 * @param steady              one steady-state resync, or null when not reached
 * @param memory              the operator process's memory
 * @param logErrors           ERROR lines in the operator's log
 * @param logWarnings         WARN lines in the operator's log
 * @param sampleWarnings      a few of those lines, for the reader
 * @param convergenceCpu      CPU used from the first create until convergence
 * @param refusedSecondsIntoWindow for the 429s still in the simulator's log (its last 10,000 calls): how far into
 *                            their rate-limit window they came
 * @param events              Kubernetes Events written while converging, by type and reason
 * @param load                the machine's load while this size ran
 * @param wallSeconds         the whole run for this size, start-up and shut-down included
 * @param cluster             "empty" (ServiceMonitorings only) or "realistic" (with Deployments and their history)
 * @param history             the Deployments and ReplicaSets created before the operator started, or null
 * @param breakdown           where the operator's memory went in steady state (jcmd), or null
 * @param restart             the operator restarted with every resource in place, or null when not reached
 */
record ScaleResult(
        int services,
        String failure,
        double operatorStartSeconds,
        double createSeconds,
        Double readySeconds,
        int readyCount,
        Double telemetrySeconds,
        Map<String, Integer> convergenceCalls,
        Map<String, Integer> convergenceRefused,
        double operator429s,
        long wantedMonitors,
        long monitors,
        long wantedSlos,
        long slos,
        WriteFlow.Figures flow,
        SteadyResync steady,
        OperatorMemory.Figures memory,
        long logErrors,
        long logWarnings,
        List<String> sampleWarnings,
        Cpu convergenceCpu,
        List<Double> refusedSecondsIntoWindow,
        Map<String, Integer> events,
        MachineLoad.Figures load,
        double wallSeconds,
        String cluster,
        ClusterHistory.Figures history,
        MemoryBreakdown breakdown,
        Restart restart) {

    /**
     * A restart in steady state: a new operator process while every ServiceMonitoring is Ready and in Datadog.
     *
     * @param startSeconds      process start until /q/health/ready answered
     * @param reconciledSeconds process start until it had reconciled every ServiceMonitoring once, and all were Ready
     * @param calls             Datadog calls in that time, by endpoint
     * @param writes            of those, creates, updates and deletes
     * @param peakRssMib        the new process's peak RSS over that time
     * @param failure           why it was not measured to the end, or null
     */
    record Restart(
            double startSeconds,
            Double reconciledSeconds,
            Map<String, Integer> calls,
            int writes,
            double peakRssMib,
            String failure) {}

    /**
     * CPU used while converging: by the operator process, and by the benchmark's JVM (the Datadog simulator, the
     * API server and the benchmark), over {@code wallSeconds}.
     */
    record Cpu(double wallSeconds, double operatorSeconds, double harnessSeconds) {

        /** Cores busy on average with this work (the machine's other load not included). */
        double coresBusy() {
            return (operatorSeconds + harnessSeconds) / wallSeconds;
        }
    }

    /**
     * One steady-state resync.
     *
     * @param windowSeconds   how long the counts ran (one resync interval plus margin)
     * @param driftChecks     drift checks seen in the window (first pages of the monitor list)
     * @param calls           Datadog calls by endpoint in the window
     * @param writes          creates, updates and deletes of monitors, SLOs and dashboards
     * @param listCalls       list calls of monitors, SLOs and dashboards
     * @param monitorLists    monitor list calls (pages)
     * @param answered429     answers with status 429 in the window
     * @param telemetryCalls  scalar queries in the window (the telemetry checks)
     * @param auditLooks      Audit Trail searches in the window (one per look between full resyncs)
     * @param telemetryRounds telemetry rounds in the window
     */
    record SteadyResync(
            double windowSeconds,
            int driftChecks,
            Map<String, Integer> calls,
            int writes,
            int listCalls,
            int monitorLists,
            int answered429,
            int telemetryCalls,
            int auditLooks,
            int telemetryRounds) {

        int totalCalls() {
            return calls.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Calls of one full resync: everything in the window except the telemetry queries and audit looks. */
        double callsPerDriftCheck() {
            return driftChecks == 0 ? Double.NaN : (totalCalls() - telemetryCalls - auditLooks) / (double) driftChecks;
        }
    }

    ScaleResult withLoadAndWallSeconds(MachineLoad.Figures machineLoad, double seconds) {
        return new ScaleResult(
                services,
                failure,
                operatorStartSeconds,
                createSeconds,
                readySeconds,
                readyCount,
                telemetrySeconds,
                convergenceCalls,
                convergenceRefused,
                operator429s,
                wantedMonitors,
                monitors,
                wantedSlos,
                slos,
                flow,
                steady,
                memory,
                logErrors,
                logWarnings,
                sampleWarnings,
                convergenceCpu,
                refusedSecondsIntoWindow,
                events,
                machineLoad,
                seconds,
                cluster,
                history,
                breakdown,
                restart);
    }

    ScaleResult withCluster(
            String clusterName,
            ClusterHistory.Figures clusterHistory,
            MemoryBreakdown memoryBreakdown,
            Restart restartFigures) {
        return new ScaleResult(
                services,
                failure,
                operatorStartSeconds,
                createSeconds,
                readySeconds,
                readyCount,
                telemetrySeconds,
                convergenceCalls,
                convergenceRefused,
                operator429s,
                wantedMonitors,
                monitors,
                wantedSlos,
                slos,
                flow,
                steady,
                memory,
                logErrors,
                logWarnings,
                sampleWarnings,
                convergenceCpu,
                refusedSecondsIntoWindow,
                events,
                load,
                wallSeconds,
                clusterName,
                clusterHistory,
                memoryBreakdown,
                restartFigures);
    }

    /** A size that could not be measured at all. */
    static ScaleResult failed(int services, String failure, double wallSeconds) {
        return new ScaleResult(
                services,
                failure,
                Double.NaN,
                Double.NaN,
                null,
                0,
                null,
                Map.of(),
                Map.of(),
                Double.NaN,
                0,
                0,
                0,
                0,
                null,
                null,
                null,
                0,
                0,
                List.of(),
                null,
                List.of(),
                Map.of(),
                null,
                wallSeconds,
                null,
                null,
                null,
                null);
    }

    boolean converged() {
        return readySeconds != null;
    }

    int convergenceTotal() {
        return convergenceCalls.values().stream().mapToInt(Integer::intValue).sum();
    }

    int convergenceRefusedTotal() {
        return convergenceRefused.values().stream().mapToInt(Integer::intValue).sum();
    }
}
