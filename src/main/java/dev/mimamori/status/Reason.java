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
    // TelemetryFound
    TelemetryFound,
    TelemetryMissing,
    TelemetryNotChecked,
    NoMetricQueries,
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
    /** An unexpected Kubernetes API failure; the reconcile is retried. */
    KubernetesError;

    /** The reason for a failed Datadog call: the one place that names Datadog's failures. */
    public static Reason of(DatadogException e) {
        return switch (e.kind()) {
            case NOT_CONFIGURED -> DatadogCredentialsMissing;
            case FORBIDDEN -> DatadogForbidden;
            case RATE_LIMITED -> DatadogRateLimited;
            case REJECTED -> MonitorRejected;
            default -> DatadogUnavailable;
        };
    }
}
