package dev.mimamori.gate;

import dev.mimamori.api.Direction;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.TagRules;
import dev.mimamori.datadog.MetricFormula;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns gate metric specs into metrics ready to query and judge, or says what is wrong with them. Pure. */
public final class GateMetrics {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private GateMetrics() {}

    /**
     * Copies of profile gate metrics with the profile's {@code ${params.NAME}} filled from these parameter values
     * (e.g. the service's trace operation); {@code ${service}}, {@code ${env}} and {@code ${version}} stay. A value
     * that is not a parameter value ({@link TagRules#PARAMETER_VALUE}) is refused: it could add a term or a scope.
     */
    public static List<GateMetric> withParameters(List<GateMetric> metrics, java.util.Map<String, String> parameters) {
        parameters.forEach((name, value) -> {
            if (!TagRules.isParameterValue(value)) {
                throw new IllegalArgumentException("parameter \"" + name + "\" has value \"" + value
                        + "\", which could change the gate's queries; use a number or a word of letters, digits,"
                        + " _ . : / -");
            }
        });
        List<GateMetric> filled = new ArrayList<>();
        for (GateMetric m : metrics) {
            GateMetric copy = new GateMetric();
            copy.name = m.name;
            copy.query = m.query;
            for (java.util.Map.Entry<String, String> p : parameters.entrySet()) {
                copy.query =
                        copy.query == null ? null : copy.query.replace("${params." + p.getKey() + "}", p.getValue());
            }
            copy.requests = m.requests;
            for (java.util.Map.Entry<String, String> p : parameters.entrySet()) {
                copy.requests = copy.requests == null
                        ? null
                        : copy.requests.replace("${params." + p.getKey() + "}", p.getValue());
            }
            copy.direction = m.direction;
            copy.maxRegressionPercent = m.maxRegressionPercent;
            copy.absoluteFloor = m.absoluteFloor;
            filled.add(copy);
        }
        return filled;
    }

    public static List<ResolvedMetric> resolve(List<GateMetric> metrics, AnalysisSettings settings) {
        if (metrics == null || metrics.isEmpty()) {
            throw new IllegalArgumentException("no gate metrics: set spec.metrics or a gate section in the profile");
        }
        List<ResolvedMetric> result = new ArrayList<>();
        for (GateMetric m : metrics) {
            check(m);
            result.add(new ResolvedMetric(m.name, m.query, criteria(m, settings), m.requests));
        }
        return result;
    }

    /** What a metric is judged by, its defaults applied; the {@code judge} command builds its metrics with this. */
    public static MetricComparison.GateCriteria criteria(GateMetric m, AnalysisSettings settings) {
        Direction direction = m.direction == null ? Direction.LowerIsBetter : m.direction;
        double maxRegression =
                m.maxRegressionPercent != null ? m.maxRegressionPercent : GateDefaults.LATENCY_MAX_REGRESSION_PERCENT;
        return new MetricComparison.GateCriteria(
                direction, maxRegression, m.absoluteFloor, settings.confidence(), settings.minSamples());
    }

    /**
     * The metric's query as Datadog's v2 API takes it (single-metric queries and a formula), placeholders kept; an
     * {@link IllegalArgumentException} naming the metric when it has no name, unknown placeholders or a query that
     * cannot be split, so that a bad query is refused when the spec is applied, not when a release is analysed.
     */
    public static MetricFormula check(GateMetric m) {
        if (m.name == null || m.query == null || m.query.isBlank()) {
            throw new IllegalArgumentException("every gate metric needs a name and a query");
        }
        String label = "gate metric \"" + m.name + "\"";
        if (m.requests != null) {
            if (m.requests.isBlank()) {
                throw new IllegalArgumentException(label + " has an empty requests query");
            }
            checkQuery(label + " (its requests query)", m.requests);
        }
        return checkQuery(label, m.query);
    }

    private static MetricFormula checkQuery(String label, String query) {
        Matcher placeholders = PLACEHOLDER.matcher(query);
        while (placeholders.find()) {
            String name = placeholders.group(1);
            if (!name.equals("service") && !name.equals("env") && !name.equals("version")) {
                throw new IllegalArgumentException(
                        label + " uses ${" + name + "}; only ${service}, ${env} and ${version} are known");
            }
        }
        if (!balanced(query)) {
            throw new IllegalArgumentException(label + " has unbalanced brackets: " + query);
        }
        try {
            return MetricFormula.compile(query);
        } catch (MetricFormula.UntranslatableQuery e) {
            throw new IllegalArgumentException(
                    label + " cannot be sent to Datadog as single-metric queries and a formula: " + e.getMessage());
        }
    }

    /** Copies of the metrics with every default written in, as status.gateMetrics keeps them; checked first. */
    public static List<GateMetric> freeze(List<GateMetric> metrics, AnalysisSettings settings) {
        List<GateMetric> frozen = new ArrayList<>();
        for (ResolvedMetric m : resolve(metrics, settings)) {
            GateMetric copy = new GateMetric();
            copy.name = m.name();
            copy.query = m.queryTemplate();
            copy.requests = m.requestsTemplate();
            copy.direction = m.criteria().direction();
            copy.maxRegressionPercent = m.criteria().maxRegressionPercent();
            copy.absoluteFloor = m.criteria().absoluteFloor();
            frozen.add(copy);
        }
        return frozen;
    }

    private static boolean balanced(String query) {
        int depth = 0;
        for (char c : query.toCharArray()) {
            if (c == '(' || c == '{') {
                depth++;
            } else if (c == ')' || c == '}') {
                if (--depth < 0) {
                    return false;
                }
            }
        }
        return depth == 0;
    }
}
