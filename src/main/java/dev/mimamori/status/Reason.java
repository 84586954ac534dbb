package dev.mimamori.status;

import dev.mimamori.datadog.DatadogException;

/**
 * Every reason mimamori writes into a condition, in one list. They are API: tools and people match on them, so a
 * reason never changes meaning. {@link Reasons} keeps the String names the monitoring code uses.
 */
public enum Reason {
    // ServiceMonitoring / MonitoringProfile: Ready=True
    MonitorsInSync,
    ProfileValid,
    // Ready=False: the spec or profile needs a fix (no retry until it changes)
    ProfileNotFound,
    UnknownParameter,
    InvalidParameterValue,
    InvalidTagValue,
    InvalidTemplate,
    InvalidQuery,
    MonitorRejected,
    /** A tag in the spec or profile uses a key reserved for the operator's ownership tags. */
    ReservedTag,
    /**
     * The resource breaks its namespace's TenantPolicy (or the default policy); the message names the rule. Nothing
     * is written to Datadog or to a Deployment. Also ends a ReleaseCheck in Error.
     */
    PolicyViolation,
    // TenantPolicy
    PolicyValid,
    InvalidPolicy,
    // Ready=False: one Datadog object could not be brought in line, the others are (status.problems names it)
    /** Datadog will not delete an object while something refers to it. */
    DeletionBlocked,
    /** Datadog refused our key access to one object (restricted roles, a restriction policy). */
    ObjectForbidden,
    // TelemetryFound
    TelemetryFound,
    TelemetryMissing,
    /** The trace operation in use has no data, another entry operation has: the message names it. */
    TraceOperationMismatch,
    TelemetryNotChecked,
    NoMetricQueries,
    // Contention (ServiceMonitoring): the nodes its pods run on, as Datadog's container metrics place them
    /** A node running the service is under pressure from other workloads: the message names nodes and neighbours. */
    NodeContention,
    /** No node running the service is under pressure from other workloads. */
    NoContention,
    /** Datadog has no container CPU for the service, so where it runs is unknown. */
    ServiceNotPlaced,
    /** No node is known to be contended, but some nodes running the service report no node metrics. */
    NodeMetricsMissing,
    ContentionNotChecked,
    /** Waiting for a Datadog rate-limit window (pacing, e.g. during a large first sync); continues by itself. */
    Queued,
    // Ready=False: Datadog's side (retried)
    DatadogCredentialsMissing,
    DatadogForbidden,
    DatadogRateLimited,
    DatadogUnavailable,
    // ReleaseCheck under way: Ready=False
    WarmingUp,
    Analyzing,
    Acting,
    // ReleaseCheck finished and acted: Ready=True
    Passed,
    Failed,
    Inconclusive,
    Superseded,
    /** No data from Datadog by spec.analysis.deadline: the check ended Inconclusive. */
    DeadlineExceeded,
    // ReleaseCheck ended in Error: Ready=False, nothing more is tried
    InvalidSpec,
    WorkloadNotFound,
    ReleaseUnresolved,
    NoPreviousRevision,
    QueryRejected,
    ActionFailed,
    /** An unexpected failure (the Kubernetes API, the operator itself); the reconcile is retried. */
    ReconcileError;

    /** The reason for a failed Datadog call: the one place that names Datadog's failures. */
    public static Reason of(DatadogException e) {
        return switch (e.kind()) {
            case NOT_CONFIGURED -> DatadogCredentialsMissing;
            case FORBIDDEN -> DatadogForbidden;
            case RATE_LIMITED -> DatadogRateLimited;
            case REJECTED -> MonitorRejected;
            case REFERENCED -> DeletionBlocked;
            default -> DatadogUnavailable;
        };
    }
}
