package dev.mimamori.gate;

/**
 * A gate metric ready to query: its name, the query template, the criteria it is judged by and, for a share of
 * requests, the template of the request count per bucket (null otherwise).
 */
public record ResolvedMetric(
        String name, String queryTemplate, MetricComparison.GateCriteria criteria, String requestsTemplate) {

    /** A metric without request counts. */
    public ResolvedMetric(String name, String queryTemplate, MetricComparison.GateCriteria criteria) {
        this(name, queryTemplate, criteria, null);
    }

    /** The query for one version, its values already checked; Datadog stores version tags lowercased. */
    public String queryFor(String service, String env, String version) {
        return filled(queryTemplate, service, env, version);
    }

    /** The request-count query for one version; only for a metric with {@link #requestsTemplate()}. */
    public String requestsQueryFor(String service, String env, String version) {
        return filled(requestsTemplate, service, env, version);
    }

    private static String filled(String template, String service, String env, String version) {
        return template.replace("${service}", service)
                .replace("${env}", env)
                .replace("${version}", version.toLowerCase(java.util.Locale.ROOT));
    }
}
