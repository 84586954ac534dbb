package dev.mimamori.gate;

/** A gate metric ready to query: its name, the query template and the criteria it is judged by. */
public record ResolvedMetric(String name, String queryTemplate, MetricComparison.GateCriteria criteria) {

    /** The query for one version, its values already checked; Datadog stores version tags lowercased. */
    public String queryFor(String service, String env, String version) {
        return queryTemplate
                .replace("${service}", service)
                .replace("${env}", env)
                .replace("${version}", version.toLowerCase(java.util.Locale.ROOT));
    }
}
