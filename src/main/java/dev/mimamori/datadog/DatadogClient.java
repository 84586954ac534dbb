package dev.mimamori.datadog;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.ApiResponse;
import com.datadog.api.client.v1.api.EventsApi;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.model.EventAlertType;
import com.datadog.api.client.v1.model.EventCreateRequest;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.MetricsDataSource;
import com.datadog.api.client.v2.model.MetricsTimeseriesQuery;
import com.datadog.api.client.v2.model.TimeseriesFormulaQueryRequest;
import com.datadog.api.client.v2.model.TimeseriesFormulaQueryResponse;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequest;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequestAttributes;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequestType;
import com.datadog.api.client.v2.model.TimeseriesQuery;
import com.datadog.api.client.v2.model.TimeseriesResponseAttributes;
import dev.mimamori.config.MimamoriConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    private final MonitorsApi monitors;
    private final EventsApi events;
    private final MetricsApi metrics;
    private final boolean configured;
    private final String appBaseUrl;
    private final RateLimitBudget budget = new RateLimitBudget(Clock.systemUTC());
    private final MeterRegistry registry;

    public DatadogClient(MimamoriConfig config, MeterRegistry registry) {
        this.registry = registry;
        MimamoriConfig.Datadog dd = config.datadog();
        this.configured = dd.apiKey().isPresent() && dd.appKey().isPresent();
        ApiClient client = new ApiClient();
        // Our own budget handles 429; the client's retry would sleep the reconcile thread.
        client.enableRetry(false);
        Optional<String> url = dd.url().map(DatadogClient::withoutTrailingSlash);
        client.setServerIndex(null);
        client.setBasePath(url.orElse("https://api." + dd.site()));
        if (configured) {
            client.configureApiKeys(Map.of("apiKeyAuth", dd.apiKey().get(), "appKeyAuth", dd.appKey().get()));
        }
        // Last: the client applies timeouts to its current HTTP client, which other setters may rebuild.
        client.setConnectTimeout((int) dd.connectTimeout().toMillis());
        client.setReadTimeout((int) dd.readTimeout().toMillis());
        this.appBaseUrl = url.orElse(appUrlForSite(dd.site()));
        this.monitors = new MonitorsApi(client);
        this.events = new EventsApi(client);
        this.metrics = new MetricsApi(client);
    }

    /** app.datadoghq.com and app.datadoghq.eu, but us3.datadoghq.com for the regional sites. */
    static String appUrlForSite(String site) {
        return site.chars().filter(c -> c == '.').count() == 1 ? "https://app." + site : "https://" + site;
    }

    @Override
    public List<ManagedMonitor> listMonitors(List<String> monitorTags) {
        List<ManagedMonitor> result = new ArrayList<>();
        String tags = String.join(",", monitorTags);
        for (long page = 0;; page++) {
            MonitorsApi.ListMonitorsOptionalParameters params = new MonitorsApi.ListMonitorsOptionalParameters()
                    .monitorTags(tags).page(page).pageSize(PAGE_SIZE);
            List<Monitor> batch = call(LIST_MONITORS, () -> monitors.listMonitorsWithHttpInfo(params));
            batch.forEach(m -> result.add(MonitorMapping.fromDatadog(m)));
            if (batch.size() < PAGE_SIZE) {
                return result;
            }
        }
    }

    @Override
    public ManagedMonitor createMonitor(MonitorDefinition definition) {
        Monitor created = call(CREATE_MONITOR,
                () -> monitors.createMonitorWithHttpInfo(MonitorMapping.toCreateRequest(definition)));
        return MonitorMapping.fromDatadog(created);
    }

    @Override
    public ManagedMonitor updateMonitor(long id, MonitorDefinition definition) {
        Monitor updated = call(UPDATE_MONITOR,
                () -> monitors.updateMonitorWithHttpInfo(id, MonitorMapping.toUpdateRequest(definition)));
        return MonitorMapping.fromDatadog(updated);
    }

    @Override
    public void deleteMonitor(long id) {
        try {
            call(DELETE_MONITOR, () -> monitors.deleteMonitorWithHttpInfo(id,
                    new MonitorsApi.DeleteMonitorOptionalParameters()));
        } catch (DatadogException e) {
            if (e.kind() != DatadogException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public void postEvent(DatadogEvent event) {
        EventCreateRequest request = new EventCreateRequest().title(event.title()).text(event.text())
                .tags(new ArrayList<>(event.tags())).alertType(EventAlertType.fromValue(event.alertType()))
                .sourceTypeName("kubernetes");
        call(CREATE_EVENT, () -> events.createEventWithHttpInfo(request));
    }

    @Override
    public List<MetricSeries> queryMetrics(List<String> queries, Instant from, Instant to, Duration interval) {
        TimeseriesFormulaRequestAttributes attributes = new TimeseriesFormulaRequestAttributes()
                .from(from.toEpochMilli()).to(to.toEpochMilli()).interval(interval.toMillis());
        for (int i = 0; i < queries.size(); i++) {
            attributes.addQueriesItem(new TimeseriesQuery(new MetricsTimeseriesQuery()
                    .dataSource(MetricsDataSource.METRICS).name("q" + i).query(queries.get(i))));
        }
        TimeseriesFormulaQueryRequest request = new TimeseriesFormulaQueryRequest(
                new TimeseriesFormulaRequest(attributes, TimeseriesFormulaRequestType.TIMESERIES_REQUEST));
        TimeseriesFormulaQueryResponse response = call(QUERY_TIMESERIES,
                () -> metrics.queryTimeseriesDataWithHttpInfo(request));
        return toSeries(queries, response);
    }

    private static List<MetricSeries> toSeries(List<String> queries, TimeseriesFormulaQueryResponse response) {
        TimeseriesResponseAttributes attributes = response.getData() == null ? null
                : response.getData().getAttributes();
        List<Long> times = attributes == null || attributes.getTimes() == null ? List.of() : attributes.getTimes();
        long[] t = times.stream().mapToLong(Long::longValue).toArray();
        List<MetricSeries> result = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            double[] values = new double[t.length];
            Arrays.fill(values, Double.NaN);
            Integer index = seriesIndexOfQuery(attributes, i);
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

    private static Integer seriesIndexOfQuery(TimeseriesResponseAttributes attributes, int queryIndex) {
        if (attributes == null || attributes.getSeries() == null || attributes.getValues() == null) {
            return null;
        }
        for (int s = 0; s < attributes.getSeries().size() && s < attributes.getValues().size(); s++) {
            Long index = attributes.getSeries().get(s).getQueryIndex() == null ? null
                    : attributes.getSeries().get(s).getQueryIndex().longValue();
            if (index != null && index == queryIndex) {
                return s;
            }
        }
        return null;
    }

    @Override
    public String monitorUrl(long id) {
        return appBaseUrl + "/monitors/" + id;
    }

    @FunctionalInterface
    private interface HttpCall<T> {
        ApiResponse<T> execute() throws ApiException;
    }

    private <T> T call(String endpoint, HttpCall<T> httpCall) {
        if (!configured) {
            throw new DatadogException(DatadogException.Kind.NOT_CONFIGURED,
                    "Datadog keys are not configured: set DD_API_KEY and DD_APP_KEY (Secret mimamori-datadog)");
        }
        try {
            budget.checkAvailable(endpoint);
        } catch (DatadogException e) {
            registry.counter("mimamori.datadog.ratelimit.waits", "endpoint", endpoint).increment();
            throw e;
        }
        try {
            ApiResponse<T> response = httpCall.execute();
            count(endpoint, response.getStatusCode());
            budget.record(endpoint, response.getStatusCode(), response.getHeaders());
            return response.getData();
        } catch (ApiException e) {
            count(endpoint, e.getCode());
            Duration wait = budget.record(endpoint, e.getCode(), e.getResponseHeaders());
            if (wait != null && e.getCode() == 429) {
                registry.counter("mimamori.datadog.ratelimit.waits", "endpoint", endpoint).increment();
            }
            throw DatadogErrors.translate(endpoint, e.getCode(), e.getResponseBody(), wait, e);
        } catch (RuntimeException e) {
            // Timeouts, refused connections and unreadable bodies surface from Jersey as runtime exceptions.
            count(endpoint, 0);
            throw DatadogErrors.translate(endpoint, 0, null, null, e);
        }
    }

    private void count(String endpoint, int status) {
        registry.counter("mimamori.datadog.calls", "endpoint", endpoint, "status",
                status == 0 ? "error" : String.valueOf(status)).increment();
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
