package dev.mimamori.tenancy;

import dev.mimamori.datadog.MetricFormula;
import java.util.Locale;

/**
 * Whether a metric query a tenant wrote reads only its own service and env. Every {@code {...}} scope (a
 * {@code by {...}} grouping is not one) must be a plain comma-separated list of tags, which Datadog ANDs, holding
 * {@code service:<own>} and {@code env:<own>}; anything that could widen it (a {@code *} scope, another or a negated
 * service or env, OR / NOT / IN, parentheses) is refused. Pure.
 */
public final class QueryScope {

    private QueryScope() {}

    /** Null when every scope of the monitor or SLO query is confined to service and env, else why not. */
    public static String problem(String query, String service, String env) {
        int scopes = 0;
        boolean quoted = false;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '"' || c == '\'') {
                int end = query.indexOf(c, i + 1);
                String inside = end < 0 ? query.substring(i + 1) : query.substring(i + 1, end);
                if (inside.contains(":")) {
                    // A tag filter in a string (logs("..."), .over("...")) is not a metric scope this check can read.
                    return "it filters with a quoted string (" + c + inside + c + "); only metric scopes {...} "
                            + "are allowed";
                }
                if (end < 0) {
                    break;
                }
                i = end;
                continue;
            }
            if (c == '}') {
                return "it has an unmatched '}'";
            }
            if (c != '{') {
                continue;
            }
            int end = query.indexOf('}', i);
            if (end < 0) {
                return "it has an unclosed '{'";
            }
            String inside = query.substring(i + 1, end);
            if (inside.indexOf('{') >= 0) {
                return "it nests braces";
            }
            if (!groupBy(query, i)) {
                String problem = scopeProblem(inside, service, env);
                if (problem != null) {
                    return problem;
                }
                scopes++;
            }
            i = end;
        }
        return scopes == 0 ? "it has no metric scope {service:" + service + ",env:" + env + "}" : null;
    }

    /** Null when every single-metric term of the gate expression is confined to service and env. */
    public static String gateProblem(String expression, String service, String env) {
        MetricFormula formula;
        try {
            formula = MetricFormula.compile(expression);
        } catch (MetricFormula.UntranslatableQuery e) {
            return e.getMessage();
        }
        for (MetricFormula.NamedQuery term : formula.queries()) {
            String problem = problem(term.query(), service, env);
            if (problem != null) {
                return "term " + term.query() + ": " + problem;
            }
        }
        return null;
    }

    private static boolean groupBy(String query, int brace) {
        int j = brace - 1;
        while (j >= 0 && Character.isWhitespace(query.charAt(j))) {
            j--;
        }
        return j >= 1
                && query.substring(j - 1, j + 1).equalsIgnoreCase("by")
                && (j < 2 || !Character.isLetterOrDigit(query.charAt(j - 2)));
    }

    private static String scopeProblem(String scope, String service, String env) {
        boolean ownService = false;
        boolean ownEnv = false;
        for (String raw : scope.split(",", -1)) {
            String term = raw.strip();
            if (term.isEmpty()
                    || term.chars().anyMatch(Character::isWhitespace)
                    || term.contains("(")
                    || term.contains(")")) {
                return "scope {" + scope + "} is not a plain comma-separated list of tags (no OR, AND, NOT, IN or"
                        + " parentheses)";
            }
            if (term.equals("*")) {
                return "scope {*} reads every service";
            }
            boolean negated = term.startsWith("!") || term.startsWith("-");
            String tag = negated ? term.substring(1) : term;
            int colon = tag.indexOf(':');
            String key = (colon < 0 ? tag : tag.substring(0, colon)).toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : tag.substring(colon + 1);
            if (key.equals("service") || key.equals("env")) {
                String own = key.equals("service") ? service : env;
                if (negated || !value.equals(own)) {
                    return "scope {" + scope + "} reaches beyond " + key + ":" + own + " (" + term + ")";
                }
                ownService |= key.equals("service");
                ownEnv |= key.equals("env");
            }
        }
        if (!ownService || !ownEnv) {
            return "scope {" + scope + "} does not hold service:" + service + " and env:" + env;
        }
        return null;
    }
}
