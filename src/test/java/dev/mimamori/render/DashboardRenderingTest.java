package dev.mimamori.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.DashboardSpec;
import dev.mimamori.api.DashboardWidget;
import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.sync.Ownership;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DashboardRenderingTest {

    static DashboardDefinition builtIn() {
        return builtInFor(Map.of());
    }

    /** The built-in profile's dashboard for a service that sets these parameters. */
    static DashboardDefinition builtInFor(Map<String, String> set) {
        Map<String, String> defaults = BuiltInProfile.spec().parameters;
        Map<String, String> values = new HashMap<>(defaults);
        values.putAll(set);
        return DashboardRenderer.render("default", BuiltInProfile.spec().dashboard, "eu-1", values, defaults)
                .orElseThrow();
    }

    static Optional<DashboardDefinition> render(DashboardSpec spec, Map<String, String> values) {
        return DashboardRenderer.render("p", spec, "c", values, values);
    }

    /** Every metric query of every widget. */
    static List<String> metricQueries(DashboardDefinition d) {
        List<String> queries = new ArrayList<>();
        d.body()
                .path("widgets")
                .forEach(w -> w.path("definition")
                        .path("requests")
                        .forEach(r -> r.path("queries").forEach(q -> {
                            if (q.path("data_source").asText().equals("metrics")) {
                                queries.add(q.path("query").asText());
                            }
                        })));
        return queries;
    }

    @Test
    void theBuiltInDashboardShowsTheUnifiedIndicatorsForAnyServiceThroughTemplateVariables() {
        ObjectNode body = builtIn().body();
        assertThat(body.path("title").asText()).isEqualTo("Service performance: default (eu-1)");
        assertThat(body.path("layout_type").asText()).isEqualTo("ordered");
        List<String> variables = new ArrayList<>();
        body.path("template_variables")
                .forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactly("service", "env", "version");
        List<String> titles = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        body.path("widgets").forEach(w -> {
            titles.add(w.path("definition").path("title").asText());
            w.path("definition")
                    .path("requests")
                    .forEach(r -> r.path("queries").forEach(q -> {
                        if (q.path("data_source").asText().equals("metrics")) {
                            queries.add(q.path("query").asText());
                        }
                    }));
        });
        assertThat(titles)
                .contains(
                        "Latency p50 / p95 / p99 (ms)",
                        "Error rate by version (%)",
                        "Requests per second by version",
                        "CPU throttling (% of periods)",
                        "Pod restarts",
                        "Heaviest workloads by node (cores)",
                        "Monitors of this service");
        // Node-level series carry no service tag: the contention section shows every node and names the workloads.
        assertThat(queries)
                .filteredOn(q -> !q.startsWith("avg:system.") && !q.contains("by {host,service}"))
                .allSatisfy(q -> assertThat(q).contains("$service", "$env").doesNotContain("${"));
        assertThat(queries)
                .contains(
                        "avg:container.cpu.partial_stall{$service,$env} by {host}",
                        "avg:system.cpu.stolen{*} by {host}",
                        "sum:container.cpu.usage{*} by {host,service}");
        assertThat(String.join(" ", queries))
                .contains(
                        "p50:",
                        "p95:",
                        "p99:",
                        "by {version}",
                        "kubernetes.memory.limits",
                        "kubernetes.cpu.cfs.throttled.periods");
        JsonNode latency = body.path("widgets").get(0).path("definition");
        assertThat(latency.has("events")).isFalse();
        JsonNode overlay = latency.path("requests").get(1);
        assertThat(overlay.path("display_type").asText()).isEqualTo("overlay");
        assertThat(overlay.path("queries").get(0).path("data_source").asText()).isEqualTo("events");
        assertThat(overlay.path("queries").get(0).path("search").path("query").asText())
                .isEqualTo("$service $env");
        JsonNode monitors =
                body.path("widgets").get(body.path("widgets").size() - 1).path("definition");
        assertThat(monitors.path("type").asText()).isEqualTo("manage_status");
        assertThat(monitors.path("query").asText()).contains("mimamori-cluster:eu-1", "$service");
    }

    @Test
    void requestsAreInDatadogsFormulaFormWithExpressionsSplitIntoMetricQueries() {
        JsonNode errorRate = builtIn().body().path("widgets").get(2).path("definition");
        JsonNode request = errorRate.path("requests").get(0);
        assertThat(request.has("q")).isFalse();
        assertThat(request.path("response_format").asText()).isEqualTo("timeseries");
        assertThat(request.path("queries").get(0).path("query").asText())
                .isEqualTo("sum:trace.http.request.errors{$service,$env,$version} by {version}.as_count()");
        assertThat(request.path("queries").get(1).path("name").asText()).isEqualTo("q1");
        assertThat(request.path("formulas").get(0).path("formula").asText()).isEqualTo("q0 / q1 * 100");
        JsonNode latency = builtIn()
                .body()
                .path("widgets")
                .get(0)
                .path("definition")
                .path("requests")
                .get(0);
        assertThat(latency.path("formulas"))
                .extracting(f -> f.path("formula").asText())
                .containsExactly("q0 * 1000", "q1 * 1000", "q2 * 1000");
        JsonNode variable = builtIn().body().path("template_variables").get(0);
        assertThat(variable.has("default")).isFalse();
        assertThat(variable.path("defaults").get(0).asText()).isEqualTo("*");
    }

    @Test
    void theDescriptionCarriesTheOwnerSoTheDashboardIsFoundAfterARestart() {
        DashboardDefinition d = builtIn();
        assertThat(Ownership.ofDashboard(d.description()))
                .contains(new Ownership.DashboardOwner("eu-1", Ownership.DashboardKey.of("default")));
        assertThat(Ownership.ofDashboard("a dashboard somebody made")).isEmpty();
        assertThat(Ownership.ofDashboard(null)).isEmpty();
    }

    @Test
    void aDisabledOrMissingSectionMeansNoDashboard() {
        DashboardSpec off = new DashboardSpec();
        off.enabled = false;
        assertThat(render(off, Map.of())).isEmpty();
        assertThat(render(null, Map.of())).isEmpty();
    }

    @Test
    void perServicePlaceholdersAreRefusedBecauseTheDashboardIsShared() {
        DashboardSpec spec = new DashboardSpec();
        DashboardWidget w = new DashboardWidget();
        w.title = "latency";
        w.queries = List.of("avg:trace.http.request{service:${service}}");
        spec.widgets = List.of(w);
        assertThatThrownBy(() -> render(spec, Map.of()))
                .hasMessageContaining("dashboard widget \"latency\"")
                .hasMessageContaining("$service");
    }

    @Test
    void aServiceOnAnotherTraceOperationGetsADashboardOfItsOwnWhoseQueriesReadThatOperation() {
        DashboardDefinition servlet = builtInFor(Map.of("traceOperation", "servlet.request"));
        DashboardDefinition http = builtIn();

        assertThat(metricQueries(servlet).stream().filter(q -> q.contains("trace.")))
                .hasSize(7)
                .allSatisfy(q -> assertThat(q).contains("trace.servlet.request").doesNotContain("http.request"));
        assertThat(metricQueries(http).stream().filter(q -> q.contains("trace.")))
                .hasSize(7)
                .allSatisfy(q -> assertThat(q).contains("trace.http.request"));
        assertThat(servlet.body().path("title").asText())
                .isEqualTo("Service performance: default (eu-1) with traceOperation servlet.request");
        assertThat(servlet.description())
                .contains("for its services whose traceOperation is servlet.request")
                .endsWith("[mimamori cluster=eu-1 profile=default traceOperation=servlet.request]");
        assertThat(Ownership.ofDashboard(servlet.description()).orElseThrow().key())
                .isEqualTo(new Ownership.DashboardKey(
                        "default", new TreeMap<>(Map.of("traceOperation", "servlet.request"))));
        // Naming the profile's default value is the default dashboard, the one marked before operations existed.
        assertThat(builtInFor(Map.of("traceOperation", "http.request"))).isEqualTo(http);
        assertThat(http.description()).endsWith("[mimamori cluster=eu-1 profile=default]");
    }

    @Test
    void onlyTheParametersTheQueriesUseTellDashboardsApart() {
        DashboardDefinition stricter = builtInFor(Map.of("latencyP95Ms", "200"));
        assertThat(stricter).isEqualTo(builtIn());
    }

    @Test
    void aDashboardQueryMayNameOnlyADeclaredParameter() {
        DashboardSpec spec = new DashboardSpec();
        DashboardWidget w = new DashboardWidget();
        w.title = "latency";
        w.queries = List.of("avg:trace.${params.operation}{$service}");
        spec.widgets = List.of(w);
        assertThatThrownBy(() -> render(spec, Map.of("traceOperation", "http.request")))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("${params.operation}, which the profile does not declare");
        w.queries = List.of("avg:trace.${params.op name}{$service}");
        assertThatThrownBy(() -> render(spec, Map.of("op name", "http.request")))
                .hasMessageContaining("only letters, digits, _ . and -");
    }

    @Test
    void aDescriptionHoldingAMarkerLineIsRefusedRatherThanMakingTheDashboardNobodys() {
        DashboardSpec spec = BuiltInProfile.spec().dashboard;
        spec.description = "copied from another cluster\n[mimamori cluster=eu-2 profile=default]";
        assertThatThrownBy(() -> render(spec, Map.of("traceOperation", "http.request")))
                .hasMessageContaining("ownership marker");
    }

    @Test
    void aDashboardReadBackWithDatadogsAdditionsStillMatchesButAnEditDoesNot() throws Exception {
        DashboardDefinition wanted = builtIn();
        ObjectNode stored = wanted.body().deepCopy();
        stored.put("id", "abc-def-ghi").put("author_handle", "someone@example.com");
        ((ObjectNode) stored.path("widgets").get(0)).put("id", 1234);
        assertThat(wanted.isSatisfiedBy(stored)).isTrue();

        ObjectNode edited = stored.deepCopy();
        ((ObjectNode) edited.path("widgets").get(0).path("definition")).put("title", "changed in the UI");
        assertThat(wanted.isSatisfiedBy(edited)).isFalse();
        ObjectNode widgetRemoved = stored.deepCopy();
        widgetRemoved.withArray("widgets").remove(1);
        assertThat(wanted.isSatisfiedBy(widgetRemoved)).isFalse();
        assertThat(wanted.isSatisfiedBy(new ObjectMapper().readTree("{}"))).isFalse();
    }
}
