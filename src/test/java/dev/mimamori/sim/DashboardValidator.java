package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The subset of Datadog's dashboard validation a client can trip over, used by create and
 * update. Datadog validates dashboards against a JSON schema and answers the first problem
 * only, in the schema validator's words ("'title' should be string", "Invalid widget definition
 * at position 2 of type group. Error: ..."); so does this class.
 */
final class DashboardValidator {

    /**
     * Top-level properties of the Dashboard schema. Datadog rejects any other with "Additional
     * properties are not allowed"; the read-only ones are accepted and ignored.
     */
    static final Set<String> PROPERTIES = Set.of(
            "author_handle",
            "author_name",
            "created_at",
            "default_timeframe",
            "description",
            "id",
            "is_read_only",
            "layout_type",
            "modified_at",
            "notify_list",
            "reflow_type",
            "restricted_roles",
            "tabs",
            "tags",
            "template_variable_presets",
            "template_variables",
            "title",
            "url",
            "widgets");

    private static final Set<String> TEMPLATE_VARIABLE_PROPERTIES =
            Set.of("name", "prefix", "default", "defaults", "available_values", "type");
    private static final List<String> LAYOUT_TYPES = List.of("ordered", "free");
    private static final List<String> REFLOW_TYPES = List.of("auto", "fixed");
    private static final int MAX_TAGS = 5;

    private enum Kind {
        STRING,
        ARRAY,
        OBJECT,
        ANY
    }

    /** A field a widget definition must have: its JSON kind and, for arrays, how many items. */
    private record Required(String field, Kind kind, int minItems, int maxItems) {
        static Required string(String field) {
            return new Required(field, Kind.STRING, 0, Integer.MAX_VALUE);
        }

        static Required object(String field) {
            return new Required(field, Kind.OBJECT, 0, Integer.MAX_VALUE);
        }

        static Required any(String field) {
            return new Required(field, Kind.ANY, 0, Integer.MAX_VALUE);
        }

        static Required array(String field, int min, int max) {
            return new Required(field, Kind.ARRAY, min, max);
        }
    }

    private static final int MANY = Integer.MAX_VALUE;

    /**
     * The widget types of the client's WidgetDefinition in datadog-api-client 2.50.0, with the
     * fields Datadog's OpenAPI marks required for each ("type" aside).
     */
    private static final Map<String, List<Required>> WIDGETS = widgets();

    private static Map<String, List<Required>> widgets() {
        Map<String, List<Required>> w = new HashMap<>();
        w.put("alert_graph", List.of(Required.string("alert_id"), Required.any("viz_type")));
        w.put("alert_value", List.of(Required.string("alert_id")));
        w.put("bar_chart", List.of(Required.array("requests", 1, 1)));
        w.put("change", List.of(Required.array("requests", 1, 1)));
        w.put("check_status", List.of(Required.string("check"), Required.any("grouping")));
        w.put("distribution", List.of(Required.array("requests", 1, 1)));
        w.put("event_stream", List.of(Required.string("query")));
        w.put("event_timeline", List.of(Required.string("query")));
        w.put("free_text", List.of(Required.string("text")));
        w.put("funnel", List.of(Required.array("requests", 1, MANY)));
        w.put("geomap", List.of(Required.array("requests", 1, 2), Required.object("style"), Required.object("view")));
        w.put("group", List.of(Required.any("layout_type"), Required.array("widgets", 0, MANY)));
        w.put("heatmap", List.of(Required.array("requests", 1, 1)));
        w.put("hostmap", List.of(Required.object("requests")));
        w.put("iframe", List.of(Required.string("url")));
        w.put("image", List.of(Required.string("url")));
        w.put("list_stream", List.of(Required.array("requests", 1, 1)));
        w.put("log_stream", List.of());
        w.put("manage_status", List.of(Required.string("query")));
        w.put("note", List.of(Required.string("content")));
        w.put("powerpack", List.of(Required.string("powerpack_id")));
        w.put("query_table", List.of(Required.array("requests", 0, MANY)));
        w.put("query_value", List.of(Required.array("requests", 1, 1)));
        w.put("run_workflow", List.of(Required.string("workflow_id")));
        w.put("scatterplot", List.of(Required.object("requests")));
        w.put("servicemap", List.of(Required.array("filters", 1, MANY), Required.string("service")));
        w.put("slo", List.of(Required.string("view_type")));
        w.put("slo_list", List.of(Required.array("requests", 1, 1)));
        w.put(
                "split_group",
                List.of(
                        Required.any("size"),
                        Required.object("source_widget_definition"),
                        Required.object("split_config")));
        w.put("sunburst", List.of(Required.array("requests", 1, MANY)));
        w.put("timeseries", List.of(Required.array("requests", 1, MANY)));
        w.put("toplist", List.of(Required.array("requests", 0, MANY)));
        w.put("topology_map", List.of(Required.array("requests", 1, MANY)));
        w.put(
                "trace_service",
                List.of(Required.string("env"), Required.string("service"), Required.string("span_name")));
        w.put("treemap", List.of(Required.array("requests", 1, 1)));
        return Map.copyOf(w);
    }

    private DashboardValidator() {}

    /**
     * Checks a complete dashboard definition (create and update alike: PUT replaces it all).
     *
     * @throws ApiError 400 naming the first problem found
     */
    static void check(ObjectNode dashboard) {
        String problem = firstProblem(dashboard);
        if (problem != null) {
            throw ApiError.badRequest(problem);
        }
    }

    private static String firstProblem(ObjectNode d) {
        Set<String> unexpected = new TreeSet<>();
        d.fieldNames().forEachRemaining(name -> {
            if (!PROPERTIES.contains(name)) {
                unexpected.add(name);
            }
        });
        if (!unexpected.isEmpty()) {
            return additionalProperties(unexpected);
        }
        String problem = requiredOfKind(d, "title", Kind.STRING);
        if (problem != null) {
            return problem;
        }
        problem = requiredOfKind(d, "layout_type", Kind.STRING);
        if (problem != null) {
            return problem;
        }
        String layoutType = d.get("layout_type").asText();
        if (!LAYOUT_TYPES.contains(layoutType)) {
            return "'layout_type' should be one of " + pyList(LAYOUT_TYPES) + ", got '" + layoutType + "'";
        }
        problem = requiredOfKind(d, "widgets", Kind.ARRAY);
        if (problem != null) {
            return problem;
        }
        problem = optionalOfKind(d, "description", Kind.STRING);
        if (problem == null) {
            problem = optionalStrings(d, "notify_list");
        }
        if (problem == null) {
            problem = optionalStrings(d, "restricted_roles");
        }
        if (problem == null
                && d.hasNonNull("is_read_only")
                && !d.get("is_read_only").isBoolean()) {
            problem = "'is_read_only' should be boolean";
        }
        if (problem == null) {
            problem = reflowType(d, layoutType);
        }
        if (problem == null) {
            problem = tags(d);
        }
        if (problem == null) {
            problem = optionalOfKind(d, "template_variable_presets", Kind.ARRAY);
        }
        if (problem == null) {
            problem = templateVariables(d.get("template_variables"));
        }
        if (problem != null) {
            return problem;
        }
        boolean layoutRequired = "free".equals(layoutType)
                || "fixed".equals(d.path("reflow_type").asText());
        JsonNode widgets = d.get("widgets");
        for (int i = 0; i < widgets.size(); i++) {
            problem = widget(widgets.get(i), i, layoutRequired, false);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String reflowType(ObjectNode d, String layoutType) {
        JsonNode reflow = d.get("reflow_type");
        if (reflow == null || reflow.isNull()) {
            return null;
        }
        if (!reflow.isTextual() || !REFLOW_TYPES.contains(reflow.asText())) {
            return "'reflow_type' should be one of " + pyList(REFLOW_TYPES) + ", got " + reflow;
        }
        return "ordered".equals(layoutType) ? null : "'reflow_type' can only be set when 'layout_type' is 'ordered'";
    }

    private static String tags(ObjectNode d) {
        JsonNode tags = d.get("tags");
        if (tags == null || tags.isNull()) {
            return null;
        }
        if (!tags.isArray()) {
            return "'tags' should be array";
        }
        if (tags.size() > MAX_TAGS) {
            return "'tags' should have at most " + MAX_TAGS + " items";
        }
        for (JsonNode tag : tags) {
            // Dashboard tags are owning teams only, unlike monitor and SLO tags.
            if (!tag.isTextual()
                    || !tag.asText().startsWith("team:")
                    || tag.asText().length() == 5) {
                return "Invalid dashboard tag " + tag + ": dashboard tags name an owning team, " + "as 'team:<name>'";
            }
        }
        return null;
    }

    private static String templateVariables(JsonNode variables) {
        if (variables == null || variables.isNull()) {
            return null;
        }
        if (!variables.isArray()) {
            return "'template_variables' should be array";
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < variables.size(); i++) {
            String recorded = recordedTemplateVariableError(variables.get(i));
            if (recorded != null) {
                return recorded;
            }
            String problem = templateVariable(variables.get(i), i, seen);
            if (problem != null) {
                return "Invalid template variable at position " + i + ". Error: " + problem;
            }
        }
        return null;
    }

    /** The two template variable errors recorded from the real API (client cassettes), in its words. */
    private static String recordedTemplateVariableError(JsonNode v) {
        JsonNode defaults = v.path("defaults");
        if (defaults.isArray()) {
            for (JsonNode value : defaults) {
                if (value.isTextual() && value.asText().isEmpty()) {
                    return "Minimum length of parameter 'defaults' should be 1";
                }
            }
            if (v.hasNonNull("default")) {
                return "'template_variables' is invalid";
            }
        }
        return null;
    }

    private static String templateVariable(JsonNode v, int position, Map<String, Integer> seen) {
        if (!v.isObject()) {
            return "template variable should be object";
        }
        Set<String> unexpected = new TreeSet<>();
        v.fieldNames().forEachRemaining(name -> {
            if (!TEMPLATE_VARIABLE_PROPERTIES.contains(name)) {
                unexpected.add(name);
            }
        });
        if (!unexpected.isEmpty()) {
            return additionalProperties(unexpected);
        }
        ObjectNode o = (ObjectNode) v;
        String problem = requiredOfKind(o, "name", Kind.STRING);
        if (problem != null) {
            return problem;
        }
        String name = o.get("name").asText();
        if (name.isBlank()) {
            return "'name' should be non-empty";
        }
        for (String field : List.of("prefix", "default", "type")) {
            problem = optionalOfKind(o, field, Kind.STRING);
            if (problem != null) {
                return problem;
            }
        }
        problem = optionalStrings(o, "available_values");
        if (problem != null) {
            return problem;
        }
        JsonNode defaults = o.get("defaults");
        if (defaults != null && !defaults.isNull()) {
            if (!defaults.isArray()) {
                return "'defaults' should be array";
            }
            for (JsonNode value : defaults) {
                if (!value.isTextual()) {
                    return "'defaults' should hold strings, got " + value;
                }
            }
        }
        Integer earlier = seen.putIfAbsent(name, position);
        if (earlier != null) {
            return "the name '" + name + "' is already used by the template variable at position " + earlier;
        }
        return null;
    }

    /**
     * One widget's problem in Datadog's words, or null.
     *
     * @param inner true inside a group, where Datadog says "inner widget"
     */
    private static String widget(JsonNode w, int position, boolean layoutRequired, boolean inner) {
        String widgetAt = "Invalid " + (inner ? "inner " : "") + "widget at position " + position + ". Error: ";
        if (!w.isObject()) {
            return widgetAt + "widget should be object";
        }
        ObjectNode widget = (ObjectNode) w;
        String problem = requiredOfKind(widget, "definition", Kind.OBJECT);
        if (problem != null) {
            return widgetAt + problem;
        }
        JsonNode id = widget.get("id");
        if (id != null && !id.isNull() && !id.canConvertToLong()) {
            return widgetAt + "'id' should be integer";
        }
        ObjectNode definition = (ObjectNode) widget.get("definition");
        problem = requiredOfKind(definition, "type", Kind.STRING);
        if (problem != null) {
            return widgetAt + problem;
        }
        String type = definition.get("type").asText();
        String definitionAt = "Invalid " + (inner ? "inner " : "") + "widget definition at position " + position
                + " of type " + type + ". Error: ";
        List<Required> required = WIDGETS.get(type);
        if (required == null) {
            return definitionAt + "'" + type + "' is not a valid widget type";
        }
        for (Required r : required) {
            problem = requiredOfKind(definition, r.field(), r.kind());
            if (problem == null && r.kind() == Kind.ARRAY) {
                int n = definition.get(r.field()).size();
                if (n < r.minItems()) {
                    problem = "'" + r.field() + "' should have at least " + items(r.minItems());
                } else if (n > r.maxItems()) {
                    problem = "'" + r.field() + "' should have at most " + items(r.maxItems());
                }
            }
            if (problem != null) {
                return definitionAt + problem;
            }
        }
        if ("group".equals(type)) {
            if (inner) {
                // Groups hold graphs, not other groups; the inner-widget wording has one level.
                return definitionAt + "a group widget cannot contain another group widget";
            }
            if (!"ordered".equals(definition.get("layout_type").asText())) {
                return definitionAt + "'layout_type' should be one of ['ordered'], got "
                        + definition.get("layout_type");
            }
            JsonNode children = definition.get("widgets");
            for (int j = 0; j < children.size(); j++) {
                problem = widget(children.get(j), j, false, true);
                if (problem != null) {
                    return definitionAt + problem;
                }
            }
        }
        JsonNode layout = widget.get("layout");
        if (layout == null || layout.isNull()) {
            return layoutRequired ? widgetAt + "'layout' is a required property" : null;
        }
        problem = layout(layout);
        return problem == null ? null : widgetAt + problem;
    }

    private static String layout(JsonNode layout) {
        if (!layout.isObject()) {
            return "'layout' should be object";
        }
        for (String field : List.of("x", "y", "width", "height")) {
            JsonNode value = layout.get(field);
            if (value == null || value.isNull()) {
                return "'" + field + "' is a required property";
            }
            if (!value.canConvertToLong() || !value.isIntegralNumber()) {
                return "'" + field + "' should be integer";
            }
            if (value.asLong() < 0) {
                return "'" + field + "' should be at least 0";
            }
        }
        return null;
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static String requiredOfKind(ObjectNode node, String field, Kind kind) {
        if (!node.has(field)) {
            return "'" + field + "' is a required property";
        }
        return ofKind(node.get(field), field, kind);
    }

    private static String optionalOfKind(ObjectNode node, String field, Kind kind) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : ofKind(value, field, kind);
    }

    private static String ofKind(JsonNode value, String field, Kind kind) {
        boolean ok = switch (kind) {
            case STRING -> value.isTextual();
            case ARRAY -> value.isArray();
            case OBJECT -> value.isObject();
            case ANY -> !value.isNull();
        };
        return ok ? null : "'" + field + "' should be " + kind.name().toLowerCase(Locale.ROOT);
    }

    private static String optionalStrings(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            return "'" + field + "' should be array";
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                return "'" + field + "' should hold strings, got " + item;
            }
        }
        return null;
    }

    /** The schema validator's wording, with Python's list and quote style. */
    private static String additionalProperties(Set<String> names) {
        List<String> quoted = new ArrayList<>();
        names.forEach(n -> quoted.add("'" + n + "'"));
        return "Additional properties are not allowed (" + String.join(", ", quoted)
                + (names.size() == 1 ? " was" : " were") + " unexpected)";
    }

    private static String pyList(List<String> values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add("'" + v + "'"));
        return "[" + String.join(", ", quoted) + "]";
    }

    private static String items(int n) {
        return n + (n == 1 ? " item" : " items");
    }
}
