package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers v2 timeseries queries from scripted series: a script per {@code version:} tag found in
 * the query's scope, or one script for any query. Each query must be one metric (as Datadog
 * requires); formulas over the query names are evaluated bucket by bucket. Thread-safe.
 */
final class SimulatedMetrics {

    static final long DEFAULT_INTERVAL_MS = 60_000L;
    // Guards the simulator against a runaway range; real Datadog caps points per series too.
    private static final long MAX_POINTS = 100_000L;
    private static final Pattern SCOPE = Pattern.compile("\\{([^}]*)}");
    private static final String VERSION_PREFIX = "version:";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, LongFunction<Double>> byVersion = new ConcurrentHashMap<>();
    private volatile BiFunction<String, Long, Double> anyQuery;
    private volatile Duration dataLatency = Duration.ZERO;
    private volatile double incompleteLastBucketFactor = 1.0;

    void script(String version, LongFunction<Double> valueAtBucketStartMs) {
        Objects.requireNonNull(valueAtBucketStartMs, "valueAtBucketStartMs");
        String bare = version.startsWith(VERSION_PREFIX) ? version.substring(VERSION_PREFIX.length()) : version;
        byVersion.put(bare, valueAtBucketStartMs);
    }

    void script(BiFunction<String, Long, Double> valueOfQueryAtBucketStartMs) {
        anyQuery = valueOfQueryAtBucketStartMs;
    }

    void setDataLatency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("data latency must not be negative: " + latency);
        }
        dataLatency = latency;
    }

    void setIncompleteLastBucketFactor(double factor) {
        if (!Double.isFinite(factor) || factor < 0) {
            throw new IllegalArgumentException("factor must be finite and >= 0: " + factor);
        }
        incompleteLastBucketFactor = factor;
    }

    void clear() {
        byVersion.clear();
        anyQuery = null;
        dataLatency = Duration.ZERO;
        incompleteLastBucketFactor = 1.0;
    }

    /**
     * POST /api/v2/query/timeseries.
     *
     * @param request TimeseriesFormulaQueryRequest as JSON
     * @param now     the simulator's current time
     * @return TimeseriesFormulaQueryResponse as JSON
     */
    ObjectNode query(JsonNode request, Instant now) {
        JsonNode attributes = request.path("data").path("attributes");
        if (!attributes.isObject()) {
            throw ApiError.badRequest("Missing required field 'data.attributes'");
        }
        long from = requiredLong(attributes, "from");
        long to = requiredLong(attributes, "to");
        JsonNode intervalNode = attributes.get("interval");
        long interval = intervalNode == null || intervalNode.isNull() ? DEFAULT_INTERVAL_MS : intervalNode.asLong();
        if (interval <= 0) {
            throw ApiError.badRequest("'interval' must be positive");
        }
        if (from >= to) {
            throw ApiError.badRequest("'from' must be before 'to'");
        }

        List<String> names = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        JsonNode queryNodes = attributes.path("queries");
        if (!queryNodes.isArray() || queryNodes.isEmpty()) {
            throw ApiError.badRequest("At least one query is required");
        }
        for (JsonNode q : queryNodes) {
            String source = q.path("data_source").asText("metrics");
            if (!"metrics".equals(source)) {
                throw ApiError.badRequest("data_source '" + source + "' is not supported by the simulator");
            }
            if (!q.path("query").isTextual() || q.path("query").asText().isBlank()) {
                throw ApiError.badRequest("Missing required field 'query' in queries");
            }
            MetricQueryRule.check(q.path("query").asText());
            String name = q.path("name").asText(null);
            if (name != null && names.contains(name)) {
                throw ApiError.badRequest("Duplicate query name '" + name + "' in queries");
            }
            names.add(name);
            queries.add(q.path("query").asText());
        }
        List<SimulatedTelemetry.Formula> formulas = formulas(attributes.path("formulas"), names);

        long cutoff = cutoff(now);
        List<Long> times = bucketStarts(from, to, interval, cutoff);
        int partial = partialIndex(times, interval, cutoff);
        List<LongFunction<Double>> scripts =
                queries.stream().map(this::scriptFor).toList();
        ArrayNode series = NODES.arrayNode();
        ArrayNode values = NODES.arrayNode();
        int outputs = formulas == null ? queries.size() : formulas.size();
        for (int i = 0; i < outputs; i++) {
            List<Double> points = new ArrayList<>();
            for (int j = 0; j < times.size(); j++) {
                long t = times.get(j);
                double factor = j == partial ? incompleteLastBucketFactor : 1.0;
                Function<String, Double> valueOf = name -> point(scripts.get(names.indexOf(name)), t, factor);
                points.add(
                        formulas == null
                                ? point(scripts.get(i), t, factor)
                                : formulas.get(i).evaluate(valueOf));
            }
            // Datadog answers no series for a query or formula without any data.
            if (points.stream().allMatch(Objects::isNull)) {
                continue;
            }
            ArrayNode out = values.addArray();
            points.forEach(v -> {
                if (v == null) {
                    out.addNull();
                } else {
                    out.add(v);
                }
            });
            ObjectNode s = series.addObject();
            s.putArray("group_tags");
            // The formula's index in "formulas", or the query's in "queries" when there are no formulas.
            s.put("query_index", i);
            s.putNull("unit");
        }

        ObjectNode response = NODES.objectNode();
        ObjectNode data = response.putObject("data");
        data.put("type", "timeseries_response");
        ObjectNode attrs = data.putObject("attributes");
        attrs.set("series", series);
        ArrayNode timesNode = attrs.putArray("times");
        if (!series.isEmpty()) {
            times.forEach(timesNode::add);
        }
        attrs.set("values", values);
        return response;
    }

    /**
     * The points a query's script gives in [from, to), as the timeseries endpoint would answer
     * them (late data and a filling last bucket included), missing points left out.
     *
     * @return null when no script covers the query
     */
    List<Double> scriptedPoints(String query, long from, long to, long interval, Instant now) {
        LongFunction<Double> script = scriptFor(query);
        if (script == null) {
            return null;
        }
        long cutoff = cutoff(now);
        List<Long> times = bucketStarts(from, to, interval, cutoff);
        int partial = partialIndex(times, interval, cutoff);
        List<Double> points = new ArrayList<>();
        for (int j = 0; j < times.size(); j++) {
            Double v = script.apply(times.get(j));
            if (v != null && Double.isFinite(v)) {
                points.add(j == partial ? v * incompleteLastBucketFactor : v);
            }
        }
        return points;
    }

    /** The newest moment whose data Datadog already has. */
    long cutoff(Instant now) {
        return now.toEpochMilli() - dataLatency.toMillis();
    }

    /** Starts of the buckets Datadog answers: aligned to the interval grid, none after the cutoff. */
    private static List<Long> bucketStarts(long from, long to, long interval, long cutoff) {
        long first = Math.floorDiv(from, interval) * interval;
        if ((to - first) / interval > MAX_POINTS) {
            throw ApiError.badRequest("Too many points requested: reduce the range or raise the interval");
        }
        List<Long> times = new ArrayList<>();
        for (long t = first; t < to && t <= cutoff; t += interval) {
            times.add(t);
        }
        return times;
    }

    /** Only the newest bucket Datadog has (the next one not yet visible) can still be filling. */
    private static int partialIndex(List<Long> times, long interval, long cutoff) {
        return !times.isEmpty() && times.get(times.size() - 1) + interval > cutoff ? times.size() - 1 : -1;
    }

    /** The request's formulas over the query names, or null when it has none (one series per query). */
    private static List<SimulatedTelemetry.Formula> formulas(JsonNode formulas, List<String> names) {
        if (!formulas.isArray() || formulas.isEmpty()) {
            return null;
        }
        Set<String> known = new LinkedHashSet<>();
        names.stream().filter(Objects::nonNull).forEach(known::add);
        List<SimulatedTelemetry.Formula> parsed = new ArrayList<>();
        for (JsonNode f : formulas) {
            JsonNode text = f.get("formula");
            if (text == null || !text.isTextual() || text.asText().isBlank()) {
                throw ApiError.badRequest("Missing required field 'formula' in formulas");
            }
            parsed.add(SimulatedTelemetry.Formula.parse(text.asText(), known));
        }
        return parsed;
    }

    /** A script's value at a bucket, the filling last bucket scaled; null when there is no point. */
    private static Double point(LongFunction<Double> script, long bucketStart, double factor) {
        if (script == null) {
            return null;
        }
        Double v = script.apply(bucketStart);
        return v == null || !Double.isFinite(v) ? null : v * factor;
    }

    private LongFunction<Double> scriptFor(String query) {
        String version = versionOf(query);
        if (version != null) {
            LongFunction<Double> script = byVersion.get(version);
            if (script != null) {
                return script;
            }
        }
        BiFunction<String, Long, Double> any = anyQuery;
        return any == null ? null : t -> any.apply(query, t);
    }

    /** The value of the first {@code version:} tag inside a {...} scope, or null. */
    static String versionOf(String query) {
        Matcher scope = SCOPE.matcher(query);
        while (scope.find()) {
            for (String part : scope.group(1).split(",")) {
                String tag = part.trim();
                if (tag.startsWith(VERSION_PREFIX) && tag.length() > VERSION_PREFIX.length()) {
                    return tag.substring(VERSION_PREFIX.length());
                }
            }
        }
        return null;
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw ApiError.badRequest("Missing or invalid field '" + field + "' (epoch milliseconds)");
        }
        return value.asLong();
    }
}
