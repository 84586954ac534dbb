package dev.mimamori.status;

import dev.mimamori.datadog.DatadogException;

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

    /** The reason for a failed Datadog call: the one place that names Datadog's failures. */
    public static String of(DatadogException e) {
        return switch (e.kind()) {
            case NOT_CONFIGURED -> DATADOG_CREDENTIALS_MISSING;
            case FORBIDDEN -> DATADOG_FORBIDDEN;
            case RATE_LIMITED -> DATADOG_RATE_LIMITED;
            case REJECTED -> MONITOR_REJECTED;
            default -> DATADOG_UNAVAILABLE;
        };
    }
}
