package dev.mimamori.status;

import dev.mimamori.datadog.DatadogException;
import dev.mimamori.sync.ObjectProblem;

/**
 * Every reason mimamori writes into a condition. They are API: tools and people match on them, so they never change
 * meaning. Documented in the README.
 */
public final class Reasons {
    // ServiceMonitoring / MonitoringProfile: Ready=True
    public static final String MONITORS_IN_SYNC = "MonitorsInSync";
    public static final String PROFILE_VALID = "ProfileValid";
    // Ready=False: the spec or profile needs a fix (no retry until it changes)
    public static final String PROFILE_NOT_FOUND = "ProfileNotFound";
    public static final String UNKNOWN_PARAMETER = "UnknownParameter";
    public static final String INVALID_PARAMETER_VALUE = "InvalidParameterValue";
    public static final String INVALID_TAG_VALUE = "InvalidTagValue";
    public static final String INVALID_TEMPLATE = "InvalidTemplate";
    public static final String INVALID_QUERY = "InvalidQuery";
    public static final String MONITOR_REJECTED = "MonitorRejected";
    public static final String RESERVED_TAG = "ReservedTag";
    // Ready=False: one Datadog object could not be brought in line; the others are (status.problems names it)
    public static final String DELETION_BLOCKED = "DeletionBlocked";
    public static final String OBJECT_FORBIDDEN = "ObjectForbidden";
    // Ready=False: an unexpected error in the operator or the Kubernetes API (retried by the operator runtime)
    public static final String RECONCILE_ERROR = "ReconcileError";
    // TelemetryFound
    public static final String TELEMETRY_FOUND = "TelemetryFound";
    public static final String TELEMETRY_MISSING = "TelemetryMissing";
    public static final String TELEMETRY_NOT_CHECKED = "TelemetryNotChecked";
    public static final String NO_METRIC_QUERIES = "NoMetricQueries";
    // Ready=False: Datadog's side (retried)
    public static final String DATADOG_CREDENTIALS_MISSING = "DatadogCredentialsMissing";
    public static final String DATADOG_FORBIDDEN = "DatadogForbidden";
    public static final String DATADOG_RATE_LIMITED = "DatadogRateLimited";
    public static final String DATADOG_UNAVAILABLE = "DatadogUnavailable";

    private Reasons() {
    }

    /** The reason for one object's problem; the most pressing first when several are listed. */
    public static String of(ObjectProblem.Problem problem) {
        return switch (problem) {
            case REJECTED -> MONITOR_REJECTED;
            case REFERENCED -> DELETION_BLOCKED;
            case FORBIDDEN -> OBJECT_FORBIDDEN;
        };
    }

    /** The reason for a failed Datadog call: the one place that names Datadog's failures. */
    public static String of(DatadogException e) {
        return switch (e.kind()) {
            case NOT_CONFIGURED -> DATADOG_CREDENTIALS_MISSING;
            case FORBIDDEN -> DATADOG_FORBIDDEN;
            case RATE_LIMITED -> DATADOG_RATE_LIMITED;
            case REJECTED -> MONITOR_REJECTED;
            case REFERENCED -> DELETION_BLOCKED;
            default -> DATADOG_UNAVAILABLE;
        };
    }
}
