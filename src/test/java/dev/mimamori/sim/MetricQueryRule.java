package dev.mimamori.sim;

import java.util.regex.Pattern;

/**
 * What Datadog's v2 query endpoints (timeseries and scalar) take in one {@code queries[].query} of data source
 * {@code metrics}: one metric, {@code agg:metric{scope} by {tags}}, with the modifiers {@code .as_count()},
 * {@code .as_rate()}, {@code .rollup(...)} and {@code .fill(...)}. Arithmetic, constants and functions belong in
 * {@code formulas}: Datadog answers 400 with the message below (argo-rollouts#2813).
 */
final class MetricQueryRule {

    static final String FUNCTIONS_NOT_SUPPORTED =
            "Functions are not supported in metrics data source field. Use the formulas payload.";

    // Written independently of the operator's compiler, so that a test against the simulator checks it.
    private static final Pattern ONE_METRIC =
            Pattern.compile("\\s*(?:avg|sum|min|max|count|p\\d{1,2}(?:\\.\\d+)?):[A-Za-z][A-Za-z0-9_.]*\\s*\\{[^{}]*}"
                    + "(?:\\s*by\\s*\\{[^{}]*})?"
                    + "(?:\\.as_count\\(\\)|\\.as_rate\\(\\)|\\.rollup\\([^()]*\\)|\\.fill\\([^()]*\\))*\\s*");
    private static final Pattern SCOPES_AND_MODIFIERS = Pattern.compile("\\{[^{}]*}|\\.[a-z_]+\\([^()]*\\)");
    private static final Pattern ARITHMETIC_OR_CALL = Pattern.compile("[-+*/]|[A-Za-z_]\\w*\\s*\\(|(?:^|\\s)\\d");

    private MetricQueryRule() {}

    /** Throws Datadog's 400 for anything but one metric; a query that is not even that is a parse error. */
    static void check(String query) {
        if (ONE_METRIC.matcher(query).matches()) {
            return;
        }
        String outside = SCOPES_AND_MODIFIERS.matcher(query).replaceAll(" ");
        if (ARITHMETIC_OR_CALL.matcher(outside).find()) {
            throw ApiError.badRequest(FUNCTIONS_NOT_SUPPORTED);
        }
        throw ApiError.badRequest(
                "Error parsing query: unable to parse " + query.strip() + ": Rule 'query_expr' didn't match");
    }
}
