package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of Datadog's monitor validation the operator can trip over. Used by create, update
 * (on the merged monitor) and the validate endpoints.
 */
final class MonitorValidator {

    /** Values of the client's MonitorType enum in datadog-api-client 2.50.0. */
    static final Set<String> TYPES = Set.of(
            "composite",
            "event alert",
            "log alert",
            "metric alert",
            "process alert",
            "query alert",
            "rum alert",
            "service check",
            "synthetics alert",
            "trace-analytics alert",
            "slo alert",
            "event-v2 alert",
            "audit alert",
            "ci-pipelines alert",
            "ci-tests alert",
            "error-tracking alert",
            "database-monitoring alert",
            "network-performance alert",
            "cost alert",
            "data-quality alert");

    static final String SLO_ALERT = "slo alert";

    // Types whose query ends in "<comparator> <number>" that options.thresholds.critical repeats.
    private static final Set<String> THRESHOLD_TYPES = Set.of("metric alert", "query alert", SLO_ALERT);

    // SLO alert queries without their trailing comparison, as documented for the monitor API.
    private static final Pattern BURN_RATE = Pattern.compile("^burn_rate\\(\"([^\"]*)\"\\)\\.over\\(\"([^\"]*)\"\\)"
            + "\\.long_window\\(\"([^\"]*)\"\\)\\.short_window\\(\"([^\"]*)\"\\)\\s*$");
    private static final Pattern ERROR_BUDGET =
            Pattern.compile("^error_budget\\(\"([^\"]*)\"\\)\\.over\\(\"([^\"]*)\"\\)\\s*$");
    private static final Pattern SLO_REFERENCE = Pattern.compile("^\\s*(?:burn_rate|error_budget)\\(\"([^\"]*)\"\\)");
    private static final Pattern WINDOW = Pattern.compile("^([1-9]\\d*)([mh])$");
    private static final Set<String> SLO_TIMEFRAMES = Set.of("7d", "30d", "90d");
    private static final int MIN_LONG_WINDOW_MINUTES = 60;
    private static final int MAX_LONG_WINDOW_MINUTES = 48 * 60;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    // Comparator and threshold that end a metric query, e.g. "... by {host} > 0.9".
    private static final Pattern QUERY_THRESHOLD = Pattern.compile("(>=|<=|>|<)\\s*(-?\\d+(?:\\.\\d+)?)\\s*$");

    private static final Pattern INVALID_TAG_CHARACTER = Pattern.compile("[^\\p{L}\\p{N}_\\-:./]");
    private static final int MAX_TAG_LENGTH = 200;

    private MonitorValidator() {}

    /** Comparator and number at the end of a threshold query, or null when there is none. */
    record QueryThreshold(String comparator, BigDecimal value) {}

    static QueryThreshold queryThreshold(String query) {
        Matcher m = QUERY_THRESHOLD.matcher(query);
        return m.find() ? new QueryThreshold(m.group(1), new BigDecimal(m.group(2))) : null;
    }

    static boolean needsThreshold(String type) {
        return THRESHOLD_TYPES.contains(type);
    }

    /** What SLO alert validation needs to know about the organisation's SLOs. */
    @FunctionalInterface
    interface SloLookup {
        /** The SLO's targets (percent) by timeframe ("7d", ...), or null when there is no such SLO. */
        Map<String, BigDecimal> targets(String sloId);
    }

    /** The SLO id an "slo alert" query refers to, or null. */
    static String referencedSlo(String query) {
        Matcher m = SLO_REFERENCE.matcher(query == null ? "" : query);
        return m.find() ? m.group(1) : null;
    }

    /**
     * Checks a complete monitor definition.
     *
     * @param monitor     the definition (for updates: stored monitor with the update applied)
     * @param requireName true on create and validate, where Datadog insists on a name
     * @param slos        the SLOs an "slo alert" may point at
     * @throws ApiError 400 listing every problem found
     */
    static void check(ObjectNode monitor, boolean requireName, SloLookup slos) {
        List<String> errors = new ArrayList<>();
        String type = text(monitor, "type", errors);
        String query = text(monitor, "query", errors);
        String name = text(monitor, "name", errors);
        String message = text(monitor, "message", errors);

        if (type == null) {
            errors.add("Missing required field 'type'");
        } else if (!TYPES.contains(type)) {
            errors.add("The value provided for parameter 'type' is invalid: '" + type + "'");
        }
        if (query == null || query.isBlank()) {
            errors.add("Missing required field 'query'");
        }
        if (requireName && (name == null || name.isBlank())) {
            errors.add("Missing required field 'name'");
        }
        for (String[] field : new String[][] {{"query", query}, {"name", name}, {"message", message}}) {
            if (field[1] != null && field[1].contains("${")) {
                errors.add("The value provided for parameter '" + field[0]
                        + "' is invalid: unresolved placeholder '${' in " + field[1]);
            }
        }
        if (query != null && !query.isBlank()) {
            if (!balanced(query)) {
                errors.add("The value provided for parameter 'query' is invalid: "
                        + "unbalanced parentheses, brackets or braces");
            }
            boolean queryShapeOk = true;
            if (SLO_ALERT.equals(type)) {
                int before = errors.size();
                checkSloQuery(query, slos, errors);
                queryShapeOk = errors.size() == before;
            }
            if (type != null && needsThreshold(type) && queryShapeOk) {
                checkThresholds(query, monitor.get("options"), errors);
            }
        }
        normalizeTags(monitor, errors);
        JsonNode options = monitor.get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            errors.add("The value provided for parameter 'options' is invalid: not an object");
        }
        if (!errors.isEmpty()) {
            throw new ApiError(400, errors);
        }
    }

    private static void checkThresholds(String query, JsonNode options, List<String> errors) {
        QueryThreshold fromQuery = queryThreshold(query);
        if (fromQuery == null) {
            errors.add("The value provided for parameter 'query' is invalid: a metric monitor "
                    + "query must end with a comparison such as '> 90'");
            return;
        }
        JsonNode thresholds = options == null ? null : options.get("thresholds");
        if (thresholds == null || thresholds.isNull()) {
            return;
        }
        if (!thresholds.isObject()) {
            errors.add("The value provided for parameter 'thresholds' is invalid: not an object");
            return;
        }
        JsonNode critical = thresholds.get("critical");
        if (critical == null || critical.isNull()) {
            // Datadog derives critical from the query only when no thresholds are given at all.
            if (thresholds.size() > 0) {
                errors.add("Alert status is required.");
            }
            return;
        }
        BigDecimal criticalValue = number(critical);
        if (criticalValue == null) {
            errors.add("The value provided for parameter 'critical' is invalid: not a number");
            return;
        }
        if (criticalValue.compareTo(fromQuery.value()) != 0) {
            errors.add("Alert threshold (" + critical.asText() + ") does not match that used in the " + "query ("
                    + fromQuery.value().toPlainString() + ").");
            return;
        }
        BigDecimal warning = number(thresholds.get("warning"));
        if (warning != null) {
            boolean above = fromQuery.comparator().startsWith(">");
            int order = warning.compareTo(criticalValue);
            if (above ? order > 0 : order < 0) {
                errors.add("Warning threshold (" + warning.toPlainString() + ") must be "
                        + (above ? "less" : "greater") + " than the alert threshold ("
                        + criticalValue.toPlainString() + ").");
            }
        }
    }

    /**
     * burn_rate("id").over("30d").long_window("1h").short_window("5m") > 14.4, or
     * error_budget("id").over("30d") > 75: shape, windows, comparator, and the SLO itself.
     */
    private static void checkSloQuery(String query, SloLookup slos, List<String> errors) {
        String invalid = "The value provided for parameter 'query' is invalid: ";
        QueryThreshold threshold = queryThreshold(query);
        String head = threshold == null
                ? query.trim()
                : query.substring(0, query.lastIndexOf(threshold.comparator())).trim();
        Matcher burn = BURN_RATE.matcher(head);
        Matcher budget = ERROR_BUDGET.matcher(head);
        boolean isBurnRate = burn.matches();
        if ((!isBurnRate && !budget.matches()) || threshold == null) {
            errors.add(invalid + "an SLO alert query is burn_rate(\"<slo id>\").over(\"<7d|30d|90d>\")"
                    + ".long_window(\"<N>h\").short_window(\"<N>m\") > <number> or "
                    + "error_budget(\"<slo id>\").over(\"<7d|30d|90d>\") > <number>, got: " + query);
            return;
        }
        Matcher parts = isBurnRate ? burn : budget;
        String sloId = parts.group(1);
        String timeframe = parts.group(2);
        if (!threshold.comparator().startsWith(">")) {
            errors.add(invalid + "an SLO alert compares with > or >=, not " + threshold.comparator());
        }
        if (!SLO_TIMEFRAMES.contains(timeframe)) {
            errors.add(invalid + "the SLO time window '" + timeframe + "' must be one of 7d, 30d, 90d");
        }
        if (isBurnRate) {
            Integer longWindow = windowMinutes(parts.group(3));
            Integer shortWindow = windowMinutes(parts.group(4));
            if (longWindow == null || shortWindow == null) {
                errors.add(invalid + "burn rate windows are a whole number of minutes or hours, "
                        + "such as \"1h\" and \"5m\"; got long_window(\"" + parts.group(3)
                        + "\") and short_window(\"" + parts.group(4) + "\")");
            } else if (longWindow < MIN_LONG_WINDOW_MINUTES || longWindow > MAX_LONG_WINDOW_MINUTES) {
                errors.add(invalid + "the long window (" + parts.group(3) + ") must be between 1h and 48h");
            } else if (shortWindow >= longWindow) {
                errors.add(invalid + "the short window (" + parts.group(4) + ") must be shorter than the long window ("
                        + parts.group(3) + ")");
            }
        } else if (threshold.value().signum() <= 0 || threshold.value().compareTo(HUNDRED) > 0) {
            errors.add(invalid + "the error budget threshold is a percentage of the budget consumed, "
                    + "greater than 0 and at most 100");
        }
        Map<String, BigDecimal> targets = slos.targets(sloId);
        if (targets == null) {
            errors.add(invalid + "SLO " + sloId + " not found");
            return;
        }
        BigDecimal target = targets.get(timeframe);
        if (target == null && SLO_TIMEFRAMES.contains(timeframe)) {
            errors.add(invalid + "SLO " + sloId + " has no target for the " + timeframe + " time window");
        } else if (target != null && isBurnRate && target.compareTo(HUNDRED) < 0) {
            // Consuming the whole budget at once is the fastest burn there is: 1 / (1 - target).
            BigDecimal max =
                    BigDecimal.ONE.divide(BigDecimal.ONE.subtract(target.movePointLeft(2)), MathContext.DECIMAL64);
            if (threshold.value().signum() <= 0 || threshold.value().compareTo(max) > 0) {
                // Datadog's words, quoted in terraform-provider-datadog#1093.
                errors.add("Alert threshold (" + threshold.value().toPlainString() + ") must be in range 0 to "
                        + python(max) + " for burn rate alerts (max threshold = 1/1-slo target).");
            }
        }
    }

    /** A float as Python prints it: at least one decimal, no trailing zeros beyond it. */
    private static String python(BigDecimal value) {
        BigDecimal rounded = value.round(new MathContext(12)).stripTrailingZeros();
        return rounded.scale() <= 0 ? rounded.setScale(1).toPlainString() : rounded.toPlainString();
    }

    private static Integer windowMinutes(String window) {
        Matcher m = WINDOW.matcher(window);
        if (!m.matches() || m.group(1).length() > 6) {
            return null;
        }
        int n = Integer.parseInt(m.group(1));
        return "h".equals(m.group(2)) ? n * 60 : n;
    }

    /**
     * Stores tags as Datadog does (docs "Getting started with tags", Defining tags): lower-cased, characters other than
     * letters, digits and _-:./ turned into underscores, cut at 200 characters. Shared by monitors and SLOs.
     */
    static void normalizeTags(ObjectNode holder, List<String> errors) {
        JsonNode tags = holder.get("tags");
        if (tags == null || tags.isNull()) {
            return;
        }
        if (!tags.isArray()) {
            errors.add("The value provided for parameter 'tags' is invalid: not a list");
            return;
        }
        ArrayNode stored = holder.arrayNode();
        for (JsonNode tag : tags) {
            if (!tag.isTextual() || tag.asText().isBlank()) {
                errors.add("The value provided for parameter 'tags' is invalid: " + tag + " is not a tag");
                continue;
            }
            stored.add(storedTag(tag.asText()));
        }
        holder.set("tags", stored);
    }

    /** One tag as Datadog keeps it. */
    static String storedTag(String tag) {
        String lower =
                INVALID_TAG_CHARACTER.matcher(tag.toLowerCase(Locale.ROOT)).replaceAll("_");
        return lower.length() > MAX_TAG_LENGTH ? lower.substring(0, MAX_TAG_LENGTH) : lower;
    }

    /** True when (), [] and {} pair up; text between double quotes is skipped. */
    static boolean balanced(String s) {
        Deque<Character> closers = new ArrayDeque<>();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                switch (c) {
                    case '(' -> closers.push(')');
                    case '[' -> closers.push(']');
                    case '{' -> closers.push('}');
                    case ')', ']', '}' -> {
                        if (closers.isEmpty() || closers.pop() != c) {
                            return false;
                        }
                    }
                    default -> {}
                }
            }
        }
        return closers.isEmpty() && !quoted;
    }

    private static String text(ObjectNode node, String field, List<String> errors) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add("The value provided for parameter '" + field + "' is invalid: not a string");
            return null;
        }
        return value.asText();
    }

    private static BigDecimal number(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
