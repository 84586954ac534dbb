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
import java.util.List;
import java.util.Optional;

/**
 * A profile's dashboard section -> the JSON body of the one dashboard every service of the profile shares. Pure.
 * Services are told apart by Datadog's template variables ($service, $env, $version), never by our placeholders.
 */
public final class DashboardRenderer {
    /** The template variables every unified dashboard has; each ServiceMonitoring's link presets them. */
    static final List<String> TEMPLATE_VARIABLES = List.of("service", "env", "version");

    static final String DEFAULT_MARKERS = "$service $env";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DashboardRenderer() {}

    /** The dashboard a profile wants, empty when it wants none; throws {@link RenderException} on a bad section. */
    static Optional<DashboardDefinition> render(String profileName, DashboardSpec spec, String clusterName) {
        if (spec == null || !spec.isEnabled()) {
            return Optional.empty();
        }
        ObjectNode body = NODES.objectNode();
        body.put(
                "title",
                spec.title != null ? spec.title : "Service performance: " + profileName + " (" + clusterName + ")");
        body.put("description", description(spec.description, profileName, clusterName));
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
        List<DashboardWidget> declared = spec.widgets == null ? List.of() : spec.widgets;
        if (declared.isEmpty()) {
            throw new RenderException(Reasons.INVALID_TEMPLATE, "the dashboard has no widgets");
        }
        for (DashboardWidget w : declared) {
            widgets.addObject().set("definition", widget(w, markers, clusterName));
        }
        return Optional.of(new DashboardDefinition(body));
    }

    private static ObjectNode widget(DashboardWidget w, String markers, String clusterName) {
        String where = "dashboard widget \"" + w.title + "\"";
        ObjectNode d = NODES.objectNode();
        switch (w.kind()) {
            case timeseries -> {
                d.put("type", "timeseries").put("title", w.title).put("show_legend", true);
                ArrayNode requests = d.putArray("requests");
                requests.add(formulaRequest("timeseries", queries(w, where), null, where)
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
                        .add(formulaRequest("scalar", queries(w, where).subList(0, 1), "avg", where));
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

    private static List<String> queries(DashboardWidget w, String where) {
        if (w.queries == null || w.queries.isEmpty()) {
            throw new RenderException(Reasons.INVALID_TEMPLATE, where + " needs at least one query");
        }
        for (String q : w.queries) {
            if (q.contains("${")) {
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        where + " uses a ${...} placeholder in \"" + q
                                + "\"; one dashboard serves every service, so use Datadog's template variables $service,"
                                + " $env and $version");
            }
            QuerySyntax.check(q, where);
        }
        return w.queries;
    }

    static String description(String text, String profileName, String clusterName) {
        String own = "Managed by mimamori from MonitoringProfile \"" + profileName + "\" in cluster \"" + clusterName
                + "\": edits made here are reverted. Pick a service with the template variables.\n"
                + Ownership.dashboardMarker(clusterName, profileName);
        return text == null || text.isBlank() ? own : text.strip() + "\n\n" + own;
    }
}
