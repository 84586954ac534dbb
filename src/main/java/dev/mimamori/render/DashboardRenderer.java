package dev.mimamori.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.DashboardSpec;
import dev.mimamori.api.DashboardWidget;
import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.MetricFormula;
import dev.mimamori.status.Reasons;
import dev.mimamori.sync.Ownership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A profile's dashboard section -> the JSON body of the dashboard the profile's services share. Pure. Services are
 * told apart by Datadog's template variables ($service, $env, $version); a profile parameter in a query (such as the
 * trace operation, part of a metric name, which no template variable can change) makes one dashboard per value in use.
 */
public final class DashboardRenderer {
    /** The template variables every unified dashboard has; each ServiceMonitoring's link presets them. */
    static final List<String> TEMPLATE_VARIABLES = List.of("service", "env", "version");

    static final String DEFAULT_MARKERS = "$service $env";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final String PARAMS = "params.";

    private DashboardRenderer() {}

    /**
     * The dashboard a service of the profile links to, empty when the profile wants none; throws
     * {@link RenderException} on a bad section. {@code parameters} are the service's values, {@code defaults} the
     * profile's: a parameter the queries use whose value differs from the default gets a dashboard of its own.
     */
    static Optional<DashboardDefinition> render(
            String profileName,
            DashboardSpec spec,
            String clusterName,
            Map<String, String> parameters,
            Map<String, String> defaults) {
        if (spec == null || !spec.isEnabled()) {
            return Optional.empty();
        }
        List<DashboardWidget> declared = spec.widgets == null ? List.of() : spec.widgets;
        if (declared.isEmpty()) {
            throw new RenderException(Reasons.INVALID_TEMPLATE, "the dashboard has no widgets");
        }
        SortedMap<String, String> own = new TreeMap<>();
        for (DashboardWidget w : declared) {
            for (String name : parametersUsed(w, parameters)) {
                if (!Objects.equals(parameters.get(name), defaults.get(name))) {
                    own.put(name, parameters.get(name));
                }
            }
        }
        Ownership.DashboardKey key = new Ownership.DashboardKey(profileName, own);
        ObjectNode body = NODES.objectNode();
        String title =
                spec.title != null ? spec.title : "Service performance: " + profileName + " (" + clusterName + ")";
        body.put("title", title + valuesSuffix(own));
        body.put("description", description(spec.description, key, clusterName));
        body.put("layout_type", "ordered");
        ArrayNode variables = body.putArray("template_variables");
        for (String name : TEMPLATE_VARIABLES) {
            // "defaults" (a list) replaces the deprecated "default" in Datadog's dashboard schema.
            variables
                    .addObject()
                    .put("name", name)
                    .put("prefix", name)
                    .putArray("defaults")
                    .add("*");
        }
        String markers = spec.deployMarkers != null ? spec.deployMarkers : DEFAULT_MARKERS;
        ArrayNode widgets = body.putArray("widgets");
        for (DashboardWidget w : declared) {
            widgets.addObject().set("definition", widget(w, markers, clusterName, parameters));
        }
        return Optional.of(new DashboardDefinition(body));
    }

    /** Says which values the dashboard is for, when they are not the profile's defaults. */
    private static String valuesSuffix(SortedMap<String, String> own) {
        if (own.isEmpty()) {
            return "";
        }
        List<String> values = new ArrayList<>();
        own.forEach((name, value) -> values.add(name + " " + value));
        return " with " + String.join(", ", values);
    }

    private static ObjectNode widget(
            DashboardWidget w, String markers, String clusterName, Map<String, String> parameters) {
        String where = "dashboard widget \"" + w.title + "\"";
        ObjectNode d = NODES.objectNode();
        switch (w.kind()) {
            case timeseries -> {
                d.put("type", "timeseries").put("title", w.title).put("show_legend", true);
                ArrayNode requests = d.putArray("requests");
                requests.add(formulaRequest("timeseries", queries(w, where, parameters), null, where)
                        .put("display_type", "line"));
                if (!markers.isBlank()) {
                    requests.add(deployMarkers(markers));
                }
            }
            case value -> {
                d.put("type", "query_value")
                        .put("title", w.title)
                        .put("autoscale", true)
                        .put("precision", 2);
                d.putArray("requests")
                        .add(formulaRequest(
                                "scalar", queries(w, where, parameters).subList(0, 1), "avg", where));
            }
            case monitors ->
                d.put("type", "manage_status")
                        .put("title", w.title)
                        .put("query", "tag:\"" + Ownership.clusterTag(clusterName) + "\" $service $env")
                        .put("summary_type", "monitors")
                        .put("display_format", "countsAndList")
                        .put("color_preference", "text")
                        .put("hide_zero_counts", true)
                        .put("sort", "status,asc");
            case note -> {
                if (w.text == null || w.text.isBlank()) {
                    throw new RenderException(Reasons.INVALID_TEMPLATE, where + " is a note without text");
                }
                d.put("type", "note").put("content", w.text);
            }
        }
        return d;
    }

    /**
     * A request in Datadog's formula form (legacy "q" requests are deprecated): each expression split by
     * {@link MetricFormula} into single-metric queries, one formula per expression, in the widget's order.
     */
    private static ObjectNode formulaRequest(
            String responseFormat, List<String> expressions, String aggregator, String where) {
        ObjectNode request = NODES.objectNode().put("response_format", responseFormat);
        ArrayNode queries = request.putArray("queries");
        ArrayNode formulas = request.putArray("formulas");
        for (String expression : expressions) {
            MetricFormula compiled;
            try {
                compiled = MetricFormula.compile(expression, queries.size());
            } catch (MetricFormula.UntranslatableQuery e) {
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        where + ": \"" + expression + "\" cannot be shown "
                                + "as Datadog metric queries and a formula: " + e.getMessage());
            }
            for (MetricFormula.NamedQuery q : compiled.queries()) {
                ObjectNode query = queries.addObject()
                        .put("data_source", "metrics")
                        .put("name", q.name())
                        .put("query", q.query());
                if (aggregator != null) {
                    query.put("aggregator", aggregator);
                }
            }
            formulas.addObject().put("formula", compiled.formula());
        }
        return request;
    }

    /** Deploy markers as an event overlay, which replaces the deprecated widget-level "events". */
    private static ObjectNode deployMarkers(String search) {
        ObjectNode request =
                NODES.objectNode().put("response_format", "timeseries").put("display_type", "overlay");
        ObjectNode events = request.putArray("queries")
                .addObject()
                .put("data_source", "events")
                .put("name", "deploys");
        events.putObject("search").put("query", search);
        events.putObject("compute").put("aggregation", "count");
        request.putArray("formulas").addObject().put("formula", "deploys");
        return request;
    }

    /** The widget's queries with the profile parameters filled in, each checked as Datadog will read it. */
    private static List<String> queries(DashboardWidget w, String where, Map<String, String> parameters) {
        if (w.queries == null || w.queries.isEmpty()) {
            throw new RenderException(Reasons.INVALID_TEMPLATE, where + " needs at least one query");
        }
        List<String> filled = new ArrayList<>();
        for (String q : w.queries) {
            Matcher m = PLACEHOLDER.matcher(q);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = parameterName(m.group(1), q, where, parameters);
                m.appendReplacement(out, Matcher.quoteReplacement(parameters.get(name)));
            }
            m.appendTail(out);
            QuerySyntax.check(out.toString(), where);
            filled.add(out.toString());
        }
        return filled;
    }

    /** The profile parameters a widget's queries name. */
    private static List<String> parametersUsed(DashboardWidget w, Map<String, String> parameters) {
        String where = "dashboard widget \"" + w.title + "\"";
        List<String> used = new ArrayList<>();
        for (String q : w.queries == null ? List.<String>of() : w.queries) {
            Matcher m = PLACEHOLDER.matcher(q);
            while (m.find()) {
                used.add(parameterName(m.group(1), q, where, parameters));
            }
        }
        return used;
    }

    /** The parameter a ${...} placeholder names; anything but a declared ${params.NAME} is refused. */
    private static String parameterName(
            String placeholder, String query, String where, Map<String, String> parameters) {
        String inside = placeholder.trim();
        if (!inside.startsWith(PARAMS)) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    where + " uses ${" + inside + "} in \"" + query
                            + "\"; one dashboard serves every service, so use Datadog's template variables $service,"
                            + " $env and $version (only ${params.NAME} is filled in)");
        }
        String name = inside.substring(PARAMS.length());
        if (!parameters.containsKey(name)) {
            throw new RenderException(
                    Reasons.UNKNOWN_PARAMETER,
                    where + " uses ${params." + name + "}, which the profile does not declare");
        }
        if (!Ownership.MARKER_PARAMETER_NAME.matcher(name).matches()) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    where + " uses parameter \"" + name + "\"; a parameter a dashboard query uses names the dashboard,"
                            + " so its name may hold only letters, digits, _ . and -");
        }
        return name;
    }

    static String description(String text, Ownership.DashboardKey key, String clusterName) {
        List<String> values = new ArrayList<>();
        key.parameters().forEach((name, value) -> values.add(name + " is " + value));
        String own = "Managed by mimamori from MonitoringProfile \"" + key.profile() + "\" in cluster \"" + clusterName
                + "\"" + (values.isEmpty() ? "" : ", for its services whose " + String.join(" and ", values))
                + ": edits made here are reverted. Pick a service with the template variables.\n"
                + Ownership.dashboardMarker(clusterName, key);
        String description = text == null || text.isBlank() ? own : text.strip() + "\n\n" + own;
        if (!Ownership.ofDashboard(description).map(o -> o.key().equals(key)).orElse(false)) {
            // A second marker would make the dashboard nobody's, so it would be created again at every sync.
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    "the dashboard description contains a line like mimamori's ownership marker \"[mimamori cluster=..."
                            + " profile=...]\"; remove it");
        }
        return description;
    }
}
