package dev.mimamori.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.DashboardsApi;
import com.datadog.api.client.v1.api.DashboardsApi.ListDashboardsOptionalParameters;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.api.ServiceLevelObjectivesApi;
import com.datadog.api.client.v1.api.ServiceLevelObjectivesApi.ListSLOsOptionalParameters;
import com.datadog.api.client.v1.model.Dashboard;
import com.datadog.api.client.v1.model.DashboardLayoutType;
import com.datadog.api.client.v1.model.DashboardSummaryDefinition;
import com.datadog.api.client.v1.model.DashboardTemplateVariable;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorOptions;
import com.datadog.api.client.v1.model.MonitorThresholds;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v1.model.NoteWidgetDefinition;
import com.datadog.api.client.v1.model.NoteWidgetDefinitionType;
import com.datadog.api.client.v1.model.SLOListResponse;
import com.datadog.api.client.v1.model.SLOResponseData;
import com.datadog.api.client.v1.model.SLOThreshold;
import com.datadog.api.client.v1.model.SLOTimeframe;
import com.datadog.api.client.v1.model.SLOType;
import com.datadog.api.client.v1.model.ServiceLevelObjective;
import com.datadog.api.client.v1.model.ServiceLevelObjectiveQuery;
import com.datadog.api.client.v1.model.ServiceLevelObjectiveRequest;
import com.datadog.api.client.v1.model.TimeseriesWidgetDefinition;
import com.datadog.api.client.v1.model.TimeseriesWidgetDefinitionType;
import com.datadog.api.client.v1.model.TimeseriesWidgetRequest;
import com.datadog.api.client.v1.model.Widget;
import com.datadog.api.client.v1.model.WidgetDefinition;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.DataScalarColumn;
import com.datadog.api.client.v2.model.GroupScalarColumn;
import com.datadog.api.client.v2.model.MetricsAggregator;
import com.datadog.api.client.v2.model.MetricsDataSource;
import com.datadog.api.client.v2.model.MetricsScalarQuery;
import com.datadog.api.client.v2.model.QueryFormula;
import com.datadog.api.client.v2.model.ScalarColumn;
import com.datadog.api.client.v2.model.ScalarFormulaQueryRequest;
import com.datadog.api.client.v2.model.ScalarFormulaRequest;
import com.datadog.api.client.v2.model.ScalarFormulaRequestAttributes;
import com.datadog.api.client.v2.model.ScalarFormulaRequestType;
import com.datadog.api.client.v2.model.ScalarQuery;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dashboards, SLOs and scalar queries of the simulator, through the real datadog-api-client. */
class DashboardsAndSlosSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    // One simulator and client for the class: building a Jersey client takes a few hundred ms.
    private static DatadogSimulator sim;
    private static ApiClient client;
    private static DashboardsApi dashboardsApi;
    private static ServiceLevelObjectivesApi slosApi;
    private static MonitorsApi monitorsApi;
    private static MetricsApi metricsApi;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        sim = new DatadogSimulator().start();
        client = new ApiClient();
        client.setServerIndex(null);
        client.setBasePath(sim.url());
        client.configureApiKeys(Map.of("apiKeyAuth", sim.apiKey(), "appKeyAuth", sim.appKey()));
        dashboardsApi = new DashboardsApi(client);
        slosApi = new ServiceLevelObjectivesApi(client);
        monitorsApi = new MonitorsApi(client);
        metricsApi = new MetricsApi(client);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clear();
    }

    // ---- dashboards ------------------------------------------------------------------------

    private static Dashboard checkoutDashboard(String title) {
        Widget latency = new Widget(new WidgetDefinition(new TimeseriesWidgetDefinition(
                        List.of(new TimeseriesWidgetRequest().q("p95:trace.http.request{$service,$env}")),
                        TimeseriesWidgetDefinitionType.TIMESERIES)
                .title("p95 latency")));
        Widget note = new Widget(
                new WidgetDefinition(new NoteWidgetDefinition("Managed by mimamori", NoteWidgetDefinitionType.NOTE)));
        return new Dashboard(DashboardLayoutType.ORDERED, title, List.of(latency, note))
                .description("Service performance")
                .templateVariables(List.of(
                        new DashboardTemplateVariable("service")
                                .prefix("service")
                                .defaults(List.of("checkout")),
                        new DashboardTemplateVariable("env").prefix("env")._default("prod")));
    }

    @Test
    void dashboardRoundTripThroughTheClient() throws ApiException {
        sim.setClock(Clock.fixed(T0, ZoneOffset.UTC));
        Dashboard created = dashboardsApi.createDashboard(checkoutDashboard("Checkout: Service Performance"));

        assertThat(created.getId()).matches("[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}");
        assertThat(created.getUrl()).isEqualTo("/dashboard/" + created.getId() + "/checkout-service-performance");
        assertThat(created.getCreatedAt().toInstant()).isEqualTo(T0);
        assertThat(created.getModifiedAt()).isEqualTo(created.getCreatedAt());
        assertThat(created.getAuthorHandle()).isEqualTo(SimulatedDashboards.AUTHOR);
        assertThat(sim.dashboard(created.getId()).get("is_read_only").asBoolean())
                .isFalse();
        assertThat(created.getWidgets()).allSatisfy(w -> assertThat(w.getId()).isNotNull());
        assertThat(created.getWidgets().get(0).getDefinition().getActualInstance())
                .isInstanceOf(TimeseriesWidgetDefinition.class);
        assertThat(created.getTemplateVariables())
                .extracting(DashboardTemplateVariable::getName)
                .containsExactly("service", "env");
        ObjectNode stored = sim.dashboard(created.getId());
        assertThat(stored.get("created_at").asText()).isEqualTo("2024-03-01T10:00:00.000000+00:00");
        assertThat(stored.get("author_name").isNull()).isTrue();
        assertThat(stored.get("restricted_roles").isArray()).isTrue();

        Dashboard read = dashboardsApi.getDashboard(created.getId());
        assertThat(read.getTitle()).isEqualTo("Checkout: Service Performance");
        assertThat(read.getWidgets())
                .extracting(Widget::getId)
                .containsExactlyElementsOf(
                        created.getWidgets().stream().map(Widget::getId).toList());

        List<DashboardSummaryDefinition> listed = dashboardsApi.listDashboards().getDashboards();
        assertThat(listed).singleElement().satisfies(s -> {
            assertThat(s.getId()).isEqualTo(created.getId());
            assertThat(s.getUrl()).isEqualTo(created.getUrl());
            assertThat(s.getLayoutType()).isEqualTo(DashboardLayoutType.ORDERED);
        });

        sim.setClock(Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
        Dashboard update = checkoutDashboard("Checkout (prod)");
        update.getWidgets().get(0).setId(created.getWidgets().get(0).getId());
        Dashboard updated = dashboardsApi.updateDashboard(created.getId(), update);
        assertThat(updated.getId()).isEqualTo(created.getId());
        assertThat(updated.getUrl()).isEqualTo("/dashboard/" + created.getId() + "/checkout-prod");
        assertThat(updated.getCreatedAt()).isEqualTo(created.getCreatedAt());
        assertThat(updated.getModifiedAt().toInstant()).isEqualTo(T0.plusSeconds(60));
        // A widget id the client sends is kept; a widget without one gets a new one.
        assertThat(updated.getWidgets().get(0).getId())
                .isEqualTo(created.getWidgets().get(0).getId());
        assertThat(updated.getWidgets().get(1).getId())
                .isNotEqualTo(created.getWidgets().get(1).getId());

        assertThat(dashboardsApi.deleteDashboard(created.getId()).getDeletedDashboardId())
                .isEqualTo(created.getId());
        ApiException gone = catchThrowableOfType(ApiException.class, () -> dashboardsApi.getDashboard(created.getId()));
        assertThat(gone.getCode()).isEqualTo(404);
        assertThat(gone.getResponseBody())
                .isEqualTo("{\"errors\":[\"Dashboard with ID " + created.getId() + " not found\"]}");
        assertThat(catchThrowableOfType(ApiException.class, () -> dashboardsApi.deleteDashboard(created.getId()))
                        .getCode())
                .isEqualTo(404);
        assertThat(dashboardsApi.listDashboards().getDashboards()).isEmpty();
        assertThat(dashboardsApi
                        .listDashboards(new ListDashboardsOptionalParameters().filterDeleted(true))
                        .getDashboards())
                .extracting(DashboardSummaryDefinition::getId)
                .containsExactly(created.getId());

        // Failed calls count too: create, update and two deletes.
        assertThat(sim.writeCalls()).isEqualTo(4);
        assertThat(sim.listCalls()).isEqualTo(3);
        assertThat(sim.calls(DatadogSimulator.GET_DASHBOARD)).isEqualTo(2);
    }

    @Test
    void dashboardListPagesWithCountAndStart() throws ApiException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(dashboardsApi
                    .createDashboard(checkoutDashboard("Board " + i))
                    .getId());
        }
        assertThat(ids).doesNotHaveDuplicates();

        List<String> seen = new ArrayList<>();
        for (long start = 0; ; start += 2) {
            List<DashboardSummaryDefinition> page = dashboardsApi
                    .listDashboards(
                            new ListDashboardsOptionalParameters().count(2L).start(start))
                    .getDashboards();
            page.forEach(d -> seen.add(d.getId()));
            if (page.size() < 2) {
                break;
            }
        }
        assertThat(seen).isEqualTo(ids);
        int paginated = 0;
        for (DashboardSummaryDefinition ignored :
                dashboardsApi.listDashboardsWithPagination(new ListDashboardsOptionalParameters().count(2L))) {
            paginated++;
        }
        assertThat(paginated).isEqualTo(5);
    }

    @Test
    void dashboardValidationAnswers400NamingTheField() throws Exception {
        // The typed client sends a missing title as null.
        Dashboard untitled = checkoutDashboard(null);
        ApiException noTitle = catchThrowableOfType(ApiException.class, () -> dashboardsApi.createDashboard(untitled));
        assertThat(noTitle.getCode()).isEqualTo(400);
        assertThat(noTitle.getResponseBody()).isEqualTo("{\"errors\":[\"'title' should be string\"]}");

        String widgets = "[{\"definition\":{\"type\":\"note\",\"content\":\"hi\"}}]";
        assertThat(post("/api/v1/dashboard", "{\"layout_type\":\"ordered\",\"widgets\":" + widgets + "}"))
                .isEqualTo("400 {\"errors\":[\"'title' is a required property\"]}");
        assertThat(post("/api/v1/dashboard", "{\"title\":\"t\",\"layout_type\":\"grid\",\"widgets\":[]}"))
                .contains("400", "'layout_type' should be one of ['ordered', 'free']");
        assertThat(post("/api/v1/dashboard", "{\"title\":\"t\",\"layout_type\":\"ordered\"}"))
                .contains("400", "'widgets' is a required property");
        assertThat(post(
                        "/api/v1/dashboard",
                        "{\"title\":\"t\",\"layout_type\":\"ordered\",\"widgets\":[]," + "\"dashboard_lists\":[1]}"))
                .contains("400", "Additional properties are not allowed ('dashboard_lists' was unexpected)");
        assertThat(post(
                        "/api/v1/dashboard",
                        "{\"title\":\"t\",\"layout_type\":\"ordered\",\"widgets\":"
                                + "[{\"definition\":{\"type\":\"sparkline\"}}]}"))
                .contains("400", "Invalid widget definition at position 0 of type sparkline");
        assertThat(post(
                        "/api/v1/dashboard",
                        "{\"title\":\"t\",\"layout_type\":\"ordered\",\"widgets\":"
                                + "[{\"definition\":{\"type\":\"group\",\"layout_type\":\"ordered\",\"widgets\":"
                                + "[{\"definition\":{\"type\":\"note\",\"content\":\"ok\"}},"
                                + "{\"definition\":{\"type\":\"timeseries\"}}]}}]}"))
                .contains(
                        "400",
                        "Invalid widget definition at position 0 of type group. Error: "
                                + "Invalid inner widget definition at position 1 of type timeseries. "
                                + "Error: 'requests' is a required property");
        assertThat(post("/api/v1/dashboard", "{\"title\":\"t\",\"layout_type\":\"free\",\"widgets\":" + widgets + "}"))
                .contains("400", "Invalid widget at position 0. Error: 'layout' is a required property");
        assertThat(post(
                        "/api/v1/dashboard",
                        "{\"title\":\"t\",\"layout_type\":\"ordered\",\"widgets\":[],"
                                + "\"template_variables\":[{\"name\":\"service\"},"
                                + "{\"name\":\"service\",\"prefix\":\"service\"}]}"))
                .contains("400", "Invalid template variable at position 1", "'service' is already used");
        assertThat(sim.dashboards()).isEmpty();
        assertThat(sim.calls(DatadogSimulator.CREATE_DASHBOARD)).isEqualTo(9);

        // Unknown methods on known paths are 405, sub-resources that are not simulated 404.
        assertThat(send("PATCH", "/api/v1/dashboard/abc-def-ghi", "{}")).startsWith("405");
        assertThat(send("GET", "/api/v1/dashboard/lists/manual", null)).startsWith("404");
        assertThat(send("GET", "/api/v1/slo/search", null)).startsWith("404");
    }

    @Test
    void uiEditsAreSeenByTheClient() throws ApiException {
        sim.setClock(Clock.fixed(T0, ZoneOffset.UTC));
        Dashboard created = dashboardsApi.createDashboard(checkoutDashboard("Checkout"));
        sim.editDashboard(created.getId(), d -> d.put("title", "Renamed in the UI"));

        Dashboard read = dashboardsApi.getDashboard(created.getId());
        assertThat(read.getTitle()).isEqualTo("Renamed in the UI");
        assertThat(read.getUrl()).endsWith("/renamed-in-the-ui");
        assertThat(read.getModifiedAt().toInstant()).isEqualTo(T0.plusMillis(1));

        assertThat(sim.deleteDashboard(created.getId())).isTrue();
        assertThat(sim.dashboard(created.getId())).isNull();
        assertThat(sim.deleteDashboard(created.getId())).isFalse();
    }

    // ---- SLOs ------------------------------------------------------------------------------

    private static ServiceLevelObjectiveRequest availabilitySlo(String service, String env) {
        return new ServiceLevelObjectiveRequest(
                        "Availability of " + service + " in " + env,
                        List.of(
                                new SLOThreshold(99.9, SLOTimeframe.THIRTY_DAYS).warning(99.95),
                                new SLOThreshold(99.5, SLOTimeframe.SEVEN_DAYS)),
                        SLOType.METRIC)
                .query(new ServiceLevelObjectiveQuery(
                        "sum:trace.http.request.hits{service:" + service + ",env:" + env + "}.as_count()",
                        "sum:trace.http.request.hits{service:" + service + ",env:" + env
                                + ",!http.status_class:5xx}.as_count()"))
                .tags(List.of("service:" + service, "env:" + env, "managed-by:mimamori"))
                .description("Requests that did not fail");
    }

    @Test
    void sloCreateListByTagsUpdateAndDelete() throws ApiException {
        sim.setClock(Clock.fixed(T0, ZoneOffset.UTC));
        ServiceLevelObjective checkout =
                slosApi.createSLO(availabilitySlo("checkout", "prod")).getData().get(0);
        String staging = slosApi.createSLO(availabilitySlo("checkout", "staging"))
                .getData()
                .get(0)
                .getId();
        String cart = slosApi.createSLO(availabilitySlo("cart", "prod"))
                .getData()
                .get(0)
                .getId();

        assertThat(checkout.getId()).matches("[0-9a-f]{32}");
        assertThat(checkout.getCreatedAt()).isEqualTo(T0.getEpochSecond());
        assertThat(checkout.getModifiedAt()).isEqualTo(T0.getEpochSecond());
        assertThat(checkout.getCreator().getHandle()).isEqualTo(SimulatedDashboards.AUTHOR);
        assertThat(checkout.getTags()).containsExactly("env:prod", "managed-by:mimamori", "service:checkout");
        assertThat(checkout.getThresholds().get(0).getTargetDisplay()).isEqualTo("99.9");
        assertThat(checkout.getThresholds().get(0).getWarningDisplay()).isEqualTo("99.95");
        assertThat(checkout.getTimeframe()).isEqualTo(SLOTimeframe.THIRTY_DAYS);
        assertThat(checkout.getTargetThreshold()).isEqualTo(99.9);
        assertThat(checkout.getQuery().getNumerator()).contains("!http.status_class:5xx");
        assertThat(sim.slo(checkout.getId()).get("type_id").asInt()).isEqualTo(1);

        SLOListResponse byTags =
                slosApi.listSLOs(new ListSLOsOptionalParameters().tagsQuery("service:checkout AND env:prod"));
        assertThat(byTags.getData()).extracting(ServiceLevelObjective::getId).containsExactly(checkout.getId());
        assertThat(slosApi.listSLOs(new ListSLOsOptionalParameters().tagsQuery("service:checkout"))
                        .getData())
                .extracting(ServiceLevelObjective::getId)
                .containsExactly(checkout.getId(), staging);
        assertThat(slosApi.listSLOs(new ListSLOsOptionalParameters().ids(cart + ", " + staging))
                        .getData())
                .extracting(ServiceLevelObjective::getId)
                .containsExactly(staging, cart);
        SLOListResponse page = slosApi.listSLOs(
                new ListSLOsOptionalParameters().tagsQuery("env:prod").limit(1L).offset(1L));
        assertThat(page.getData()).extracting(ServiceLevelObjective::getId).containsExactly(cart);
        assertThat(page.getMetadata().getPage().getTotalCount()).isEqualTo(3);
        assertThat(page.getMetadata().getPage().getTotalFilteredCount()).isEqualTo(2);
        assertThat(catchThrowableOfType(
                                ApiException.class,
                                () -> slosApi.listSLOs(
                                        new ListSLOsOptionalParameters().tagsQuery("service:checkout OR service:cart")))
                        .getCode())
                .isEqualTo(400);

        sim.setClock(Clock.fixed(T0.plusSeconds(30), ZoneOffset.UTC));
        ServiceLevelObjective replacement = new ServiceLevelObjective(
                        checkout.getName(), List.of(new SLOThreshold(99.0, SLOTimeframe.THIRTY_DAYS)), SLOType.METRIC)
                .query(checkout.getQuery())
                .tags(checkout.getTags());
        ServiceLevelObjective updated =
                slosApi.updateSLO(checkout.getId(), replacement).getData().get(0);
        assertThat(updated.getModifiedAt()).isEqualTo(T0.getEpochSecond() + 30);
        assertThat(updated.getCreatedAt()).isEqualTo(T0.getEpochSecond());
        assertThat(updated.getThresholds())
                .singleElement()
                .satisfies(t -> assertThat(t.getTargetDisplay()).isEqualTo("99."));
        assertThat(updated.getDescription()).isEmpty();
        assertThat(slosApi.getSLO(checkout.getId()).getData().getThresholds()).hasSize(1);

        assertThat(slosApi.deleteSLO(checkout.getId()).getData()).containsExactly(checkout.getId());
        ApiException gone = catchThrowableOfType(ApiException.class, () -> slosApi.getSLO(checkout.getId()));
        assertThat(gone.getCode()).isEqualTo(404);
        assertThat(gone.getResponseBody()).contains("SLO not found: " + checkout.getId() + " not found");
        assertThat(slosApi.listSLOs().getData()).hasSize(2);
        assertThat(sim.writeCalls()).isEqualTo(5);
        assertThat(sim.listCalls()).isEqualTo(6);
    }

    @Test
    void sloValidationAnswers400() throws Exception {
        ServiceLevelObjectiveRequest noQuery = new ServiceLevelObjectiveRequest(
                "no query", List.of(new SLOThreshold(99.0, SLOTimeframe.SEVEN_DAYS)), SLOType.METRIC);
        ApiException e = catchThrowableOfType(ApiException.class, () -> slosApi.createSLO(noQuery));
        assertThat(e.getCode()).isEqualTo(400);
        assertThat(e.getResponseBody()).contains("Invalid payload: must specify the query for count types");

        ServiceLevelObjectiveRequest full = availabilitySlo("checkout", "prod")
                .thresholds(List.of(new SLOThreshold(100.0, SLOTimeframe.SEVEN_DAYS)));
        assertThat(catchThrowableOfType(ApiException.class, () -> slosApi.createSLO(full))
                        .getResponseBody())
                .contains("target 100 must be greater than 0 and less than 100");
        ServiceLevelObjectiveRequest custom =
                availabilitySlo("checkout", "prod").thresholds(List.of(new SLOThreshold(99.0, SLOTimeframe.CUSTOM)));
        assertThat(catchThrowableOfType(ApiException.class, () -> slosApi.createSLO(custom))
                        .getCode())
                .isEqualTo(400);
        ServiceLevelObjectiveRequest lowWarning = availabilitySlo("checkout", "prod")
                .thresholds(List.of(new SLOThreshold(99.0, SLOTimeframe.SEVEN_DAYS).warning(98.0)));
        assertThat(catchThrowableOfType(ApiException.class, () -> slosApi.createSLO(lowWarning))
                        .getResponseBody())
                .contains("must be greater than the target");
        ServiceLevelObjectiveRequest monitorSlo = new ServiceLevelObjectiveRequest(
                "uptime", List.of(new SLOThreshold(99.0, SLOTimeframe.SEVEN_DAYS)), SLOType.MONITOR);
        assertThat(catchThrowableOfType(ApiException.class, () -> slosApi.createSLO(monitorSlo))
                        .getResponseBody())
                .contains("Invalid payload: must specify monitor_ids");
        assertThat(post(
                        "/api/v1/slo",
                        "{\"type\":\"metric\",\"thresholds\":[{\"timeframe\":\"7d\",\"target\":99}],"
                                + "\"query\":{\"numerator\":\"sum:a{*}\",\"denominator\":\"sum:b{*}\"}}"))
                .contains("400", "Invalid payload: must specify name");
        assertThat(sim.slos()).isEmpty();
    }

    @Test
    void anSloUpdateCarryingOnlyTagsIsRefusedBecausePutReplacesTheWholeSlo() throws Exception {
        ServiceLevelObjective created =
                slosApi.createSLO(availabilitySlo("checkout", "prod")).getData().get(0);

        assertThat(send("PUT", "/api/v1/slo/" + created.getId(), "{\"tags\":[\"service:checkout\"]}"))
                .startsWith("400")
                .contains("Invalid payload: must specify name");
        assertThat(sim.slo(created.getId()).get("tags"))
                .extracting(JsonNode::asText)
                .contains("managed-by:mimamori");
    }

    private static Monitor burnRateMonitor(String sloId, double threshold) {
        String query = "burn_rate(\"" + sloId + "\").over(\"30d\").long_window(\"1h\")" + ".short_window(\"5m\") > "
                + threshold;
        return new Monitor()
                .name("Fast burn")
                .type(MonitorType.SLO_ALERT)
                .query(query)
                .message("@oncall")
                .options(new MonitorOptions().thresholds(new MonitorThresholds().critical(threshold)));
    }

    @Test
    void burnRateMonitorsNeedTheirSloAndBlockItsDeletion() throws ApiException {
        String sloId = slosApi.createSLO(availabilitySlo("checkout", "prod"))
                .getData()
                .get(0)
                .getId();

        Monitor monitor = monitorsApi.createMonitor(burnRateMonitor(sloId, 14.4));
        assertThat(monitor.getOptions().getThresholds().getCritical()).isEqualTo(14.4);

        ApiException unknownSlo = catchThrowableOfType(
                ApiException.class,
                () -> monitorsApi.createMonitor(burnRateMonitor("0123456789abcdef0123456789abcdef", 14.4)));
        assertThat(unknownSlo.getCode()).isEqualTo(400);
        assertThat(unknownSlo.getResponseBody()).contains("SLO 0123456789abcdef0123456789abcdef not found");
        Monitor mismatch = burnRateMonitor(sloId, 14.4)
                .options(new MonitorOptions().thresholds(new MonitorThresholds().critical(10.0)));
        assertThat(catchThrowableOfType(ApiException.class, () -> monitorsApi.createMonitor(mismatch))
                        .getResponseBody())
                .contains("does not match that used in the query");
        Monitor tooFast = burnRateMonitor(sloId, 2000);
        assertThat(catchThrowableOfType(ApiException.class, () -> monitorsApi.createMonitor(tooFast))
                        .getResponseBody())
                .contains("Alert threshold (2000.0) must be in range 0 to 1000.0 for burn rate alerts");
        Monitor badWindows = burnRateMonitor(sloId, 14.4)
                .query("burn_rate(\"" + sloId + "\").over(\"30d\").long_window(\"1h\").short_window(\"2h\") > 14.4");
        assertThat(catchThrowableOfType(ApiException.class, () -> monitorsApi.createMonitor(badWindows))
                        .getResponseBody())
                .contains("must be shorter than the long window");
        Monitor budget = new Monitor()
                .name("Budget")
                .type(MonitorType.SLO_ALERT)
                .message("m")
                .query("error_budget(\"" + sloId + "\").over(\"7d\") > 75");
        assertThat(monitorsApi
                        .createMonitor(budget)
                        .getOptions()
                        .getThresholds()
                        .getCritical())
                .isEqualTo(75.0);

        ApiException conflict = catchThrowableOfType(ApiException.class, () -> slosApi.deleteSLO(sloId));
        assertThat(conflict.getCode()).isEqualTo(409);
        JsonNode body = readJson(conflict.getResponseBody());
        assertThat(body.get("data").isEmpty()).isTrue();
        assertThat(body.get("errors").get(sloId).asText())
                .contains("is referenced in monitors", Long.toString(monitor.getId()));
        assertThat(sim.slo(sloId)).isNotNull();

        sim.monitors().forEach(m -> sim.deleteMonitor(m.get("id").asLong()));
        assertThat(slosApi.deleteSLO(sloId).getData()).containsExactly(sloId);
        assertThat(catchThrowableOfType(ApiException.class, () -> slosApi.deleteSLO(sloId))
                        .getCode())
                .isEqualTo(404);
    }

    @Test
    void sloShownOnADashboardNeedsForceToDelete() throws Exception {
        String sloId = slosApi.createSLO(availabilitySlo("checkout", "prod"))
                .getData()
                .get(0)
                .getId();
        assertThat(post(
                        "/api/v1/dashboard",
                        "{\"title\":\"SLOs\",\"layout_type\":\"ordered\",\"widgets\":"
                                + "[{\"definition\":{\"type\":\"slo\",\"view_type\":\"detail\","
                                + "\"slo_id\":\"" + sloId + "\"}}]}"))
                .startsWith("200");

        ApiException conflict = catchThrowableOfType(ApiException.class, () -> slosApi.deleteSLO(sloId));
        assertThat(conflict.getCode()).isEqualTo(409);
        assertThat(conflict.getResponseBody()).contains("is referenced in dashboards");
        assertThat(slosApi.deleteSLO(sloId, new ServiceLevelObjectivesApi.DeleteSLOOptionalParameters().force("true"))
                        .getData())
                .containsExactly(sloId);
    }

    @Test
    void sloUiEditsAndDeletesAreSeenByTheClient() throws ApiException {
        sim.setClock(Clock.fixed(T0, ZoneOffset.UTC));
        String id = slosApi.createSLO(availabilitySlo("checkout", "prod"))
                .getData()
                .get(0)
                .getId();
        sim.editSlo(id, s -> ((ObjectNode) s.get("thresholds").get(0)).put("target", 99.0));
        SLOResponseData read = slosApi.getSLO(id).getData();
        assertThat(read.getThresholds().get(0).getTargetDisplay()).isEqualTo("99.");
        assertThat(read.getModifiedAt()).isEqualTo(T0.getEpochSecond() + 1);

        monitorsApi.createMonitor(burnRateMonitor(id, 14.4));
        assertThat(sim.deleteSlo(id)).isTrue();
        assertThat(catchThrowableOfType(ApiException.class, () -> slosApi.getSLO(id))
                        .getCode())
                .isEqualTo(404);
    }

    @Test
    void deletingSlosWhileCreatingBurnRateMonitorsLeavesNoDanglingMonitor() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(slosApi.createSLO(availabilitySlo("svc" + i, "prod"))
                        .getData()
                        .get(0)
                        .getId());
            }
            List<Future<?>> work = new ArrayList<>();
            for (String id : ids) {
                work.add(pool.submit(() -> {
                    try {
                        monitorsApi.createMonitor(burnRateMonitor(id, 14.4));
                    } catch (ApiException e) {
                        assertThat(e.getCode()).isEqualTo(400);
                    }
                    return null;
                }));
                work.add(pool.submit(() -> {
                    try {
                        slosApi.deleteSLO(id);
                    } catch (ApiException e) {
                        assertThat(e.getCode()).isEqualTo(409);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(20, TimeUnit.SECONDS);
            }
            Set<String> remaining = new HashSet<>();
            sim.slos().forEach(s -> remaining.add(s.get("id").asText()));
            for (ObjectNode m : sim.monitors()) {
                assertThat(remaining)
                        .contains(MonitorValidator.referencedSlo(m.get("query").asText()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- scalar queries --------------------------------------------------------------------

    private static ScalarFormulaQueryRequest scalar(long from, long to, List<String> formulas, String... queries) {
        List<ScalarQuery> qs = new ArrayList<>();
        for (int i = 0; i < queries.length; i++) {
            qs.add(new ScalarQuery(new MetricsScalarQuery(MetricsAggregator.AVG, MetricsDataSource.METRICS, queries[i])
                    .name("q" + i)));
        }
        List<QueryFormula> fs =
                formulas.stream().map(f -> new QueryFormula().formula(f)).toList();
        return new ScalarFormulaQueryRequest(new ScalarFormulaRequest(
                new ScalarFormulaRequestAttributes(from, qs, to).formulas(fs),
                ScalarFormulaRequestType.SCALAR_REQUEST));
    }

    private static List<DataScalarColumn> columns(ScalarFormulaQueryRequest request) throws ApiException {
        List<DataScalarColumn> columns = new ArrayList<>();
        for (ScalarColumn c :
                metricsApi.queryScalarData(request).getData().getAttributes().getColumns()) {
            columns.add((DataScalarColumn) c.getActualInstance());
        }
        return columns;
    }

    @Test
    void nodeAndContainerSeriesAreGroupedByAnyTagsWithAGroupColumnPerTag() throws ApiException {
        sim.setClock(Clock.fixed(T0, ZoneOffset.UTC));
        sim.scriptNode("node-a", 4, 0, 0.5);
        sim.scriptContainer("node-a", "checkout-1", "checkout", "prod", 1);
        sim.startBatchJob("node-a", "etl", 7);
        long from = T0.minusSeconds(600).toEpochMilli();
        ScalarFormulaQueryRequest request = scalar(
                from,
                T0.toEpochMilli(),
                List.of(),
                "sum:container.cpu.usage{*} by {host,service}",
                "avg:container.cpu.partial_stall{env:prod} by {host,service}");

        List<ScalarColumn> columns =
                metricsApi.queryScalarData(request).getData().getAttributes().getColumns();

        List<Object> parts =
                columns.stream().map(ScalarColumn::getActualInstance).toList();
        GroupScalarColumn hosts = (GroupScalarColumn) parts.get(0);
        GroupScalarColumn services = (GroupScalarColumn) parts.get(1);
        assertThat(hosts.getName()).isEqualTo("host");
        assertThat(services.getName()).isEqualTo("service");
        // The batch job has no service tag: Datadog groups such series as N/A. Four CPUs for eight asked: half each.
        assertThat(services.getValues()).containsExactly(List.of("N/A"), List.of("checkout"));
        assertThat(((DataScalarColumn) parts.get(2)).getValues()).containsExactly(3.5e9, 0.5e9);
        assertThat(((DataScalarColumn) parts.get(3)).getValues()).containsExactly(null, 0.5e9);

        assertThatThrownBy(() -> metricsApi.queryScalarData(scalar(
                        from,
                        T0.toEpochMilli(),
                        List.of(),
                        "avg:system.cpu.idle{*} by {host}",
                        "sum:container.cpu.usage{*} by {host,service}")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    }

    @Test
    void scalarQueryAnswersPresentAndSilencedMetrics() throws ApiException {
        sim.setClock(Clock.fixed(T0, ZoneOffset.UTC));
        long from = T0.minusSeconds(600).toEpochMilli();
        long to = T0.toEpochMilli();
        ScalarFormulaQueryRequest request = scalar(
                from,
                to,
                List.of("q0", "q1", "q0 / q1 * 100"),
                "avg:trace.http.request.hits{service:checkout,env:prod}",
                "avg:system.cpu.user{service:checkout,env:prod}");

        List<DataScalarColumn> present = columns(request);
        assertThat(present).extracting(DataScalarColumn::getName).containsExactly("q0", "q1", "q0 / q1 * 100");
        assertThat(present)
                .extracting(DataScalarColumn::getValues)
                .containsExactly(List.of(1.0), List.of(1.0), List.of(100.0));

        sim.silenceMetrics("checkout", "prod", "trace.");
        List<DataScalarColumn> silenced = columns(request);
        assertThat(silenced.get(0).getValues()).isEmpty();
        assertThat(silenced.get(1).getValues()).containsExactly(1.0);
        assertThat(silenced.get(2).getValues()).isEmpty();
        // Another env of the same service still reports.
        assertThat(columns(scalar(from, to, List.of(), "avg:trace.http.request.hits{service:checkout,env:staging}"))
                        .get(0)
                        .getValues())
                .containsExactly(1.0);

        sim.unsilenceMetrics("checkout", "prod");
        assertThat(columns(request).get(0).getValues()).containsExactly(1.0);

        sim.scriptMetric("1.4.0", t -> t < T0.minusSeconds(300).toEpochMilli() ? 100.0 : 200.0);
        assertThat(columns(scalar(
                                from, to, List.of(), "avg:trace.http.request.duration{service:checkout,version:1.4.0}"))
                        .get(0)
                        .getValues())
                .containsExactly(150.0);

        // A range entirely in the future has no data yet.
        assertThat(columns(scalar(to + 60_000, to + 120_000, List.of(), "avg:system.cpu.user{*}"))
                        .get(0)
                        .getValues())
                .isEmpty();

        assertThat(sim.calls(DatadogSimulator.QUERY_SCALAR)).isEqualTo(6);
        assertThat(sim.writeCalls()).isZero();
    }

    @Test
    void scalarQueryValidation() throws Exception {
        long to = Instant.now().toEpochMilli();
        ApiException unknown = catchThrowableOfType(
                ApiException.class,
                () -> metricsApi.queryScalarData(
                        scalar(to - 60_000, to, List.of("q0 + q7"), "avg:system.cpu.user{*}")));
        assertThat(unknown.getCode()).isEqualTo(400);
        assertThat(unknown.getResponseBody()).contains("references unknown query 'q7'");
        assertThat(catchThrowableOfType(
                                ApiException.class,
                                () -> metricsApi.queryScalarData(
                                        scalar(to, to - 60_000, List.of(), "avg:system.cpu.user{*}")))
                        .getResponseBody())
                .contains("'from' must be before 'to'");
        String[] many = new String[SimulatedTelemetry.MAX_QUERIES + 1];
        Arrays.fill(many, "avg:system.cpu.user{*}");
        assertThat(catchThrowableOfType(
                                ApiException.class,
                                () -> metricsApi.queryScalarData(scalar(to - 60_000, to, List.of(), many)))
                        .getResponseBody())
                .contains("Too many queries");
        assertThat(post(
                        "/api/v2/query/scalar",
                        "{\"data\":{\"type\":\"scalar_request\",\"attributes\":{"
                                + "\"from\":" + (to - 60_000) + ",\"to\":" + to
                                + ",\"queries\":[{\"data_source\":\"tracez\","
                                + "\"name\":\"a\",\"query\":\"avg:x{*}\",\"aggregator\":\"avg\"}]}}}"))
                .contains("400", "Unknown data_source 'tracez'");
        assertThat(post(
                        "/api/v2/query/scalar",
                        "{\"data\":{\"type\":\"scalar_request\",\"attributes\":{"
                                + "\"from\":" + (to - 60_000) + ",\"to\":" + to + ",\"queries\":["
                                + "{\"data_source\":\"metrics\","
                                + "\"name\":\"a\",\"aggregator\":\"avg\"}]}}}"))
                .contains("400", "Missing required field 'query'");
    }

    @Test
    void scalarQueriesTakeOneMetricEachAndAnAggregatorFromDatadogsList() throws Exception {
        long to = Instant.now().toEpochMilli();
        ApiException arithmetic = catchThrowableOfType(
                ApiException.class,
                () -> metricsApi.queryScalarData(scalar(
                        to - 60_000,
                        to,
                        List.of(),
                        "avg:trace.http.request.errors{*} / avg:trace.http.request.hits{*}")));
        assertThat(arithmetic.getCode()).isEqualTo(400);
        assertThat(arithmetic.getResponseBody())
                .isEqualToIgnoringWhitespace(
                        "{\"errors\":[\"Functions are not supported in metrics data source field. Use the formulas payload.\"]}");
        // argo-rollouts#3707 quotes this answer to an aggregator outside the list.
        assertThat(post(
                        "/api/v2/query/scalar",
                        "{\"data\":{\"type\":\"scalar_request\",\"attributes\":{"
                                + "\"from\":" + (to - 60_000) + ",\"to\":" + to
                                + ",\"queries\":[{\"data_source\":\"metrics\","
                                + "\"name\":\"a\",\"query\":\"avg:x{*}\",\"aggregator\":\"median\"}]}}}"))
                .startsWith("400")
                .contains("Value of parameter 'aggregator' should be any of these [None, 'avg',"
                        + " 'min', 'max', 'sum', 'last', 'mean', 'area', 'l2norm', 'percentile', 'stddev']");
        assertThat(post(
                        "/api/v2/query/scalar",
                        "{\"data\":{\"type\":\"scalar_request\",\"attributes\":{"
                                + "\"from\":" + (to - 60_000) + ",\"to\":" + to
                                + ",\"queries\":[{\"data_source\":\"metrics\","
                                + "\"name\":\"a\",\"query\":\"avg:x{*}\",\"aggregator\":\"stddev\"}]}}}"))
                .startsWith("200");
    }

    // ---- shared machinery ------------------------------------------------------------------

    @Test
    void faultsRateLimitsAndKeysApplyToTheNewEndpoints() throws Exception {
        sim.failNext(DatadogSimulator.CREATE_SLO, 1, 503);
        assertThat(catchThrowableOfType(
                                ApiException.class, () -> slosApi.createSLO(availabilitySlo("checkout", "prod")))
                        .getCode())
                .isEqualTo(503);
        assertThat(sim.slos()).isEmpty();

        sim.setRateLimit(DatadogSimulator.LIST_DASHBOARDS, 1, 60);
        sim.awaitRoomInWindow(DatadogSimulator.LIST_DASHBOARDS, Duration.ofSeconds(10));
        dashboardsApi.listDashboards();
        ApiException limited = catchThrowableOfType(ApiException.class, dashboardsApi::listDashboards);
        assertThat(limited.getCode()).isEqualTo(429);
        assertThat(limited.getResponseHeaders().get("x-ratelimit-name")).containsExactly("dashboard_list");

        sim.setOutage(true);
        assertThat(catchThrowableOfType(
                                ApiException.class,
                                () -> metricsApi.queryScalarData(
                                        scalar(0, 60_000, List.of(), "avg:system.cpu.user{*}")))
                        .getCode())
                .isEqualTo(503);
        sim.setOutage(false);

        sim.revokeKeys();
        assertThat(catchThrowableOfType(ApiException.class, slosApi::listSLOs).getCode())
                .isEqualTo(403);
    }

    @Test
    void clearForgetsDashboardsSlosAndSilences() throws ApiException {
        dashboardsApi.createDashboard(checkoutDashboard("Checkout"));
        slosApi.createSLO(availabilitySlo("checkout", "prod"));
        sim.silenceMetrics("checkout", "prod");

        sim.clear();

        assertThat(sim.dashboards()).isEmpty();
        assertThat(sim.slos()).isEmpty();
        assertThat(dashboardsApi.listDashboards().getDashboards()).isEmpty();
        long to = Instant.now().toEpochMilli();
        assertThat(columns(scalar(to - 60_000, to, List.of(), "avg:x{service:checkout,env:prod}"))
                        .get(0)
                        .getValues())
                .containsExactly(1.0);
        assertThatThrownBy(() -> sim.editSlo("nope", s -> {})).isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode readJson(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(body, e);
        }
    }

    private static String post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    /** A raw call, for bodies the typed client cannot send: "status body". */
    private static String send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + path))
                .header("DD-API-KEY", sim.apiKey())
                .header("DD-APPLICATION-KEY", sim.appKey())
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
