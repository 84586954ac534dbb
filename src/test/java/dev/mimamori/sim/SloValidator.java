package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The subset of Datadog's SLO validation a client can trip over, used by create and update
 * (PUT replaces the whole SLO). Datadog words these as "Invalid payload: ...".
 */
final class SloValidator {

    static final List<String> TYPES = List.of("metric", "monitor", "time_slice");
    // "custom" is in the timeframe enum, but only for history queries, never for an SLO itself.
    static final List<String> TIMEFRAMES = List.of("7d", "30d", "90d");
    private static final Set<String> COMPARATORS = Set.of(">", ">=", "<", "<=");
    private static final Set<Integer> QUERY_INTERVALS = Set.of(60, 300);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final String INVALID = "Invalid payload: ";

    private SloValidator() {}

    /**
     * Checks a complete SLO definition.
     *
     * @param slo           the request body
     * @param monitorExists whether a monitor id exists, for monitor SLOs
     * @throws ApiError 400 listing every problem found
     */
    static void check(ObjectNode slo, LongPredicate monitorExists) {
        List<String> errors = new ArrayList<>();
        JsonNode name = slo.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            errors.add(INVALID + "must specify name");
        }
        JsonNode description = slo.get("description");
        if (description != null && !description.isNull() && !description.isTextual()) {
            errors.add(INVALID + "description must be a string");
        }
        JsonNode typeNode = slo.get("type");
        String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : null;
        if (type == null) {
            errors.add(INVALID + "must specify type");
        } else if (!TYPES.contains(type)) {
            errors.add(INVALID + "type must be one of " + String.join(", ", TYPES) + ", got '" + type + "'");
        }
        checkThresholds(slo, type, errors);
        if ("metric".equals(type)) {
            checkMetricQuery(slo.get("query"), errors);
        } else if ("monitor".equals(type)) {
            checkMonitors(slo, monitorExists, errors);
        } else if ("time_slice".equals(type)) {
            checkTimeSlice(slo.get("sli_specification"), errors);
        }
        MonitorValidator.normalizeTags(slo, errors);
        if (!errors.isEmpty()) {
            throw new ApiError(400, errors);
        }
    }

    private static void checkThresholds(ObjectNode slo, String type, List<String> errors) {
        JsonNode thresholds = slo.get("thresholds");
        if (thresholds == null || !thresholds.isArray() || thresholds.isEmpty()) {
            errors.add(INVALID + "must specify at least one threshold");
            return;
        }
        Set<String> timeframes = new HashSet<>();
        for (int i = 0; i < thresholds.size(); i++) {
            JsonNode t = thresholds.get(i);
            if (!t.isObject()) {
                errors.add(INVALID + "threshold at position " + i + " is not an object");
                continue;
            }
            String timeframe =
                    t.path("timeframe").isTextual() ? t.get("timeframe").asText() : null;
            String where = "threshold at position " + i;
            if (timeframe == null) {
                errors.add(INVALID + where + " must specify timeframe");
            } else if ("custom".equals(timeframe)) {
                errors.add(INVALID + where + ": timeframe 'custom' is only for SLO history queries, "
                        + "an SLO's timeframe is one of " + String.join(", ", TIMEFRAMES));
            } else if (!TIMEFRAMES.contains(timeframe)) {
                errors.add(INVALID + where + ": timeframe must be one of " + String.join(", ", TIMEFRAMES) + ", got '"
                        + timeframe + "'");
            } else if (!timeframes.add(timeframe)) {
                errors.add(INVALID + "more than one threshold for timeframe " + timeframe);
            } else {
                where = "the " + timeframe + " threshold";
            }
            BigDecimal target = number(t.get("target"));
            if (target == null) {
                errors.add(INVALID + where + " must specify a numeric target");
            } else if (target.signum() <= 0 || target.compareTo(HUNDRED) >= 0) {
                errors.add(INVALID + where + ": target " + plain(target) + " must be greater than 0 and less than 100");
            } else {
                checkPrecision(type, timeframe, where, "target", target, errors);
            }
            JsonNode warningNode = t.get("warning");
            if (warningNode != null && !warningNode.isNull()) {
                BigDecimal warning = number(warningNode);
                if (warning == null) {
                    errors.add(INVALID + where + ": warning must be a number");
                } else if (warning.compareTo(HUNDRED) >= 0 || (target != null && warning.compareTo(target) <= 0)) {
                    errors.add(INVALID + where + ": warning " + plain(warning)
                            + " must be greater than the target"
                            + (target == null ? "" : " " + plain(target)) + " and less than 100");
                } else {
                    checkPrecision(type, timeframe, where, "warning", warning, errors);
                }
            }
        }
        checkPrimaryTimeframe(slo, thresholds, errors);
    }

    /**
     * Datadog's docs ("Set your SLO targets"): metric-based targets take up to 3 decimals, monitor-based ones up to 2
     * over 7d and 30d and 3 over 90d. The exact error text is unpublished.
     */
    private static void checkPrecision(
            String type, String timeframe, String where, String field, BigDecimal value, List<String> errors) {
        int max = "monitor".equals(type) && !"90d".equals(timeframe) ? 2 : 3;
        if (value.stripTrailingZeros().scale() > max) {
            errors.add(
                    INVALID + where + ": " + field + " " + plain(value) + " has more than " + max + " decimal places");
        }
    }

    /** Top-level timeframe and targets, when sent, must repeat one of the thresholds. */
    private static void checkPrimaryTimeframe(ObjectNode slo, JsonNode thresholds, List<String> errors) {
        JsonNode timeframeNode = slo.get("timeframe");
        JsonNode primary = thresholds.get(0);
        if (timeframeNode != null && !timeframeNode.isNull()) {
            String timeframe = timeframeNode.asText();
            primary = null;
            for (JsonNode t : thresholds) {
                if (timeframe.equals(t.path("timeframe").asText(null))) {
                    primary = t;
                }
            }
            if (primary == null) {
                errors.add(INVALID + "timeframe " + timeframe + " has no matching threshold");
                return;
            }
        }
        String[][] pairs = {{"target_threshold", "target"}, {"warning_threshold", "warning"}};
        for (String[] pair : pairs) {
            BigDecimal top = number(slo.get(pair[0]));
            BigDecimal inThreshold = number(primary.get(pair[1]));
            if (top != null && (inThreshold == null || top.compareTo(inThreshold) != 0)) {
                errors.add(INVALID + pair[0] + " " + plain(top) + " does not match the "
                        + pair[1] + " of the " + primary.path("timeframe").asText() + " threshold ("
                        + (inThreshold == null ? "none" : plain(inThreshold)) + ")");
            }
        }
    }

    private static void checkMetricQuery(JsonNode query, List<String> errors) {
        if (query == null || !query.isObject()) {
            errors.add(INVALID + "must specify the query for count types");
            return;
        }
        for (String part : List.of("numerator", "denominator")) {
            JsonNode q = query.get(part);
            if (q == null || !q.isTextual() || q.asText().isBlank()) {
                errors.add(INVALID + "query must specify a " + part);
            } else if (!MonitorValidator.balanced(q.asText())) {
                errors.add(INVALID + "the " + part + " is not a valid metric query: "
                        + "unbalanced parentheses, brackets or braces");
            } else if (q.asText().contains("${")) {
                errors.add(INVALID + "the " + part + " has an unresolved placeholder '${': " + q.asText());
            }
        }
    }

    private static void checkMonitors(ObjectNode slo, LongPredicate monitorExists, List<String> errors) {
        JsonNode ids = slo.get("monitor_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            errors.add(INVALID + "must specify monitor_ids");
            return;
        }
        for (JsonNode id : ids) {
            if (!id.canConvertToLong() || !id.isIntegralNumber()) {
                errors.add(INVALID + "monitor_ids must be integers, got " + id);
            } else if (!monitorExists.test(id.asLong())) {
                errors.add(INVALID + "monitor " + id.asLong() + " not found");
            }
        }
        JsonNode groups = slo.get("groups");
        if (groups != null && groups.isArray() && !groups.isEmpty() && ids.size() != 1) {
            errors.add(INVALID + "groups can only be used with exactly one monitor in monitor_ids");
        }
    }

    private static void checkTimeSlice(JsonNode spec, List<String> errors) {
        JsonNode slice = spec == null ? null : spec.get("time_slice");
        if (slice == null || !slice.isObject()) {
            errors.add(INVALID + "must specify sli_specification.time_slice for time_slice SLOs");
            return;
        }
        if (!COMPARATORS.contains(slice.path("comparator").asText())) {
            errors.add(INVALID + "time_slice.comparator must be one of >, >=, <, <=");
        }
        if (number(slice.get("threshold")) == null) {
            errors.add(INVALID + "time_slice.threshold must be a number");
        }
        JsonNode interval = slice.get("query_interval_seconds");
        if (interval != null
                && !interval.isNull()
                && !(interval.canConvertToInt() && QUERY_INTERVALS.contains(interval.asInt()))) {
            errors.add(INVALID + "time_slice.query_interval_seconds must be 60 or 300");
        }
        JsonNode query = slice.get("query");
        JsonNode formulas = query == null ? null : query.get("formulas");
        JsonNode queries = query == null ? null : query.get("queries");
        if (formulas == null
                || !formulas.isArray()
                || formulas.size() != 1
                || !formulas.get(0).path("formula").isTextual()) {
            errors.add(INVALID + "time_slice.query.formulas must hold exactly one formula");
        }
        if (queries == null || !queries.isArray() || queries.isEmpty()) {
            errors.add(INVALID + "time_slice.query.queries must hold at least one query");
            return;
        }
        for (JsonNode q : queries) {
            for (String field : List.of("data_source", "name", "query")) {
                if (!q.path(field).isTextual() || q.get(field).asText().isBlank()) {
                    errors.add(INVALID + "each time_slice query must specify " + field);
                }
            }
        }
    }

    /** 100 rather than 100.0, as a person writes it. */
    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    static BigDecimal number(JsonNode node) {
        return node != null && node.isNumber() ? node.decimalValue() : null;
    }
}
