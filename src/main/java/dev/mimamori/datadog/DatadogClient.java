package dev.mimamori.datadog;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.ApiResponse;
import com.datadog.api.client.v1.api.DashboardsApi;
import com.datadog.api.client.v1.api.EventsApi;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.api.ServiceLevelObjectivesApi;
import com.datadog.api.client.v1.model.Dashboard;
import com.datadog.api.client.v1.model.DashboardSummary;
import com.datadog.api.client.v1.model.DashboardSummaryDefinition;
import com.datadog.api.client.v1.model.EventAlertType;
import com.datadog.api.client.v1.model.EventCreateRequest;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.SLOListResponse;
import com.datadog.api.client.v1.model.SLOResponse;
import com.datadog.api.client.v1.model.ServiceLevelObjective;
import com.datadog.api.client.v2.api.AuditApi;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.AuditLogsEvent;
import com.datadog.api.client.v2.model.AuditLogsEventsResponse;
import com.datadog.api.client.v2.model.AuditLogsQueryFilter;
import com.datadog.api.client.v2.model.AuditLogsQueryPageOptions;
import com.datadog.api.client.v2.model.AuditLogsSearchEventsRequest;
import com.datadog.api.client.v2.model.AuditLogsSort;
import com.datadog.api.client.v2.model.MetricsAggregator;
import com.datadog.api.client.v2.model.MetricsDataSource;
import com.datadog.api.client.v2.model.MetricsScalarQuery;
import com.datadog.api.client.v2.model.MetricsTimeseriesQuery;
import com.datadog.api.client.v2.model.QueryFormula;
import com.datadog.api.client.v2.model.ScalarColumn;
import com.datadog.api.client.v2.model.ScalarFormulaQueryRequest;
import com.datadog.api.client.v2.model.ScalarFormulaQueryResponse;
import com.datadog.api.client.v2.model.ScalarFormulaRequest;
import com.datadog.api.client.v2.model.ScalarFormulaRequestAttributes;
import com.datadog.api.client.v2.model.ScalarFormulaRequestType;
import com.datadog.api.client.v2.model.ScalarQuery;
import com.datadog.api.client.v2.model.TimeseriesFormulaQueryRequest;
import com.datadog.api.client.v2.model.TimeseriesFormulaQueryResponse;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequest;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequestAttributes;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequestType;
import com.datadog.api.client.v2.model.TimeseriesQuery;
import com.datadog.api.client.v2.model.TimeseriesResponseAttributes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mimamori.config.MimamoriConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The one implementation of {@link DatadogApi}: the official client over HTTP, with timeouts and a rate budget. */
@ApplicationScoped
public class DatadogClient implements DatadogApi {
    static final int PAGE_SIZE = 1000;
    static final String LIST_MONITORS = "GET /api/v1/monitor";
    static final String CREATE_MONITOR = "POST /api/v1/monitor";
    static final String UPDATE_MONITOR = "PUT /api/v1/monitor/{id}";
    static final String DELETE_MONITOR = "DELETE /api/v1/monitor/{id}";
    static final String CREATE_EVENT = "POST /api/v1/events";
    static final String QUERY_TIMESERIES = "POST /api/v2/query/timeseries";
    static final String QUERY_SCALAR = "POST /api/v2/query/scalar";
    static final String LIST_SLOS = "GET /api/v1/slo";
    static final String CREATE_SLO = "POST /api/v1/slo";
    static final String GET_SLO = "GET /api/v1/slo/{id}";
    static final String UPDATE_SLO = "PUT /api/v1/slo/{id}";
    static final String DELETE_SLO = "DELETE /api/v1/slo/{id}";
    static final String LIST_DASHBOARDS = "GET /api/v1/dashboard";
    static final String GET_DASHBOARD = "GET /api/v1/dashboard/{id}";
    static final String CREATE_DASHBOARD = "POST /api/v1/dashboard";
    static final String UPDATE_DASHBOARD = "PUT /api/v1/dashboard/{id}";
    static final String DELETE_DASHBOARD = "DELETE /api/v1/dashboard/{id}";
    static final String SEARCH_AUDIT = "POST /api/v2/audit/events/search";
    static final long DASHBOARD_PAGE_SIZE = 100;
    /** The Audit Trail query for the assets mimamori manages (asset types as Datadog's audit events name them). */
    static final String AUDITED_ASSETS = "@asset.type:(monitor OR slo OR dashboard)";

    private final MonitorsApi monitors;
    private final EventsApi events;
    private final MetricsApi metrics;
    private final ServiceLevelObjectivesApi slos;
    private final DashboardsApi dashboards;
    private final AuditApi audit;
    private final ObjectMapper json;
    private final boolean configured;
    private final String appBaseUrl;
    private final RateLimitBudget budget;
    private final MeterRegistry registry;

    @jakarta.inject.Inject
    public DatadogClient(MimamoriConfig config, MeterRegistry registry) {
        this.registry = registry;
        // Rate-limit windows are durations: measured on a clock that never steps back, not the operator's wall clock.
        this.budget = new RateLimitBudget(new MonotonicClock());
        MimamoriConfig.Datadog dd = config.datadog();
        this.configured = dd.apiKey().isPresent() && dd.appKey().isPresent();
        ApiClient client = new ApiClient();
        // Our own budget handles 429; the client's retry would sleep the reconcile thread.
        client.enableRetry(false);
        Optional<String> url = dd.url().map(DatadogClient::withoutTrailingSlash);
        client.setServerIndex(null);
        client.setBasePath(url.orElse("https://api." + dd.site()));
        if (configured) {
            client.configureApiKeys(Map.of(
                    "apiKeyAuth", dd.apiKey().get(), "appKeyAuth", dd.appKey().get()));
        }
        // Last: the client applies timeouts to its current HTTP client, which other setters may rebuild.
        client.setConnectTimeout((int) dd.connectTimeout().toMillis());
        client.setReadTimeout((int) dd.readTimeout().toMillis());
        this.appBaseUrl = url.orElse(appUrlForSite(dd.site()));
        this.monitors = new MonitorsApi(client);
        this.events = new EventsApi(client);
        this.metrics = new MetricsApi(client);
        this.slos = new ServiceLevelObjectivesApi(client);
        this.dashboards = new DashboardsApi(client);
        this.audit = new AuditApi(client);
        this.json = client.getJSON().getMapper();
    }

    /** app.datadoghq.com and app.datadoghq.eu, but us3.datadoghq.com for the regional sites. */
    static String appUrlForSite(String site) {
        return site.chars().filter(c -> c == '.').count() == 1 ? "https://app." + site : "https://" + site;
    }

    @Override
    public List<ManagedMonitor> listMonitors(List<String> monitorTags) {
        List<ManagedMonitor> result = new ArrayList<>();
        String tags = String.join(",", monitorTags);
        for (long page = 0; ; page++) {
            MonitorsApi.ListMonitorsOptionalParameters params = new MonitorsApi.ListMonitorsOptionalParameters()
                    .monitorTags(tags)
                    .page(page)
                    .pageSize(PAGE_SIZE);
            List<Monitor> batch = call(LIST_MONITORS, () -> monitors.listMonitorsWithHttpInfo(params));
            batch.forEach(m -> result.add(MonitorMapping.fromDatadog(m)));
            if (batch.size() < PAGE_SIZE) {
                return result;
            }
        }
    }

    @Override
    public ManagedMonitor createMonitor(MonitorDefinition definition) {
        Monitor created = call(
                CREATE_MONITOR, () -> monitors.createMonitorWithHttpInfo(MonitorMapping.toCreateRequest(definition)));
        return MonitorMapping.fromDatadog(created);
    }

    @Override
    public ManagedMonitor updateMonitor(long id, MonitorDefinition definition) {
        Monitor updated = call(
                UPDATE_MONITOR,
                () -> monitors.updateMonitorWithHttpInfo(id, MonitorMapping.toUpdateRequest(definition)));
        return MonitorMapping.fromDatadog(updated);
    }

    @Override
    public void retagMonitor(long id, List<String> tags) {
        call(UPDATE_MONITOR, () -> monitors.updateMonitorWithHttpInfo(id, MonitorMapping.toTagsUpdate(tags)));
    }

    @Override
    public void deleteMonitor(long id) {
        try {
            call(
                    DELETE_MONITOR,
                    () -> monitors.deleteMonitorWithHttpInfo(id, new MonitorsApi.DeleteMonitorOptionalParameters()));
        } catch (DatadogException e) {
            if (e.kind() != DatadogException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public void postEvent(DatadogEvent event) {
        EventCreateRequest request = new EventCreateRequest()
                .title(event.title())
                .text(event.text())
                .tags(new ArrayList<>(event.tags()))
                .alertType(EventAlertType.fromValue(event.alertType()))
                .sourceTypeName("kubernetes");
        call(CREATE_EVENT, () -> events.createEventWithHttpInfo(request));
    }

    @Override
    public List<MetricSeries> queryMetrics(List<String> queries, Instant from, Instant to, Duration interval) {
        TimeseriesFormulaRequestAttributes attributes = new TimeseriesFormulaRequestAttributes()
                .from(from.toEpochMilli())
                .to(to.toEpochMilli())
                .interval(interval.toMillis());
        int named = 0;
        for (String expression : queries) {
            // Datadog refuses arithmetic inside a query: each metric is its own query, the rest one formula.
            MetricFormula compiled;
            try {
                compiled = MetricFormula.compile(expression, named);
            } catch (MetricFormula.UntranslatableQuery e) {
                throw new DatadogException(DatadogException.Kind.REJECTED, e.getMessage());
            }
            for (MetricFormula.NamedQuery q : compiled.queries()) {
                attributes.addQueriesItem(new TimeseriesQuery(new MetricsTimeseriesQuery()
                        .dataSource(MetricsDataSource.METRICS)
                        .name(q.name())
                        .query(q.query())));
            }
            attributes.addFormulasItem(new QueryFormula().formula(compiled.formula()));
            named += compiled.queries().size();
        }
        TimeseriesFormulaQueryRequest request = new TimeseriesFormulaQueryRequest(
                new TimeseriesFormulaRequest(attributes, TimeseriesFormulaRequestType.TIMESERIES_REQUEST));
        TimeseriesFormulaQueryResponse response =
                call(QUERY_TIMESERIES, () -> metrics.queryTimeseriesDataWithHttpInfo(request));
        return toSeries(queries, response);
    }

    /** One series per expression: its formula's series, found by query_index (the formula's place in the request). */
    private static List<MetricSeries> toSeries(List<String> queries, TimeseriesFormulaQueryResponse response) {
        TimeseriesResponseAttributes attributes = response == null || response.getData() == null
                ? null
                : response.getData().getAttributes();
        List<Long> times = attributes == null || attributes.getTimes() == null ? List.of() : attributes.getTimes();
        long[] t = times.stream().mapToLong(Long::longValue).toArray();
        List<MetricSeries> result = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            double[] values = new double[t.length];
            Arrays.fill(values, Double.NaN);
            Integer index = seriesIndexOfFormula(attributes, i);
            if (index != null) {
                List<Double> raw = attributes.getValues().get(index);
                for (int j = 0; j < Math.min(raw.size(), values.length); j++) {
                    values[j] = raw.get(j) == null ? Double.NaN : raw.get(j);
                }
            }
            result.add(new MetricSeries(queries.get(i), t, values));
        }
        return result;
    }

    private static Integer seriesIndexOfFormula(TimeseriesResponseAttributes attributes, int formulaIndex) {
        if (attributes == null || attributes.getSeries() == null || attributes.getValues() == null) {
            return null;
        }
        for (int s = 0;
                s < attributes.getSeries().size() && s < attributes.getValues().size();
                s++) {
            Integer index = attributes.getSeries().get(s).getQueryIndex();
            if (index != null && index == formulaIndex) {
                return s;
            }
        }
        return null;
    }

    @Override
    public String monitorUrl(long id) {
        return appBaseUrl + "/monitors/" + id;
    }

    @Override
    public List<ManagedSlo> listSlos(String tag) {
        List<ManagedSlo> result = new ArrayList<>();
        for (long offset = 0; ; offset += PAGE_SIZE) {
            ServiceLevelObjectivesApi.ListSLOsOptionalParameters params =
                    new ServiceLevelObjectivesApi.ListSLOsOptionalParameters()
                            .tagsQuery(tag)
                            .limit((long) PAGE_SIZE)
                            .offset(offset);
            SLOListResponse page = call(LIST_SLOS, () -> slos.listSLOsWithHttpInfo(params));
            List<ServiceLevelObjective> batch = page == null || page.getData() == null ? List.of() : page.getData();
            batch.forEach(slo -> result.add(SloMapping.fromDatadog(slo)));
            if (batch.size() < PAGE_SIZE || offset + batch.size() >= filteredTotal(page)) {
                return result;
            }
        }
    }

    /**
     * The matching count Datadog reports with a paged SLO list; with it a full last page is known to be the last, and
     * no empty page is asked for. Without it, only a short page ends the list.
     */
    private static long filteredTotal(SLOListResponse page) {
        if (page == null
                || page.getMetadata() == null
                || page.getMetadata().getPage() == null
                || page.getMetadata().getPage().getTotalFilteredCount() == null) {
            return Long.MAX_VALUE;
        }
        return page.getMetadata().getPage().getTotalFilteredCount();
    }

    @Override
    public ManagedSlo createSlo(SloDefinition definition) {
        SLOListResponse created =
                call(CREATE_SLO, () -> slos.createSLOWithHttpInfo(SloMapping.toCreateRequest(definition)));
        return SloMapping.fromDatadog(only(created, CREATE_SLO));
    }

    @Override
    public SloDefinition readSlo(String id) {
        SLOResponse read = call(
                GET_SLO, () -> slos.getSLOWithHttpInfo(id, new ServiceLevelObjectivesApi.GetSLOOptionalParameters()));
        if (read == null || read.getData() == null) {
            throw new DatadogException(DatadogException.Kind.UNAVAILABLE, GET_SLO + " answered without the SLO");
        }
        return SloMapping.definitionOf(read.getData());
    }

    @Override
    public ManagedSlo updateSlo(String id, SloDefinition definition) {
        SLOListResponse updated =
                call(UPDATE_SLO, () -> slos.updateSLOWithHttpInfo(id, SloMapping.toUpdateRequest(definition)));
        return SloMapping.fromDatadog(only(updated, UPDATE_SLO));
    }

    private static ServiceLevelObjective only(SLOListResponse response, String endpoint) {
        if (response == null || response.getData() == null || response.getData().isEmpty()) {
            throw new DatadogException(DatadogException.Kind.UNAVAILABLE, endpoint + " answered without the SLO");
        }
        return response.getData().get(0);
    }

    @Override
    public void deleteSlo(String id) {
        try {
            call(
                    DELETE_SLO,
                    () -> slos.deleteSLOWithHttpInfo(id, new ServiceLevelObjectivesApi.DeleteSLOOptionalParameters()));
        } catch (DatadogException e) {
            if (e.kind() != DatadogException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public String sloUrl(String id) {
        return appBaseUrl + "/slo?slo_id=" + id;
    }

    @Override
    public List<ManagedDashboard> listDashboards() {
        List<ManagedDashboard> result = new ArrayList<>();
        for (long start = 0; ; start += DASHBOARD_PAGE_SIZE) {
            DashboardsApi.ListDashboardsOptionalParameters params = new DashboardsApi.ListDashboardsOptionalParameters()
                    .filterDeleted(false)
                    .count(DASHBOARD_PAGE_SIZE)
                    .start(start);
            DashboardSummary page = call(LIST_DASHBOARDS, () -> dashboards.listDashboardsWithHttpInfo(params));
            List<DashboardSummaryDefinition> batch =
                    page == null || page.getDashboards() == null ? List.of() : page.getDashboards();
            for (DashboardSummaryDefinition d : batch) {
                result.add(new ManagedDashboard(
                        d.getId(), d.getTitle(), d.getDescription(), d.getUrl(), timeOf(d.getModifiedAt()), null));
            }
            if (batch.size() < DASHBOARD_PAGE_SIZE) {
                return result;
            }
        }
    }

    @Override
    public Optional<JsonNode> readDashboard(String id) {
        try {
            Dashboard dashboard = call(GET_DASHBOARD, () -> dashboards.getDashboardWithHttpInfo(id));
            return Optional.of(json.valueToTree(dashboard));
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public ManagedDashboard createDashboard(DashboardDefinition definition) {
        Dashboard body = toDashboard(definition);
        Dashboard created = call(CREATE_DASHBOARD, () -> dashboards.createDashboardWithHttpInfo(body));
        return new ManagedDashboard(
                created.getId(),
                created.getTitle(),
                created.getDescription(),
                created.getUrl(),
                timeOf(created.getModifiedAt()),
                json.valueToTree(created));
    }

    @Override
    public ManagedDashboard updateDashboard(String id, DashboardDefinition definition) {
        Dashboard body = toDashboard(definition);
        Dashboard updated = call(UPDATE_DASHBOARD, () -> dashboards.updateDashboardWithHttpInfo(id, body));
        return new ManagedDashboard(
                updated.getId(),
                updated.getTitle(),
                updated.getDescription(),
                updated.getUrl(),
                timeOf(updated.getModifiedAt()),
                json.valueToTree(updated));
    }

    private Dashboard toDashboard(DashboardDefinition definition) {
        try {
            return json.treeToValue(definition.body(), Dashboard.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new DatadogException(
                    DatadogException.Kind.REJECTED,
                    "dashboard \"" + definition.title() + "\" does not fit Datadog's dashboard model: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    @Override
    public void deleteDashboard(String id) {
        try {
            call(DELETE_DASHBOARD, () -> dashboards.deleteDashboardWithHttpInfo(id));
        } catch (DatadogException e) {
            if (e.kind() != DatadogException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public String dashboardUrl(String id, Map<String, String> presets) {
        StringBuilder url = new StringBuilder(appBaseUrl).append("/dashboard/").append(id);
        char separator = '?';
        for (Map.Entry<String, String> preset : new TreeMap<>(presets).entrySet()) {
            url.append(separator)
                    .append("tpl_var_")
                    .append(preset.getKey())
                    .append('=')
                    .append(URLEncoder.encode(preset.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return url.toString();
    }

    @Override
    public Map<String, Set<String>> groupsWithData(List<String> queries, String groupTag, Instant from, Instant to) {
        Map<String, String> queryOfName = namedQueries(queries);
        return ScalarGroups.withData(scalarColumns(queryOfName, from, to), groupTag, queryOfName);
    }

    @Override
    public Map<String, List<GroupedValue>> groupedValues(
            List<String> queries, List<String> groupTags, Instant from, Instant to) {
        Map<String, String> queryOfName = namedQueries(queries);
        return ScalarGroups.values(scalarColumns(queryOfName, from, to), groupTags, queryOfName);
    }

    /** The queries by the names they are sent under ({@code q0}, {@code q1}, ...), in order. */
    private static Map<String, String> namedQueries(List<String> queries) {
        Map<String, String> queryOfName = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            queryOfName.put("q" + i, queries.get(i));
        }
        return queryOfName;
    }

    /** One scalar request, each query averaged over the range and its own formula; the answer's columns. */
    private List<ScalarColumn> scalarColumns(Map<String, String> queryOfName, Instant from, Instant to) {
        ScalarFormulaRequestAttributes attributes =
                new ScalarFormulaRequestAttributes().from(from.toEpochMilli()).to(to.toEpochMilli());
        queryOfName.forEach((name, query) -> {
            attributes.addQueriesItem(new ScalarQuery(new MetricsScalarQuery()
                    .dataSource(MetricsDataSource.METRICS)
                    .name(name)
                    .query(query)
                    .aggregator(MetricsAggregator.AVG)));
            attributes.addFormulasItem(new QueryFormula().formula(name));
        });
        ScalarFormulaQueryRequest request = new ScalarFormulaQueryRequest(
                new ScalarFormulaRequest(attributes, ScalarFormulaRequestType.SCALAR_REQUEST));
        ScalarFormulaQueryResponse response = call(QUERY_SCALAR, () -> metrics.queryScalarDataWithHttpInfo(request));
        return response == null
                        || response.getData() == null
                        || response.getData().getAttributes() == null
                        || response.getData().getAttributes().getColumns() == null
                ? List.of()
                : response.getData().getAttributes().getColumns();
    }

    @FunctionalInterface
    private interface HttpCall<T> {
        ApiResponse<T> execute() throws ApiException;
    }

    @Override
    public AuditedChanges auditedChanges(Instant from, Instant to, int limit) {
        AuditLogsSearchEventsRequest request = new AuditLogsSearchEventsRequest()
                .filter(new AuditLogsQueryFilter()
                        .query(AUDITED_ASSETS)
                        .from(String.valueOf(from.toEpochMilli()))
                        .to(String.valueOf(to.toEpochMilli())))
                .page(new AuditLogsQueryPageOptions().limit(limit))
                .sort(AuditLogsSort.TIMESTAMP_DESCENDING);
        AuditLogsEventsResponse response = call(
                SEARCH_AUDIT,
                () -> audit.searchAuditLogsWithHttpInfo(
                        new AuditApi.SearchAuditLogsOptionalParameters().body(request)));
        List<AuditLogsEvent> events = response.getData() == null ? List.of() : response.getData();
        List<AuditedChanges.Change> changes = new ArrayList<>();
        for (AuditLogsEvent event : events) {
            changes.add(new AuditedChanges.Change(event.getId(), assetType(event)));
        }
        return new AuditedChanges(changes, events.size() >= limit);
    }

    /** The event's {@code @asset.type}; null when the event does not say (the caller then re-reads every kind). */
    private static String assetType(AuditLogsEvent event) {
        if (event.getAttributes() == null || event.getAttributes().getAttributes() == null) {
            return null;
        }
        return event.getAttributes().getAttributes().get("asset") instanceof Map<?, ?> asset
                        && asset.get("type") instanceof String type
                ? type
                : null;
    }

    private <T> T call(String endpoint, HttpCall<T> httpCall) {
        if (!configured) {
            throw new DatadogException(
                    DatadogException.Kind.NOT_CONFIGURED,
                    "Datadog keys are not configured: set DD_API_KEY and DD_APP_KEY (Secret mimamori-datadog)");
        }
        String namespace = DatadogCaller.namespace();
        try {
            budget.acquire(endpoint, namespace);
        } catch (DatadogException e) {
            registry.counter("mimamori.datadog.ratelimit.waits", "endpoint", endpoint)
                    .increment();
            throw e;
        }
        try {
            ApiResponse<T> response = httpCall.execute();
            count(endpoint, response.getStatusCode());
            budget.record(endpoint, namespace, response.getStatusCode(), response.getHeaders());
            return response.getData();
        } catch (ApiException e) {
            count(endpoint, e.getCode());
            Duration wait = budget.record(endpoint, namespace, e.getCode(), e.getResponseHeaders());
            if (wait != null && e.getCode() == 429) {
                registry.counter("mimamori.datadog.ratelimit.waits", "endpoint", endpoint)
                        .increment();
            }
            throw DatadogErrors.translate(endpoint, e.getCode(), e.getResponseBody(), wait, e);
        } catch (RuntimeException e) {
            // Timeouts, refused connections and unreadable bodies surface from Jersey as runtime exceptions.
            count(endpoint, 0);
            budget.noAnswer(endpoint);
            throw DatadogErrors.translate(endpoint, 0, null, null, e);
        }
    }

    private static String timeOf(java.time.OffsetDateTime time) {
        return time == null ? null : time.toInstant().toString();
    }

    private void count(String endpoint, int status) {
        registry.counter(
                        "mimamori.datadog.calls",
                        "endpoint",
                        endpoint,
                        "status",
                        status == 0 ? "error" : String.valueOf(status))
                .increment();
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
