package dev.mimamori.servicemonitoring;

import dev.mimamori.api.Condition;
import dev.mimamori.api.DashboardStatus;
import dev.mimamori.api.MonitorStatus;
import dev.mimamori.api.ObjectProblemStatus;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringStatus;
import dev.mimamori.api.SloStatus;
import dev.mimamori.api.TelemetryStatus;
import dev.mimamori.api.TraceOperationStatus;
import dev.mimamori.status.Conditions;
import dev.mimamori.status.Reason;
import dev.mimamori.status.Reasons;
import dev.mimamori.sync.ObjectProblem;
import dev.mimamori.sync.SyncedObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Every ServiceMonitoring status is built here, from the previous status and what the reconcile found. */
final class ServiceMonitoringStatusBuilder {

    private ServiceMonitoringStatusBuilder() {}

    /** What one reconcile that reached Datadog found, for the status. */
    record Synced(
            ServiceSync.Outcome sync,
            DashboardStatus dashboard,
            TelemetryCheck.Result telemetry,
            List<ObjectProblem> problems,
            TraceOperations.Choice operation,
            ContentionCheck.Result contention) {}

    static ServiceMonitoringStatus synced(ServiceMonitoring sm, Synced synced, Instant now) {
        ServiceMonitoringStatus status = base(sm);
        ServiceSync.Outcome outcome = synced.sync();
        status.monitors = new ArrayList<>();
        for (SyncedObject m : outcome.monitors()) {
            status.monitors.add(new MonitorStatus(m.name(), Long.valueOf(m.id()), m.url()));
        }
        int wanted = outcome.monitorsWanted();
        status.monitorsInSync = outcome.monitors().size() + "/" + wanted;
        status.slos = outcome.slos().isEmpty()
                ? null
                : outcome.slos().stream()
                        .map(s -> new SloStatus(
                                s.desired().templateName(),
                                s.object().id(),
                                s.object().url(),
                                s.desired().definition().target(),
                                s.desired().definition().timeframe()))
                        .toList();
        status.dashboard = synced.dashboard();
        TelemetryCheck.Result telemetry = synced.telemetry();
        // A restarted operator has not asked Datadog yet: what the previous process found stands until it has, so a
        // restart or failover neither flips the conditions nor rewrites every status twice.
        boolean keepTelemetry = telemetry.pending() && foundForCurrentSpec(sm, Conditions.TELEMETRY_FOUND);
        if (!keepTelemetry) {
            status.telemetry = telemetry.checkedAt() == null
                    ? null
                    : new TelemetryStatus(telemetry.missing(), telemetry.checked());
        }
        TraceOperations.Choice operation = synced.operation();
        status.traceOperation = operation == null
                ? null
                : new TraceOperationStatus(
                        operation.configured(),
                        operation.used(),
                        operation.source().name(),
                        operation.detected());
        if (!keepTelemetry) {
            status.conditions = telemetryCondition(status.conditions, telemetry, operation, generation(sm), now);
        }
        ContentionCheck.Result contention = synced.contention();
        if (contention == null || !contention.pending() || !foundForCurrentSpec(sm, Conditions.CONTENTION)) {
            status.conditions = contentionCondition(status.conditions, contention, generation(sm), now);
        }
        List<ObjectProblem> problems = synced.problems();
        status.problems = problems.isEmpty()
                ? null
                : problems.stream()
                        .map(p -> new ObjectProblemStatus(
                                p.kind(), p.name(), p.id(), Reasons.of(p.problem()), p.message()))
                        .toList();
        if (problems.isEmpty()) {
            String message = wanted + " monitors"
                    + (outcome.slos().isEmpty()
                            ? ""
                            : ", " + outcome.slos().size() + (outcome.slos().size() == 1 ? " SLO" : " SLOs"))
                    + (synced.dashboard() == null ? "" : " and the dashboard") + " in sync with Datadog";
            List<String> blind =
                    status.telemetry == null || status.telemetry.missing == null ? List.of() : status.telemetry.missing;
            if (!blind.isEmpty()) {
                message += "; but Datadog received no data in the last hour for " + String.join(", ", blind)
                        + ", so the monitors and SLOs reading them are blind (see TelemetryFound)";
            }
            status.conditions = Conditions.with(
                    status.conditions,
                    Conditions.READY,
                    Conditions.TRUE,
                    Reasons.MONITORS_IN_SYNC,
                    message,
                    generation(sm),
                    now);
        } else {
            status.conditions = Conditions.with(
                    status.conditions,
                    Conditions.READY,
                    Conditions.FALSE,
                    Reasons.of(mostPressing(problems)),
                    problems.size() + " of this service's Datadog objects could "
                            + "not be brought in line, the rest are in sync: "
                            + problems.stream().map(ObjectProblem::describe).collect(Collectors.joining("; ")),
                    generation(sm),
                    now);
        }
        return status;
    }

    /** A forbidden object needs a person with rights, a blocked delete a change elsewhere, a refusal a spec fix. */
    private static ObjectProblem.Problem mostPressing(List<ObjectProblem> problems) {
        return problems.stream()
                .map(ObjectProblem::problem)
                .min(Comparator.comparing(p -> switch (p) {
                    case FORBIDDEN -> 0;
                    case REFERENCED -> 1;
                    case REJECTED -> 2;
                }))
                .orElseThrow();
    }

    private static List<Condition> telemetryCondition(
            List<Condition> conditions,
            TelemetryCheck.Result telemetry,
            TraceOperations.Choice operation,
            Long generation,
            Instant now) {
        if (telemetry.checkedAt() == null) {
            if (telemetry.problemReason() != null) {
                return Conditions.with(
                        conditions,
                        Conditions.TELEMETRY_FOUND,
                        Conditions.UNKNOWN,
                        telemetry.problemReason(),
                        "could not ask Datadog: " + telemetry.problemMessage(),
                        generation,
                        now);
            }
            return Conditions.with(
                    conditions,
                    Conditions.TELEMETRY_FOUND,
                    Conditions.UNKNOWN,
                    Reasons.TELEMETRY_NOT_CHECKED,
                    "Datadog has not been asked yet",
                    generation,
                    now);
        }
        if (telemetry.checked() == 0) {
            return Conditions.with(
                    conditions,
                    Conditions.TELEMETRY_FOUND,
                    Conditions.TRUE,
                    Reasons.NO_METRIC_QUERIES,
                    "no monitor or SLO reads a metric",
                    generation,
                    now);
        }
        if (telemetry.missing().isEmpty()) {
            return Conditions.with(
                    conditions,
                    Conditions.TELEMETRY_FOUND,
                    Conditions.TRUE,
                    Reasons.TELEMETRY_FOUND,
                    "Datadog has data from the last hour for all " + telemetry.checked()
                            + " metrics the monitors and SLOs read",
                    generation,
                    now);
        }
        if (operation != null && operation.hint() != null) {
            return Conditions.with(
                    conditions,
                    Conditions.TELEMETRY_FOUND,
                    Conditions.FALSE,
                    Reasons.TRACE_OPERATION_MISMATCH,
                    operation.hint() + "; no data in the last hour for " + String.join(", ", telemetry.missing()),
                    generation,
                    now);
        }
        return Conditions.with(
                conditions,
                Conditions.TELEMETRY_FOUND,
                Conditions.FALSE,
                Reasons.TELEMETRY_MISSING,
                "no data in the last hour for " + telemetry.missing().size() + " of " + telemetry.checked()
                        + " metrics: " + String.join(", ", telemetry.missing()),
                generation,
                now);
    }

    /** Contention of the service's nodes; no condition at all while the check is turned off. */
    static List<Condition> contentionCondition(
            List<Condition> conditions, ContentionCheck.Result contention, Long generation, Instant now) {
        if (contention == null) {
            return conditions.stream()
                    .filter(c -> !Conditions.CONTENTION.equals(c.getType()))
                    .collect(Collectors.toCollection(ArrayList::new));
        }
        NodeContention.Finding finding = contention.finding();
        if (finding == null) {
            return contention.problemReason() == null
                    ? Conditions.with(
                            conditions,
                            Conditions.CONTENTION,
                            Conditions.UNKNOWN,
                            Reason.ContentionNotChecked.name(),
                            "the nodes of this service have not been looked at yet",
                            generation,
                            now)
                    : Conditions.with(
                            conditions,
                            Conditions.CONTENTION,
                            Conditions.UNKNOWN,
                            contention.problemReason(),
                            "could not ask Datadog: " + contention.problemMessage(),
                            generation,
                            now);
        }
        // A failed round keeps the last finding: its state still stands until Datadog answers again.
        String message = finding.message();
        if (contention.problemReason() != null) {
            message += " (as of " + contention.checkedAt() + "; Datadog did not answer since: "
                    + contention.problemMessage() + ")";
        }
        return switch (finding.state()) {
            case CONTENDED ->
                Conditions.with(
                        conditions,
                        Conditions.CONTENTION,
                        Conditions.TRUE,
                        Reason.NodeContention.name(),
                        message,
                        generation,
                        now);
            case CLEAR ->
                Conditions.with(
                        conditions,
                        Conditions.CONTENTION,
                        Conditions.FALSE,
                        Reason.NoContention.name(),
                        message,
                        generation,
                        now);
            case UNPLACED ->
                Conditions.with(
                        conditions,
                        Conditions.CONTENTION,
                        Conditions.UNKNOWN,
                        Reason.ServiceNotPlaced.name(),
                        message,
                        generation,
                        now);
            case UNMEASURED ->
                Conditions.with(
                        conditions,
                        Conditions.CONTENTION,
                        Conditions.UNKNOWN,
                        Reason.NodeMetricsMissing.name(),
                        message,
                        generation,
                        now);
        };
    }

    /**
     * A deletion that cannot finish yet: the finalizer stays, and the condition says which objects block it and how
     * to unblock them.
     */
    static ServiceMonitoringStatus deletionBlocked(ServiceMonitoring sm, List<ObjectProblem> problems, Instant now) {
        ServiceMonitoringStatus status = base(sm);
        status.problems = problems.stream()
                .map(p -> new ObjectProblemStatus(p.kind(), p.name(), p.id(), Reasons.of(p.problem()), p.message()))
                .toList();
        status.conditions = Conditions.with(
                status.conditions,
                Conditions.READY,
                Conditions.FALSE,
                Reasons.DELETION_BLOCKED,
                "deletion waits for Datadog: "
                        + problems.stream().map(ObjectProblem::describe).collect(Collectors.joining("; "))
                        + ". Remove what refers to each object (or give the key access to it), or delete it in "
                        + "Datadog; the finalizer is retried until then (deletionPolicy: Orphan leaves everything "
                        + "in Datadog instead)",
                generation(sm),
                now);
        return status;
    }

    /**
     * Waiting for Datadog's rate limit (pacing, not a failure): what was already written stays listed and the rest
     * follows when the window resets.
     */
    static ServiceMonitoringStatus queued(ServiceMonitoring sm, String why, java.time.Duration retry, Instant now) {
        ServiceMonitoringStatus status = base(sm);
        status.conditions = Conditions.with(
                status.conditions,
                Conditions.READY,
                Conditions.FALSE,
                Reasons.QUEUED,
                "queued behind Datadog's rate limit, nothing is wrong: the remaining changes are made in about "
                        + Math.max(1, retry.toSeconds()) + " s (" + why + ")",
                generation(sm),
                now);
        return status;
    }

    /** A failure: the monitors, SLOs and links last known stay listed, since they still exist in Datadog. */
    static ServiceMonitoringStatus failed(ServiceMonitoring sm, String reason, String message, Instant now) {
        ServiceMonitoringStatus status = base(sm);
        status.conditions = Conditions.with(
                status.conditions, Conditions.READY, Conditions.FALSE, reason, message, generation(sm), now);
        return status;
    }

    /**
     * Whether the status holds a finding of this type about the current spec (so the same service and env): its
     * condition was set at this generation. The status's own observedGeneration would not do: a failed or queued
     * reconcile of a new spec stamps it while the findings still describe the old one.
     */
    static boolean foundForCurrentSpec(ServiceMonitoring sm, String conditionType) {
        Condition found = sm.getStatus() == null ? null : Conditions.find(sm.getStatus().conditions, conditionType);
        return found != null && Objects.equals(found.getObservedGeneration(), generation(sm));
    }

    private static ServiceMonitoringStatus base(ServiceMonitoring sm) {
        ServiceMonitoringStatus previous = sm.getStatus();
        ServiceMonitoringStatus status = new ServiceMonitoringStatus();
        if (previous != null) {
            status.conditions = previous.conditions == null ? new ArrayList<>() : new ArrayList<>(previous.conditions);
            status.monitors = previous.monitors == null ? new ArrayList<>() : new ArrayList<>(previous.monitors);
            status.monitorsInSync = previous.monitorsInSync;
            status.slos = previous.slos;
            status.dashboard = previous.dashboard;
            status.telemetry = previous.telemetry;
            status.traceOperation = previous.traceOperation;
            status.problems = previous.problems;
        }
        status.observedGeneration = generation(sm);
        return status;
    }

    private static Long generation(ServiceMonitoring sm) {
        return sm.getMetadata().getGeneration();
    }

    static String readyReason(ServiceMonitoringStatus status) {
        var ready = status == null ? null : Conditions.find(status.conditions, Conditions.READY);
        return ready == null ? null : ready.getReason();
    }
}
