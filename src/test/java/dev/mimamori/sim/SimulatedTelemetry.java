package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers v2 scalar queries: whether a metric has data for a scope over a range, and one number
 * when it does. By default every metric has data (1.0, or the aggregate of a matching
 * {@link SimulatedMetrics} script); a test silences metrics of a service and env to make them
 * absent, as when a service stops reporting. Trace metrics ({@code trace.<operation>...}) exist
 * only for the operations a service emits: {@code http.request} unless a test names others.
 * Queries grouped {@code by {service}} answer one row per service of the env that has data, with
 * a group column first, as Datadog's GroupScalarColumn. Thread-safe.
 */
final class SimulatedTelemetry {

    /** The simulator's own cap on queries per request; Datadog documents none we could find. */
    static final int MAX_QUERIES = 100;
    // Datadog keeps metrics for 15 months and refuses queries that end before that.
    private static final Duration RETENTION = Duration.ofDays(15 * 30 + 7);
    private static final long SCRIPT_INTERVAL_MS = SimulatedMetrics.DEFAULT_INTERVAL_MS;

    // "avg:trace.http.request.hits{service:checkout,env:prod}", possibly inside functions.
    private static final Pattern METRIC_QUERY =
            Pattern.compile("(?:^|[(\\s,])([a-z0-9]+):([A-Za-z0-9_.\\-]+)\\s*\\{([^}]*)}");
    private static final Pattern GROUPED = Pattern.compile("\\bby\\s*\\{");
    private static final Pattern SCOPE_TERM = Pattern.compile("\\*|[A-Za-z][A-Za-z0-9_\\-./]*:\\S+");
    private static final Pattern QUERY_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    // Datadog's own list, as its 400 quotes it (argo-rollouts#3707); the OpenAPI enum lacks stddev.
    private static final List<String> AGGREGATORS =
            List.of("avg", "min", "max", "sum", "last", "mean", "area", "l2norm", "percentile", "stddev");
    // Data sources Datadog's scalar endpoint knows; only metrics are simulated.
    private static final Set<String> KNOWN_SOURCES = Set.of(
            "metrics",
            "cloud_cost",
            "logs",
            "rum",
            "dora",
            "spans",
            "events",
            "audit",
            "network",
            "profiles",
            "security_signals",
            "ci_pipelines",
            "ci_tests",
            "on_call_events",
            "product_analytics",
            "incident_analytics",
            "apm_metrics",
            "apm_resource_stats",
            "apm_dependency_stats",
            "container",
            "process",
            "slo");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Scope of a silence: the service and env tags a query's {...} must both hold. */
    private record Scope(String service, String env) {}

    /** The operation a service's trace metrics are named after unless a test names others. */
    static final String DEFAULT_OPERATION = "http.request";

    private static final Pattern GROUPED_BY_TAGS = Pattern.compile("\\s+by\\s*\\{([^}]*)}\\s*$");
    /** Datadog's name for the group of series that lack a grouped tag. */
    static final String NO_TAG_VALUE = "N/A";

    private final SimulatedMetrics metrics;
    private final SimulatedNodes nodes;
    /** Services and envs known from elsewhere in the simulator (the tags of its monitors). */
    private final java.util.function.Supplier<Set<Scope>> knownServices;
    // Metric name prefixes silenced per scope; "" silences every metric.
    private final Map<Scope, Set<String>> silences = new HashMap<>();
    // The span operations a service emits, when a test said so.
    private final Map<Scope, Set<String>> operations = new HashMap<>();

    SimulatedTelemetry(
            SimulatedMetrics metrics, SimulatedNodes nodes, java.util.function.Supplier<Set<String[]>> knownServices) {
        this.metrics = metrics;
        this.nodes = nodes;
        this.knownServices = () -> {
            Set<Scope> known = new LinkedHashSet<>();
            knownServices.get().forEach(pair -> known.add(new Scope(pair[0], pair[1])));
            return known;
        };
    }

    /** The service emits spans of these operations only, so only their trace metrics have data. */
    synchronized void emitOperations(String service, String env, String... spanOperations) {
        operations.put(new Scope(service, env), new LinkedHashSet<>(List.of(spanOperations)));
    }

    /** Whether a trace metric belongs to an operation the service emits; other metrics always do. */
    private synchronized boolean emitted(String metric, Scope scope) {
        if (!metric.startsWith("trace.")) {
            return true;
        }
        for (String operation : operations.getOrDefault(scope, Set.of(DEFAULT_OPERATION))) {
            String name = "trace." + operation;
            if (metric.equals(name) || metric.startsWith(name + ".")) {
                return true;
            }
        }
        return false;
    }

    private static Scope scopeOf(Set<String> scope) {
        String service = null;
        String env = null;
        for (String term : scope) {
            if (term.startsWith("service:")) {
                service = term.substring("service:".length());
            } else if (term.startsWith("env:")) {
                env = term.substring("env:".length());
            }
        }
        return new Scope(service, env);
    }

    synchronized void silence(String service, String env, String... metricPrefixes) {
        Set<String> prefixes = silences.computeIfAbsent(new Scope(service, env), s -> new LinkedHashSet<>());
        if (metricPrefixes.length == 0) {
            prefixes.add("");
        }
        for (String prefix : metricPrefixes) {
            prefixes.add(prefix == null ? "" : prefix);
        }
    }

    synchronized void unsilence(String service, String env) {
        silences.remove(new Scope(service, env));
    }

    synchronized void clear() {
        silences.clear();
        operations.clear();
    }

    private synchronized boolean silenced(String metric, Set<String> scope) {
        for (Map.Entry<Scope, Set<String>> e : silences.entrySet()) {
            Scope s = e.getKey();
            if (scope.contains("service:" + s.service()) && scope.contains("env:" + s.env())) {
                for (String prefix : e.getValue()) {
                    if (metric.startsWith(prefix)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * POST /api/v2/query/scalar.
     *
     * @param request ScalarFormulaQueryRequest as JSON
     * @param now     the simulator's current time
     * @return ScalarFormulaQueryResponse as JSON
     */
    ObjectNode query(JsonNode request, Instant now) {
        JsonNode data = request.path("data");
        JsonNode type = data.get("type");
        if (type != null && !"scalar_request".equals(type.asText())) {
            throw ApiError.badRequest("Invalid value for 'data.type': expected 'scalar_request', got " + type);
        }
        JsonNode attributes = data.path("attributes");
        if (!attributes.isObject()) {
            throw ApiError.badRequest("Missing required field 'data.attributes'");
        }
        long from = requiredLong(attributes, "from");
        long to = requiredLong(attributes, "to");
        if (from >= to) {
            throw ApiError.badRequest("'from' must be before 'to'");
        }
        if (to < now.minus(RETENTION).toEpochMilli()) {
            throw ApiError.badRequest("Queries ending outside the retention date are invalid");
        }

        JsonNode queryNodes = attributes.path("queries");
        if (!queryNodes.isArray() || queryNodes.isEmpty()) {
            throw ApiError.badRequest("At least one query is required");
        }
        if (queryNodes.size() > MAX_QUERIES) {
            throw ApiError.badRequest("Too many queries: " + queryNodes.size() + " in one request, "
                    + "the simulator answers at most " + MAX_QUERIES);
        }
        Map<String, MetricQuery> queries = new LinkedHashMap<>();
        for (JsonNode q : queryNodes) {
            MetricQuery parsed = parse(q);
            if (queries.putIfAbsent(parsed.name(), parsed) != null) {
                throw ApiError.badRequest("Duplicate query name '" + parsed.name() + "' in queries");
            }
        }
        Set<List<String>> groupings = new LinkedHashSet<>();
        queries.values().forEach(q -> groupings.add(q.groupBy()));
        if (groupings.stream().anyMatch(g -> !g.isEmpty() && !g.equals(List.of("service")))) {
            if (groupings.size() > 1) {
                throw ApiError.badRequest("Queries grouped by different tags in one request are not supported by "
                        + "the simulator: " + groupings);
            }
            return groupedByTags(queries, attributes.path("formulas"), from, to, now);
        }
        long grouped = queries.values().stream().filter(MetricQuery::byService).count();
        if (grouped > 0 && grouped < queries.size()) {
            throw ApiError.badRequest(
                    "Mixing grouped and ungrouped queries in one request is not " + "supported by the simulator");
        }
        if (grouped > 0) {
            return groupedByService(queries, attributes.path("formulas"), from, now);
        }

        // Each query is looked up once, however many formulas use it.
        Map<String, Double> values = new HashMap<>();
        Function<String, Double> valueOf =
                name -> values.computeIfAbsent(name, n -> value(queries.get(n), from, to, now));
        ArrayNode columns = NODES.arrayNode();
        JsonNode formulas = attributes.path("formulas");
        if (formulas.isArray() && !formulas.isEmpty()) {
            List<Formula> parsed = new ArrayList<>();
            for (JsonNode f : formulas) {
                JsonNode text = f.get("formula");
                if (text == null || !text.isTextual() || text.asText().isBlank()) {
                    throw ApiError.badRequest("Missing required field 'formula' in formulas");
                }
                parsed.add(Formula.parse(text.asText(), queries.keySet()));
            }
            for (Formula formula : parsed) {
                columns.add(column(formula.text(), formula.evaluate(valueOf)));
            }
        } else {
            for (String name : queries.keySet()) {
                columns.add(column(name, valueOf.apply(name)));
            }
        }

        ObjectNode response = NODES.objectNode();
        ObjectNode out = response.putObject("data");
        out.put("id", "0");
        out.put("type", "scalar_response");
        out.putObject("attributes").set("columns", columns);
        return response;
    }

    /**
     * One query of the request: its name, time aggregator (the request's), space aggregator (the query's prefix),
     * metric, scope and grouped tags.
     */
    private record MetricQuery(
            String name,
            String aggregator,
            String space,
            String text,
            String metric,
            Set<String> scope,
            List<String> groupBy) {
        boolean byService() {
            return groupBy.equals(List.of("service"));
        }
    }

    /**
     * Node and container series grouped by any tags ({@code by {host,service}}): one row per combination of the tags'
     * values that has data, a group column per tag (named after it) and then a number column per query. A series
     * without a grouped tag falls in the group {@value #NO_TAG_VALUE}, as Datadog shows it.
     */
    private ObjectNode groupedByTags(
            Map<String, MetricQuery> queries, JsonNode formulas, long from, long to, Instant now) {
        boolean reported = from <= metrics.cutoff(now);
        List<String> groupBy = queries.values().iterator().next().groupBy();
        Map<String, Map<List<String>, Double>> valuesByQuery = new LinkedHashMap<>();
        java.util.TreeSet<List<String>> rows =
                new java.util.TreeSet<>((a, b) -> String.join("\n", a).compareTo(String.join("\n", b)));
        for (MetricQuery q : queries.values()) {
            if (!nodes.knows(q.metric())) {
                throw ApiError.badRequest("Query '" + q.text() + "' groups " + q.metric() + " by " + groupBy
                        + ": the simulator groups only scripted node and container metrics by tags other than service");
            }
            Map<List<String>, List<Double>> groups = new LinkedHashMap<>();
            for (SimulatedNodes.Series series : reported
                    ? nodes.series(q.metric(), from, Math.min(to, now.toEpochMilli()))
                    : List.<SimulatedNodes.Series>of()) {
                if (!matches(q.scope(), series.tags())) {
                    continue;
                }
                List<String> key = groupBy.stream()
                        .map(tag -> series.tags().getOrDefault(tag, NO_TAG_VALUE))
                        .toList();
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(series.value());
            }
            Map<List<String>, Double> values = new LinkedHashMap<>();
            groups.forEach((key, points) -> values.put(key, aggregate(q.space(), points)));
            valuesByQuery.put(q.name(), values);
            rows.addAll(values.keySet());
        }
        List<String> names = new ArrayList<>();
        if (formulas.isArray() && !formulas.isEmpty()) {
            for (JsonNode f : formulas) {
                String text = f.path("formula").asText("");
                if (!queries.containsKey(text)) {
                    throw ApiError.badRequest("Formula '" + text + "' over grouped queries: only a "
                            + "query name is supported by the simulator");
                }
                names.add(text);
            }
        } else {
            names.addAll(queries.keySet());
        }
        ArrayNode columns = NODES.arrayNode();
        for (int i = 0; i < groupBy.size(); i++) {
            ObjectNode group = columns.addObject();
            group.put("name", groupBy.get(i));
            group.put("type", "group");
            ArrayNode groupValues = group.putArray("values");
            for (List<String> row : rows) {
                groupValues.addArray().add(row.get(i));
            }
        }
        for (String name : names) {
            ObjectNode column = columns.addObject();
            column.put("name", name);
            ArrayNode values = column.putArray("values");
            for (List<String> row : rows) {
                Double value = valuesByQuery.get(name).get(row);
                if (value == null) {
                    values.addNull();
                } else {
                    values.add(value);
                }
            }
            column.put("type", "number");
            column.putObject("meta").putNull("unit");
        }
        ObjectNode response = NODES.objectNode();
        ObjectNode out = response.putObject("data");
        out.put("id", "0");
        out.put("type", "scalar_response");
        out.putObject("attributes").set("columns", columns);
        return response;
    }

    /** Whether a series' tags satisfy every term of a scope; {@code *} matches every series. */
    private static boolean matches(Set<String> scope, Map<String, String> tags) {
        for (String term : scope) {
            if (term.equals("*")) {
                continue;
            }
            int colon = term.indexOf(':');
            if (!term.substring(colon + 1).equals(tags.get(term.substring(0, colon)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Queries grouped by service: one row per service with data for any of them, the group column
     * first, then one number column per formula (or query) with a value per row, null where that
     * query has no data for the row's service.
     */
    private ObjectNode groupedByService(Map<String, MetricQuery> queries, JsonNode formulas, long from, Instant now) {
        boolean reported = from <= metrics.cutoff(now);
        Set<Scope> known = knownServices.get();
        synchronized (this) {
            known.addAll(operations.keySet());
        }
        Map<String, Set<String>> servicesWithData = new LinkedHashMap<>();
        java.util.TreeSet<String> rows = new java.util.TreeSet<>();
        for (MetricQuery q : queries.values()) {
            Scope wanted = scopeOf(q.scope());
            Set<String> services = new java.util.TreeSet<>();
            for (Scope s : known) {
                if ((wanted.env() == null || wanted.env().equals(s.env()))
                        && (wanted.service() == null || wanted.service().equals(s.service()))
                        && reported
                        && emitted(q.metric(), s)
                        && !silenced(q.metric(), Set.of("service:" + s.service(), "env:" + s.env()))) {
                    services.add(s.service());
                }
            }
            servicesWithData.put(q.name(), services);
            rows.addAll(services);
        }
        List<String> names = new ArrayList<>();
        if (formulas.isArray() && !formulas.isEmpty()) {
            for (JsonNode f : formulas) {
                String text = f.path("formula").asText("");
                if (!queries.containsKey(text)) {
                    throw ApiError.badRequest("Formula '" + text + "' over grouped queries: only a "
                            + "query name is supported by the simulator");
                }
                names.add(text);
            }
        } else {
            names.addAll(queries.keySet());
        }
        ArrayNode columns = NODES.arrayNode();
        ObjectNode group = columns.addObject();
        group.put("name", "service");
        group.put("type", "group");
        ArrayNode groupValues = group.putArray("values");
        rows.forEach(service -> groupValues.addArray().add(service));
        for (String name : names) {
            ObjectNode column = columns.addObject();
            column.put("name", name);
            ArrayNode values = column.putArray("values");
            for (String service : rows) {
                if (servicesWithData.get(name).contains(service)) {
                    values.add(1.0);
                } else {
                    values.addNull();
                }
            }
            column.put("type", "number");
            column.putObject("meta").putNull("unit");
        }
        ObjectNode response = NODES.objectNode();
        ObjectNode out = response.putObject("data");
        out.put("id", "0");
        out.put("type", "scalar_response");
        out.putObject("attributes").set("columns", columns);
        return response;
    }

    private static MetricQuery parse(JsonNode q) {
        if (!q.isObject()) {
            throw ApiError.badRequest("Each query must be an object");
        }
        JsonNode sourceNode = q.get("data_source");
        if (sourceNode == null || !sourceNode.isTextual()) {
            throw ApiError.badRequest("Missing required field 'data_source' in queries");
        }
        String source = sourceNode.asText();
        if (!KNOWN_SOURCES.contains(source)) {
            throw ApiError.badRequest("Unknown data_source '" + source + "'");
        }
        if (!"metrics".equals(source)) {
            throw ApiError.badRequest("data_source '" + source + "' is not supported by the simulator");
        }
        JsonNode nameNode = q.get("name");
        if (nameNode == null
                || !nameNode.isTextual()
                || !QUERY_NAME.matcher(nameNode.asText()).matches()) {
            throw ApiError.badRequest("Missing or invalid field 'name' in queries: a query name is "
                    + "letters, digits and underscores, e.g. 'query1'");
        }
        String name = nameNode.asText();
        JsonNode textNode = q.get("query");
        if (textNode == null || !textNode.isTextual() || textNode.asText().isBlank()) {
            throw ApiError.badRequest("Missing required field 'query' in query '" + name + "'");
        }
        JsonNode aggregatorNode = q.get("aggregator");
        if (aggregatorNode == null || !aggregatorNode.isTextual()) {
            throw ApiError.badRequest("Missing required field 'aggregator' in query '" + name + "'");
        }
        String aggregator = aggregatorNode.asText();
        if (!AGGREGATORS.contains(aggregator)) {
            throw ApiError.badRequest("Value of parameter 'aggregator' should be any of these [None, "
                    + String.join(
                            ", ", AGGREGATORS.stream().map(a -> "'" + a + "'").toList()) + "]");
        }
        String text = textNode.asText();
        if (!MonitorValidator.balanced(text)) {
            throw ApiError.badRequest("Invalid query '" + text + "': unbalanced parentheses, brackets or braces");
        }
        MetricQueryRule.check(text);
        Matcher groupedBy = GROUPED_BY_TAGS.matcher(text);
        List<String> groupBy = new ArrayList<>();
        if (groupedBy.find()) {
            for (String tag : groupedBy.group(1).split(",")) {
                if (!tag.isBlank()) {
                    groupBy.add(tag.trim());
                }
            }
            text = text.substring(0, groupedBy.start());
        }
        if (GROUPED.matcher(text).find()) {
            throw ApiError.badRequest("Query '" + text + "' has a 'by {...}' that is not at its end, which the "
                    + "simulator does not support");
        }
        Matcher m = METRIC_QUERY.matcher(text);
        if (!m.find()) {
            throw ApiError.badRequest("Invalid query '" + text + "': expected "
                    + "'<aggregator>:<metric>{<scope>}', e.g. 'avg:system.cpu.user{env:prod}'");
        }
        Set<String> scope = new LinkedHashSet<>();
        for (String part : m.group(3).split(",")) {
            String term = part.trim();
            if (!SCOPE_TERM.matcher(term).matches()) {
                throw ApiError.badRequest("Scope term '" + term + "' in query '" + text + "' is not "
                        + "supported by the simulator: use key:value tags or *");
            }
            scope.add(term);
        }
        return new MetricQuery(name, aggregator, m.group(1), text, m.group(2), scope, List.copyOf(groupBy));
    }

    /**
     * The query's value over [from, to), or null when the metric has no data there. Callers
     * must treat an empty "values" array and a null entry alike: Datadog sends both for no data.
     */
    private Double value(MetricQuery q, long from, long to, Instant now) {
        if (silenced(q.metric(), q.scope()) || !emitted(q.metric(), scopeOf(q.scope()))) {
            return null;
        }
        List<Double> points;
        try {
            points = metrics.scriptedPoints(q.text(), from, to, SCRIPT_INTERVAL_MS, now);
        } catch (RuntimeException e) {
            // A script written for another test's queries (release checks) knows nothing of this one.
            points = null;
        }
        if (points == null) {
            // Unscripted metrics report steadily, once the range reaches data Datadog has.
            return from <= metrics.cutoff(now) ? 1.0 : null;
        }
        return aggregate(q.aggregator(), points);
    }

    private static Double aggregate(String aggregator, List<Double> points) {
        if (points.isEmpty()) {
            return null;
        }
        double sum = 0;
        double squares = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double p : points) {
            sum += p;
            squares += p * p;
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        return switch (aggregator) {
            case "sum" -> sum;
            case "min" -> min;
            case "max" -> max;
            case "last" -> points.get(points.size() - 1);
            case "l2norm" -> Math.sqrt(squares);
            case "stddev" ->
                Math.sqrt(Math.max(0, squares / points.size() - (sum / points.size()) * (sum / points.size())));
            case "area" -> sum * (SCRIPT_INTERVAL_MS / 1000.0);
            // A percentile over already-rolled-up points is approximated by their mean.
            default -> sum / points.size();
        };
    }

    private static ObjectNode column(String name, Double value) {
        ObjectNode column = NODES.objectNode();
        column.put("name", name);
        ArrayNode values = column.putArray("values");
        // No data is an empty list, as Datadog sends it.
        if (value != null && Double.isFinite(value)) {
            values.add(value);
        }
        column.put("type", "number");
        column.putObject("meta").putNull("unit");
        return column;
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiError.badRequest("Missing or invalid field '" + field + "' (epoch milliseconds)");
        }
        return value.asLong();
    }

    /**
     * A formula over query names: numbers, names, + - * / and parentheses. Functions such as
     * default_zero() are not simulated and are refused.
     */
    record Formula(String text, Node root) {

        /** A parsed expression; null results mean no data. */
        interface Node {
            Double eval(Function<String, Double> valueOf);
        }

        Double evaluate(Function<String, Double> valueOf) {
            Double v = root.eval(valueOf);
            return v == null || !Double.isFinite(v) ? null : v;
        }

        static Formula parse(String text, Set<String> names) {
            Parser p = new Parser(text, names);
            Node root = p.expression();
            p.skipSpaces();
            if (p.pos != text.length()) {
                throw p.error("unexpected '" + text.charAt(p.pos) + "'");
            }
            return new Formula(text, root);
        }

        private static final class Parser {
            private final String text;
            private final Set<String> names;
            private int pos;

            Parser(String text, Set<String> names) {
                this.text = text;
                this.names = names;
            }

            Node expression() {
                Node left = term();
                while (true) {
                    skipSpaces();
                    char c = peek();
                    if (c != '+' && c != '-') {
                        return left;
                    }
                    pos++;
                    Node l = left;
                    Node r = term();
                    left = c == '+'
                            ? v -> both(l.eval(v), r.eval(v), Double::sum)
                            : v -> both(l.eval(v), r.eval(v), (a, b) -> a - b);
                }
            }

            Node term() {
                Node left = factor();
                while (true) {
                    skipSpaces();
                    char c = peek();
                    if (c != '*' && c != '/') {
                        return left;
                    }
                    pos++;
                    Node l = left;
                    Node r = factor();
                    // Dividing by zero gives no value, as in Datadog's formulas.
                    left = c == '*'
                            ? v -> both(l.eval(v), r.eval(v), (a, b) -> a * b)
                            : v -> both(l.eval(v), r.eval(v), (a, b) -> b == 0 ? null : a / b);
                }
            }

            Node factor() {
                skipSpaces();
                char c = peek();
                if (c == '(') {
                    pos++;
                    Node inner = expression();
                    skipSpaces();
                    if (peek() != ')') {
                        throw error("missing ')'");
                    }
                    pos++;
                    return inner;
                }
                if (c == '-') {
                    pos++;
                    Node inner = factor();
                    return v -> {
                        Double x = inner.eval(v);
                        return x == null ? null : -x;
                    };
                }
                int start = pos;
                if (Character.isDigit(c) || c == '.') {
                    while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                        pos++;
                    }
                    double number;
                    try {
                        number = Double.parseDouble(text.substring(start, pos));
                    } catch (NumberFormatException e) {
                        throw error("bad number '" + text.substring(start, pos) + "'");
                    }
                    return v -> number;
                }
                if (Character.isLetter(c) || c == '_') {
                    while (pos < text.length()
                            && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                        pos++;
                    }
                    String name = text.substring(start, pos);
                    skipSpaces();
                    if (peek() == '(') {
                        throw ApiError.badRequest(
                                "Formula '" + text + "': function " + name + "() is not supported by the simulator");
                    }
                    if (!names.contains(name)) {
                        throw ApiError.badRequest("Formula '" + text + "' references unknown query '" + name
                                + "'; the queries are " + names);
                    }
                    return v -> v.apply(name);
                }
                throw error(c == 0 ? "unexpected end" : "unexpected '" + c + "'");
            }

            void skipSpaces() {
                while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                    pos++;
                }
            }

            private char peek() {
                return pos < text.length() ? text.charAt(pos) : 0;
            }

            ApiError error(String what) {
                return ApiError.badRequest("Invalid formula '" + text + "': " + what);
            }

            private static Double both(Double a, Double b, BinaryOperator<Double> op) {
                return a == null || b == null ? null : op.apply(a, b);
            }
        }
    }
}
