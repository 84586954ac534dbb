package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
            "composite", "event alert", "log alert", "metric alert", "process alert",
            "query alert", "rum alert", "service check", "synthetics alert",
            "trace-analytics alert", "slo alert", "event-v2 alert", "audit alert",
            "ci-pipelines alert", "ci-tests alert", "error-tracking alert",
            "database-monitoring alert", "network-performance alert", "cost alert",
            "data-quality alert");

    private static final Set<String> THRESHOLD_TYPES = Set.of("metric alert", "query alert");

    // Comparator and threshold that end a metric query, e.g. "... by {host} > 0.9".
    private static final Pattern QUERY_THRESHOLD =
            Pattern.compile("(>=|<=|>|<)\\s*(-?\\d+(?:\\.\\d+)?)\\s*$");

    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9_\\-:./]*");
    private static final int MAX_TAG_LENGTH = 200;

    private MonitorValidator() {
    }

    /** Comparator and number at the end of a threshold query, or null when there is none. */
    record QueryThreshold(String comparator, BigDecimal value) {
    }

    static QueryThreshold queryThreshold(String query) {
        Matcher m = QUERY_THRESHOLD.matcher(query);
        return m.find() ? new QueryThreshold(m.group(1), new BigDecimal(m.group(2))) : null;
    }

    static boolean needsThreshold(String type) {
        return THRESHOLD_TYPES.contains(type);
    }

    /**
     * Checks a complete monitor definition.
     *
     * @param monitor     the definition (for updates: stored monitor with the update applied)
     * @param requireName true on create and validate, where Datadog insists on a name
     * @throws ApiError 400 listing every problem found
     */
    static void check(ObjectNode monitor, boolean requireName) {
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
            if (type != null && needsThreshold(type)) {
                checkThresholds(query, monitor.get("options"), errors);
            }
        }
        checkTags(monitor.get("tags"), errors);
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
            errors.add("Alert threshold (" + critical.asText() + ") does not match that used in the "
                    + "query (" + fromQuery.value().toPlainString() + ").");
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

    private static void checkTags(JsonNode tags, List<String> errors) {
        if (tags == null || tags.isNull()) {
            return;
        }
        if (!tags.isArray()) {
            errors.add("The value provided for parameter 'tags' is invalid: not a list");
            return;
        }
        for (JsonNode tag : tags) {
            String value = tag.isTextual() ? tag.asText() : null;
            if (value == null || value.length() > MAX_TAG_LENGTH || !TAG.matcher(value).matches()) {
                errors.add("Invalid tag '" + tag.asText() + "': a tag starts with a lowercase letter, "
                        + "has only lowercase letters, digits and _-:./, and at most "
                        + MAX_TAG_LENGTH + " characters");
            }
        }
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
                    default -> { }
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
