package dev.mimamori.api;

/**
 * What a value must look like to be used as a Datadog tag value. The same patterns guard the CRD schema (admission)
 * and the renderer (render mode, profiles), so a value can never break out of the query it is placed in.
 */
public final class TagRules {
    /** service, env, team: lowercase letters, digits and {@code _ . - /}, starting with a letter or digit. */
    public static final String TAG_VALUE = "^[a-z0-9][a-z0-9_./-]{0,99}$";
    /** A version label such as 1.4.0 or v2-rc1; Datadog lowercases it in the version tag, and so do our queries. */
    public static final String VERSION = "^[A-Za-z0-9][A-Za-z0-9_./-]{0,127}$";
    /** A whole tag such as {@code tier:critical}: as {@link #TAG_VALUE}, plus {@code :}. */
    public static final String TAG = "^[a-z][a-z0-9_.:/-]{0,199}$";
    /** A Datadog notification handle such as {@code @slack-payments} or {@code @pagerduty-checkout}. */
    public static final String HANDLE = "^@[A-Za-z0-9_./@-]{1,199}$";
    /** A template or parameter name: a readable identifier. */
    public static final String NAME = "^[a-zA-Z][a-zA-Z0-9-]{0,62}$";
    /**
     * A Kubernetes object name (DNS-1123 subdomain), for names the operator puts into API request paths: a
     * Deployment's name. Length is bounded separately (253).
     */
    public static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** A MonitoringProfile's name as a reference: a DNS-1123 label of at most 63 characters. */
    public static final String PROFILE_NAME = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
    /** A parameter value: a number or a tag-like word; no braces, quotes, commas or spaces, so no query injection. */
    public static final String PARAMETER_VALUE = "^[A-Za-z0-9_.:/-]{1,100}$";

    private TagRules() {}

    public static boolean isTagValue(String value) {
        return value != null && value.matches(TAG_VALUE);
    }

    public static boolean isVersion(String value) {
        return value != null && value.matches(VERSION);
    }

    public static boolean isTag(String value) {
        return value != null && value.matches(TAG);
    }

    public static boolean isHandle(String value) {
        return value != null && value.matches(HANDLE);
    }

    public static boolean isObjectName(String value) {
        return value != null && value.length() <= 253 && value.matches(OBJECT_NAME);
    }

    public static boolean isProfileName(String value) {
        return value != null && value.matches(PROFILE_NAME);
    }

    public static boolean isParameterValue(String value) {
        return value != null && value.matches(PARAMETER_VALUE);
    }
}
