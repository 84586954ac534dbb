package dev.mimamori.tenancy;

import dev.mimamori.datadog.MetricFormula;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a metric query a tenant wrote reads only its own service and env. Every {@code {...}} scope (a
 * {@code by {...}} grouping is not one) must be a plain comma-separated list of tags, which Datadog ANDs, holding
 * {@code service:<own>} and {@code env:<own>}; anything that could widen it (a {@code *} scope, another or a negated
 * service or env, OR / NOT / IN, parentheses) is refused. Pure.
 */
public final class QueryScope {
    /** A metric term as Datadog writes one: a space aggregator, a colon, then at once the metric name. */
    private static final Pattern METRIC_TERM =
            Pattern.compile("(?<![A-Za-z0-9_.])[A-Za-z][A-Za-z0-9_]*:([A-Za-z][A-Za-z0-9_.]*)");

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
        String unscoped = unscopedTerm(query);
        if (unscoped != null) {
            return unscoped;
        }
        return scopes == 0 ? "it has no metric scope {service:" + service + ",env:" + env + "}" : null;
    }

    /**
     * Null when every metric term of the query is followed by its {@code {...}} scope, else which one is not. A term
     * without a scope reads the metric from every source, so the scopes of the other terms confine nothing.
     */
    public static String unscopedTerm(String query) {
        String skeleton = withoutScopesAndStrings(query);
        Matcher term = METRIC_TERM.matcher(skeleton);
        while (term.find()) {
            int next = term.end();
            while (next < skeleton.length() && Character.isWhitespace(skeleton.charAt(next))) {
                next++;
            }
            if (next == skeleton.length() || skeleton.charAt(next) != '{') {
                return "metric term " + term.group() + " has no scope {...}; without one it reads the metric of"
                        + " every service";
            }
        }
        return null;
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

    /**
     * In Datadog's grammar {@code by} follows a scope or a call: whitespace, {@code }} or {@code )} before it. Anything
     * else ({@code latency_by{*}}, {@code x.by{*}}) is part of a metric name, and the braces are that metric's scope.
     */
    private static boolean groupBy(String query, int brace) {
        int j = brace - 1;
        while (j >= 0 && Character.isWhitespace(query.charAt(j))) {
            j--;
        }
        if (j < 2 || !query.substring(j - 1, j + 1).equalsIgnoreCase("by")) {
            return false;
        }
        char before = query.charAt(j - 2);
        return Character.isWhitespace(before) || before == '}' || before == ')';
    }

    /** The query with the inside of every {...} and every quoted string blanked, so only terms and operators remain. */
    private static String withoutScopesAndStrings(String query) {
        StringBuilder out = new StringBuilder(query.length());
        char closing = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (closing != 0) {
                out.append(c == closing ? c : ' ');
                closing = c == closing ? 0 : closing;
            } else {
                out.append(c);
                closing = c == '{' ? '}' : c == '"' || c == '\'' ? c : 0;
            }
        }
        return out.toString();
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
