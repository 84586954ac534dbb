package dev.mimamori.status;

import dev.mimamori.datadog.DatadogException;
import dev.mimamori.sync.ObjectProblem;

/** The names of {@link Reason}s as Strings, for code that passes reasons around as text. */
public final class Reasons {
    public static final String MONITORS_IN_SYNC = Reason.MonitorsInSync.name();
    public static final String PROFILE_VALID = Reason.ProfileValid.name();
    public static final String PROFILE_NOT_FOUND = Reason.ProfileNotFound.name();
    public static final String UNKNOWN_PARAMETER = Reason.UnknownParameter.name();
    public static final String INVALID_PARAMETER_VALUE = Reason.InvalidParameterValue.name();
    public static final String INVALID_TAG_VALUE = Reason.InvalidTagValue.name();
    public static final String INVALID_TEMPLATE = Reason.InvalidTemplate.name();
    public static final String INVALID_QUERY = Reason.InvalidQuery.name();
    public static final String MONITOR_REJECTED = Reason.MonitorRejected.name();
    public static final String RESERVED_TAG = Reason.ReservedTag.name();
    public static final String POLICY_VIOLATION = Reason.PolicyViolation.name();
    public static final String DELETION_BLOCKED = Reason.DeletionBlocked.name();
    public static final String OBJECT_FORBIDDEN = Reason.ObjectForbidden.name();
    public static final String RECONCILE_ERROR = Reason.ReconcileError.name();
    public static final String TELEMETRY_FOUND = Reason.TelemetryFound.name();
    public static final String TELEMETRY_MISSING = Reason.TelemetryMissing.name();
    public static final String TRACE_OPERATION_MISMATCH = Reason.TraceOperationMismatch.name();
    public static final String TELEMETRY_NOT_CHECKED = Reason.TelemetryNotChecked.name();
    public static final String NO_METRIC_QUERIES = Reason.NoMetricQueries.name();
    public static final String DATADOG_CREDENTIALS_MISSING = Reason.DatadogCredentialsMissing.name();
    public static final String DATADOG_FORBIDDEN = Reason.DatadogForbidden.name();
    public static final String DATADOG_RATE_LIMITED = Reason.DatadogRateLimited.name();
    public static final String QUEUED = Reason.Queued.name();
    public static final String DATADOG_UNAVAILABLE = Reason.DatadogUnavailable.name();

    private Reasons() {}

    public static String of(DatadogException e) {
        return Reason.of(e).name();
    }

    /** The reason for one object's problem. */
    public static String of(ObjectProblem.Problem problem) {
        return switch (problem) {
            case REJECTED -> MONITOR_REJECTED;
            case REFERENCED -> DELETION_BLOCKED;
            case FORBIDDEN -> OBJECT_FORBIDDEN;
        };
    }
}
