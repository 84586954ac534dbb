package dev.mimamori.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.EventsApi;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.api.MonitorsApi.ListMonitorsOptionalParameters;
import com.datadog.api.client.v1.model.EventAlertType;
import com.datadog.api.client.v1.model.EventCreateRequest;
import com.datadog.api.client.v1.model.EventCreateResponse;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorOptions;
import com.datadog.api.client.v1.model.MonitorOverallStates;
import com.datadog.api.client.v1.model.MonitorThresholds;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v1.model.MonitorUpdateRequest;
import com.datadog.api.client.v2.api.MetricsApi;
import com.datadog.api.client.v2.model.MetricsDataSource;
import com.datadog.api.client.v2.model.MetricsTimeseriesQuery;
import com.datadog.api.client.v2.model.QueryFormula;
import com.datadog.api.client.v2.model.TimeseriesFormulaQueryRequest;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequest;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequestAttributes;
import com.datadog.api.client.v2.model.TimeseriesFormulaRequestType;
import com.datadog.api.client.v2.model.TimeseriesQuery;
import com.datadog.api.client.v2.model.TimeseriesResponseAttributes;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.ProcessingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the simulator through the real datadog-api-client, configured as the operator does. */
class DatadogSimulatorTest {

    private static final String MANAGED = "managed-by:mimamori";

    // One simulator and client for the class: building a Jersey client takes a few hundred ms.
    private static DatadogSimulator sim;
    private static ApiClient client;
    private static MonitorsApi monitorsApi;

    @BeforeAll
    static void start() {
        sim = new DatadogSimulator().start();
        client = clientWithKeys(sim.apiKey(), sim.appKey());
        monitorsApi = new MonitorsApi(client);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clear();
    }

    private static ApiClient clientWithKeys(String apiKey, String appKey) {
        ApiClient c = new ApiClient();
        c.setServerIndex(null);
        c.setBasePath(sim.url());
        c.configureApiKeys(Map.of("apiKeyAuth", apiKey, "appKeyAuth", appKey));
        return c;
    }

    private static Monitor latencyMonitor(String service, double threshold) {
        return new Monitor()
                .name("p95 latency of " + service)
                .type(MonitorType.QUERY_ALERT)
                .query("avg(last_5m):p95:trace.http.request{service:" + service + ",env:prod} > " + threshold)
                .message("Latency is high @slack-oncall")
                .tags(List.of(MANAGED, "service:" + service))
                .options(new MonitorOptions().thresholds(new MonitorThresholds().critical(threshold)));
    }

    @Test
    void createAnswersDatadogShapeWithDefaultsFilledIn() throws ApiException {
        Monitor created = monitorsApi.createMonitor(latencyMonitor("checkout", 0.5));

        assertTrue(created.getId() >= SimulatedMonitors.FIRST_ID);
        assertNotNull(created.getCreated());
        assertEquals(created.getCreated(), created.getModified());
        assertEquals("simulator@example.com", created.getCreator().getHandle());
        assertEquals(MonitorOverallStates.NO_DATA, created.getOverallState());
        assertFalse(created.getMulti());
        assertEquals(0.5, created.getOptions().getThresholds().getCritical());
        // Defaults Datadog adds server-side, which the operator must not take for drift.
        assertEquals(Boolean.FALSE, created.getOptions().getNotifyNoData());
        assertEquals(Boolean.FALSE, created.getOptions().getNotifyAudit());
        assertEquals(Boolean.TRUE, created.getOptions().getIncludeTags());

        ObjectNode stored = sim.monitor(created.getId());
        assertTrue(stored.path("options").path("silenced").isObject());
        assertEquals(300, stored.path("options").path("new_host_delay").asInt());
        assertTrue(stored.get("deleted").isNull());
        assertTrue(stored.get("restricted_roles").isNull());
        assertTrue(
                stored.get("created").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00"));
        assertEquals(1, sim.calls(DatadogSimulator.CREATE_MONITOR));
        assertEquals(1, sim.writeCalls());
    }

    @Test
    void criticalThresholdIsTakenFromQueryWhenNoThresholdsAreSent() throws ApiException {
        Monitor created = monitorsApi.createMonitor(new Monitor()
                .name("cpu")
                .type(MonitorType.METRIC_ALERT)
                .query("avg(last_5m):avg:system.cpu.user{env:prod} by {host} > 90"));

        assertEquals(90.0, created.getOptions().getThresholds().getCritical());
        assertTrue(created.getMulti());
    }

    @Test
    void listFiltersByAllMonitorTagsAndPagesById() throws ApiException {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(monitorsApi.createMonitor(latencyMonitor("svc" + i, 1)).getId());
        }
        long unmanaged = sim.putMonitor(unmanagedMonitor());

        List<Long> seen = new ArrayList<>();
        for (long page = 0; ; page++) {
            List<Monitor> batch = monitorsApi.listMonitors(new ListMonitorsOptionalParameters()
                    .monitorTags(MANAGED)
                    .page(page)
                    .pageSize(3));
            batch.forEach(m -> seen.add(m.getId()));
            if (batch.size() < 3) {
                break;
            }
        }
        assertEquals(ids, seen);
        assertFalse(seen.contains(unmanaged));
        assertEquals(3, sim.listCalls());

        List<Monitor> both =
                monitorsApi.listMonitors(new ListMonitorsOptionalParameters().monitorTags(MANAGED + ",service:svc4"));
        assertEquals(1, both.size());
        assertEquals("p95 latency of svc4", both.get(0).getName());

        List<Monitor> all = monitorsApi.listMonitors();
        assertEquals(8, all.size());
        List<Monitor> afterOffset = monitorsApi.listMonitors(new ListMonitorsOptionalParameters().idOffset(ids.get(4)));
        assertEquals(3, afterOffset.size()); // ids 6 and 7, and the unmanaged one

        int paginated = 0;
        for (Monitor ignored : monitorsApi.listMonitorsWithPagination(
                new ListMonitorsOptionalParameters().monitorTags(MANAGED).pageSize(2))) {
            paginated++;
        }
        assertEquals(7, paginated);

        ApiException tooBig = assertThrows(
                ApiException.class,
                () -> monitorsApi.listMonitors(
                        new ListMonitorsOptionalParameters().page(0L).pageSize(1001)));
        assertEquals(400, tooBig.getCode());
    }

    @Test
    void updateReplacesOnlyGivenFieldsAndMovesModified() throws ApiException {
        sim.setClock(Clock.fixed(Instant.parse("2024-03-01T10:00:00Z"), ZoneOffset.UTC));
        Monitor created = monitorsApi.createMonitor(latencyMonitor("checkout", 0.5));
        sim.setClock(Clock.fixed(Instant.parse("2024-03-01T10:05:00Z"), ZoneOffset.UTC));

        Monitor updated = monitorsApi.updateMonitor(created.getId(), new MonitorUpdateRequest().message("new message"));

        assertEquals("new message", updated.getMessage());
        assertEquals(created.getName(), updated.getName());
        assertEquals(created.getQuery(), updated.getQuery());
        assertEquals(created.getCreated(), updated.getCreated());
        assertEquals(
                Instant.parse("2024-03-01T10:05:00Z"), updated.getModified().toInstant());
        assertEquals(
                created.getOptions().getThresholds().getCritical(),
                updated.getOptions().getThresholds().getCritical());

        ApiException mismatch = assertThrows(
                ApiException.class,
                () -> monitorsApi.updateMonitor(
                        created.getId(),
                        new MonitorUpdateRequest()
                                .query("avg(last_5m):p95:trace.http.request{service:checkout,env:prod} > 0.7")));
        assertEquals(400, mismatch.getCode());
        assertEquals("new message", sim.monitor(created.getId()).get("message").asText());
    }

    @Test
    void deletedMonitorAnswers404() throws ApiException {
        Monitor created = monitorsApi.createMonitor(latencyMonitor("checkout", 0.5));

        assertEquals(created.getId(), monitorsApi.deleteMonitor(created.getId()).getDeletedMonitorId());

        ApiException get = assertThrows(ApiException.class, () -> monitorsApi.getMonitor(created.getId()));
        assertEquals(404, get.getCode());
        assertEquals("{\"errors\":[\"Monitor not found\"]}", get.getResponseBody());
        ApiException again = assertThrows(ApiException.class, () -> monitorsApi.deleteMonitor(created.getId()));
        assertEquals(404, again.getCode());
        ApiException update = assertThrows(
                ApiException.class,
                () -> monitorsApi.updateMonitor(created.getId(), new MonitorUpdateRequest().name("x")));
        assertEquals(404, update.getCode());
    }

    @Test
    void tagsAreStoredLowerCasedAndCutAt200CharactersAsDatadogDoes() throws ApiException {
        String longTag = "mimamori-owner:ns/" + "A".repeat(250);
        Monitor created = monitorsApi.createMonitor(
                latencyMonitor("checkout", 0.5).tags(List.of("Service:Checkout", "team:a b", longTag)));

        assertEquals(
                List.of("service:checkout", "team:a_b", ("mimamori-owner:ns/" + "a".repeat(250)).substring(0, 200)),
                created.getTags());
        assertEquals(created.getTags(), monitorsApi.getMonitor(created.getId()).getTags());
    }

    @Test
    void validateAcceptsGoodDefinitionsAndRejectsThresholdMismatch() throws ApiException {
        assertEquals(Map.of(), monitorsApi.validateMonitor(latencyMonitor("checkout", 0.5)));

        Monitor mismatch = latencyMonitor("checkout", 0.5)
                .options(new MonitorOptions().thresholds(new MonitorThresholds().critical(0.6)));
        ApiException e = assertThrows(ApiException.class, () -> monitorsApi.validateMonitor(mismatch));
        assertEquals(400, e.getCode());
        assertTrue(e.getResponseBody().contains("does not match that used in the query"), e.getResponseBody());

        Monitor unresolved = latencyMonitor("${service}", 0.5);
        assertEquals(
                400,
                assertThrows(ApiException.class, () -> monitorsApi.validateMonitor(unresolved))
                        .getCode());
        Monitor unbalanced =
                latencyMonitor("checkout", 0.5).query("avg(last_5m:p95:trace.http.request{service:checkout} > 0.5");
        assertEquals(
                400,
                assertThrows(ApiException.class, () -> monitorsApi.validateMonitor(unbalanced))
                        .getCode());

        assertEquals(0, sim.writeCalls());
        assertEquals(4, sim.calls(DatadogSimulator.VALIDATE_MONITOR));
        assertTrue(sim.monitors().isEmpty());
    }

    @Test
    void wrongOrRevokedKeysAnswer403() throws ApiException {
        MonitorsApi wrong = new MonitorsApi(clientWithKeys(sim.apiKey(), "not-the-app-key"));
        ApiException e = assertThrows(ApiException.class, wrong::listMonitors);
        assertEquals(403, e.getCode());
        assertEquals("{\"errors\":[\"Forbidden\"]}", e.getResponseBody());

        monitorsApi.listMonitors();
        sim.revokeKeys();
        assertEquals(
                403, assertThrows(ApiException.class, monitorsApi::listMonitors).getCode());

        for (CallLog.Call call : sim.requests()) {
            assertFalse(call.toString().contains(DatadogSimulator.DEFAULT_API_KEY));
            assertFalse(call.toString().contains(DatadogSimulator.DEFAULT_APP_KEY));
        }
    }

    @Test
    void rateLimitHeadersAreVisibleOn429() throws Exception {
        sim.setRateLimit(DatadogSimulator.GET_MONITOR, 2, 60);
        sim.awaitRoomInWindow(DatadogSimulator.GET_MONITOR, Duration.ofSeconds(10));
        long id = monitorsApi.createMonitor(latencyMonitor("checkout", 0.5)).getId();

        monitorsApi.getMonitor(id);
        monitorsApi.getMonitor(id);
        ApiException limited = assertThrows(ApiException.class, () -> monitorsApi.getMonitor(id));
        assertEquals(429, limited.getCode());
        Map<String, List<String>> headers = limited.getResponseHeaders();
        assertEquals(List.of("2"), headers.get("x-ratelimit-limit"));
        assertEquals(List.of("60"), headers.get("x-ratelimit-period"));
        assertEquals(List.of("0"), headers.get("x-ratelimit-remaining"));
        assertEquals(List.of("monitor_get"), headers.get("x-ratelimit-name"));
        int reset = Integer.parseInt(headers.get("x-ratelimit-reset").get(0));
        assertTrue(reset > 0 && reset <= 60, "reset " + reset);

        sim.rateLimitNext(DatadogSimulator.LIST_MONITORS, 1, 7);
        ApiException injected = assertThrows(ApiException.class, monitorsApi::listMonitors);
        assertEquals(429, injected.getCode());
        assertEquals(List.of("7"), injected.getResponseHeaders().get("x-ratelimit-reset"));
        assertEquals(List.of("0"), injected.getResponseHeaders().get("x-ratelimit-remaining"));
        assertEquals(1, monitorsApi.listMonitors().size());
    }

    @Test
    void injectedFaultsOutageAndMalformedBodies() throws ApiException {
        sim.failNext(DatadogSimulator.ANY, 2, 503);
        assertEquals(
                503, assertThrows(ApiException.class, monitorsApi::listMonitors).getCode());
        assertEquals(
                503,
                assertThrows(ApiException.class, () -> monitorsApi.createMonitor(latencyMonitor("a", 1)))
                        .getCode());
        assertEquals(1, sim.listCalls());
        assertTrue(sim.monitors().isEmpty());

        sim.malformedNext(DatadogSimulator.LIST_MONITORS, 1);
        // The client does not wrap unreadable bodies in ApiException.
        assertThrows(ProcessingException.class, monitorsApi::listMonitors);

        sim.setOutage(true);
        assertEquals(
                503, assertThrows(ApiException.class, monitorsApi::listMonitors).getCode());
        sim.setOutage(false);
        assertEquals(0, monitorsApi.listMonitors().size());

        List<Integer> statuses =
                sim.requests().stream().map(CallLog.Call::status).toList();
        assertEquals(List.of(503, 503, 200, 503, 200), statuses);
    }

    @Test
    void latencyTripsTheClientReadTimeout() {
        client.setReadTimeout(200);
        sim.setLatency(Duration.ofMillis(1000));
        try {
            ProcessingException e = assertThrows(ProcessingException.class, monitorsApi::listMonitors);
            assertTrue(e.getCause() instanceof java.net.SocketTimeoutException, String.valueOf(e.getCause()));
        } finally {
            client.setReadTimeout(0);
        }
    }

    @Test
    void timeseriesFollowsScriptWithMissingPointsAndLateData() throws ApiException {
        Instant now = Instant.parse("2024-01-01T00:10:00Z");
        sim.setClock(Clock.fixed(now, ZoneOffset.UTC));
        long missing = Instant.parse("2024-01-01T00:03:00Z").toEpochMilli();
        sim.scriptMetric("1.4.0", t -> t == missing ? null : 200.0);
        sim.setDataLatency(Duration.ofMinutes(2));
        sim.setIncompleteLastBucketFactor(0.5);

        TimeseriesFormulaQueryRequest request = new TimeseriesFormulaQueryRequest()
                .data(new TimeseriesFormulaRequest()
                        .type(TimeseriesFormulaRequestType.TIMESERIES_REQUEST)
                        .attributes(new TimeseriesFormulaRequestAttributes()
                                .from(now.minus(Duration.ofMinutes(10)).toEpochMilli())
                                .to(now.toEpochMilli())
                                .interval(60_000L)
                                .queries(List.of(
                                        query("query1", "p95:trace.http.request{service:checkout,version:1.4.0}"),
                                        query("query2", "p95:trace.http.request{service:checkout,version:1.3.9}")))
                                .formulas(List.of(
                                        new QueryFormula().formula("query1"), new QueryFormula().formula("query2")))));
        TimeseriesResponseAttributes answer =
                new MetricsApi(client).queryTimeseriesData(request).getData().getAttributes();

        // Buckets 00:00 .. 00:08; 00:09 starts after now minus the 2 minute latency.
        assertEquals(9, answer.getTimes().size());
        assertEquals(
                Instant.parse("2024-01-01T00:00:00Z").toEpochMilli(),
                answer.getTimes().get(0));
        // Only version 1.4.0 is scripted, so one series, for formula 0.
        assertEquals(1, answer.getSeries().size());
        assertEquals(0, answer.getSeries().get(0).getQueryIndex());
        List<Double> values = answer.getValues().get(0);
        assertNull(values.get(3));
        assertEquals(200.0, values.get(2));
        assertEquals(100.0, values.get(8));
    }

    private static TimeseriesFormulaQueryRequest timeseries(Instant now, List<String> formulas, String... queries) {
        List<TimeseriesQuery> named = new ArrayList<>();
        for (int i = 0; i < queries.length; i++) {
            named.add(query("q" + i, queries[i]));
        }
        return new TimeseriesFormulaQueryRequest()
                .data(new TimeseriesFormulaRequest()
                        .type(TimeseriesFormulaRequestType.TIMESERIES_REQUEST)
                        .attributes(new TimeseriesFormulaRequestAttributes()
                                .from(now.minus(Duration.ofMinutes(3)).toEpochMilli())
                                .to(now.toEpochMilli())
                                .interval(60_000L)
                                .queries(named)
                                .formulas(formulas.stream()
                                        .map(f -> new QueryFormula().formula(f))
                                        .toList())));
    }

    /** What Datadog answers (argo-rollouts#2813) when a metrics query holds more than one metric. */
    private static final String FUNCTIONS_REFUSED =
            "{\"errors\":[\"Functions are not supported in metrics data source field. Use the formulas payload.\"]}";

    @Test
    void arithmeticConstantsAndFunctionsInAMetricsQueryAreRefusedAsDatadogDoes() {
        Instant now = Instant.parse("2024-01-01T00:10:00Z");
        sim.setClock(Clock.fixed(now, ZoneOffset.UTC));
        sim.scriptMetrics((q, t) -> 1.0);
        MetricsApi api = new MetricsApi(client);
        for (String refused : List.of(
                "sum:trace.http.request.errors{service:a}.as_count() / sum:trace.http.request.hits{service:a}.as_count()",
                "p95:trace.http.request{service:a,version:1.0} * 1000",
                "100 * avg:system.cpu.user{*}",
                "avg:system.cpu.user{*} - avg:system.cpu.idle{*}",
                "abs(avg:system.cpu.user{*})",
                "per_second(sum:requests{*}.as_count())")) {
            ApiException e = assertThrows(
                    ApiException.class,
                    () -> api.queryTimeseriesData(timeseries(now, List.of("q0"), refused)),
                    refused);
            assertEquals(400, e.getCode(), refused);
            assertEquals(FUNCTIONS_REFUSED, e.getResponseBody().strip(), refused);
        }
        ApiException garbled = assertThrows(
                ApiException.class,
                () -> api.queryTimeseriesData(timeseries(now, List.of("q0"), "avg:system.cpu.user")));
        assertEquals(400, garbled.getCode());
        assertTrue(garbled.getResponseBody().contains("Error parsing query"), garbled.getResponseBody());
    }

    @Test
    void modifiersAndGroupingStayOnTheMetricQuery() throws ApiException {
        Instant now = Instant.parse("2024-01-01T00:10:00Z");
        sim.setClock(Clock.fixed(now, ZoneOffset.UTC));
        sim.scriptMetrics((q, t) -> 2.0);
        TimeseriesResponseAttributes answer = new MetricsApi(client)
                .queryTimeseriesData(timeseries(
                        now,
                        List.of("q0", "q1", "q2", "q3"),
                        "sum:trace.http.request.hits{service:a,env:prod}.as_count()",
                        "sum:trace.http.request.hits{service:a AND (env:prod OR env:staging)} by {version}.as_rate()",
                        "sum:requests{*}.as_count().rollup(sum, 60)",
                        "p99.9:trace.http.request{service:a}.fill(zero)"))
                .getData()
                .getAttributes();

        assertEquals(4, answer.getSeries().size());
    }

    @Test
    void formulasAreEvaluatedOverTheNamedQueriesBucketByBucket() throws ApiException {
        Instant now = Instant.parse("2024-01-01T00:10:00Z");
        sim.setClock(Clock.fixed(now, ZoneOffset.UTC));
        long third = Instant.parse("2024-01-01T00:09:00Z").toEpochMilli();
        sim.scriptMetrics((q, t) -> q.contains(".errors{")
                ? Double.valueOf(3.0)
                : q.contains(".hits{") ? (t == third ? null : Double.valueOf(600.0)) : Double.valueOf(0.25));
        TimeseriesResponseAttributes answer = new MetricsApi(client)
                .queryTimeseriesData(timeseries(
                        now,
                        List.of("q0 / q1", "q2 * 1000", "(q0 + q1) / 2 - -1", "q0 / (q1 - q1)"),
                        "sum:trace.http.request.errors{service:a}.as_count()",
                        "sum:trace.http.request.hits{service:a}.as_count()",
                        "p95:trace.http.request{service:a}"))
                .getData()
                .getAttributes();

        assertEquals(3, answer.getTimes().size());
        // One series per formula with data; query_index is the formula's place.
        assertEquals(
                List.of(0, 1, 2),
                answer.getSeries().stream().map(x -> x.getQueryIndex()).toList());
        assertEquals(Arrays.asList(0.005, 0.005, null), answer.getValues().get(0));
        assertEquals(List.of(250.0, 250.0, 250.0), answer.getValues().get(1));
        assertEquals(Arrays.asList(302.5, 302.5, null), answer.getValues().get(2));
    }

    @Test
    void aFormulaNamingAnUnknownQueryOrFunctionIsRefused() {
        Instant now = Instant.parse("2024-01-01T00:10:00Z");
        sim.setClock(Clock.fixed(now, ZoneOffset.UTC));
        MetricsApi api = new MetricsApi(client);
        ApiException unknown = assertThrows(
                ApiException.class, () -> api.queryTimeseriesData(timeseries(now, List.of("q0 / q1"), "avg:a{*}")));
        assertEquals(400, unknown.getCode());
        assertTrue(unknown.getResponseBody().contains("unknown query 'q1'"), unknown.getResponseBody());
        ApiException duplicate = assertThrows(
                ApiException.class,
                () -> api.queryTimeseriesData(new TimeseriesFormulaQueryRequest()
                        .data(new TimeseriesFormulaRequest()
                                .type(TimeseriesFormulaRequestType.TIMESERIES_REQUEST)
                                .attributes(new TimeseriesFormulaRequestAttributes()
                                        .from(now.minusSeconds(60).toEpochMilli())
                                        .to(now.toEpochMilli())
                                        .queries(List.of(query("a", "avg:a{*}"), query("a", "avg:b{*}")))
                                        .formulas(List.of(new QueryFormula().formula("a")))))));
        assertTrue(duplicate.getResponseBody().contains("Duplicate query name 'a'"), duplicate.getResponseBody());
    }

    private static TimeseriesQuery query(String name, String query) {
        return new TimeseriesQuery(new MetricsTimeseriesQuery()
                .dataSource(MetricsDataSource.METRICS)
                .name(name)
                .query(query));
    }

    @Test
    void eventsAreStoredAndEchoed() throws ApiException {
        EventCreateResponse response = new EventsApi(client)
                .createEvent(new EventCreateRequest()
                        .title("Rollout of checkout 1.4.0 passed the gate")
                        .text("p95 within 5% of baseline")
                        .tags(List.of("service:checkout", "version:1.4.0"))
                        .alertType(EventAlertType.SUCCESS));

        assertEquals("ok", response.getStatus());
        assertNotNull(response.getEvent().getId());
        assertTrue(response.getEvent()
                .getUrl()
                .endsWith("id=" + response.getEvent().getId()));
        assertEquals(1, sim.events().size());
        assertEquals("success", sim.events().get(0).get("alert_type").asText());
        assertEquals(1, sim.calls(DatadogSimulator.CREATE_EVENT));
    }

    @Test
    void anEventOverDatadogsPublishedLengthLimitsIsRefusedAndNotStored() throws ApiException {
        EventsApi events = new EventsApi(client);
        ApiException longText = assertThrows(
                ApiException.class,
                () -> events.createEvent(
                        new EventCreateRequest().title("Release check passed").text("x".repeat(4001))));
        assertEquals(400, longText.getCode());
        ApiException longKey = assertThrows(
                ApiException.class,
                () -> events.createEvent(new EventCreateRequest()
                        .title("Release check passed")
                        .text("ok")
                        .aggregationKey("k".repeat(101))));
        assertEquals(400, longKey.getCode());
        assertEquals(0, sim.events().size());

        events.createEvent(new EventCreateRequest().title("t".repeat(300)).text("x".repeat(4000)));
        assertEquals(1, sim.events().size(), "a long title and a text of exactly 4,000 characters are accepted");
    }

    @Test
    void outOfBandEditsAndDeletesAreSeenByTheClient() throws ApiException {
        Monitor created = monitorsApi.createMonitor(latencyMonitor("checkout", 0.5));

        ObjectNode edited = sim.editMonitor(created.getId(), m -> m.put("message", "edited in the UI"));
        Monitor read = monitorsApi.getMonitor(created.getId());
        assertEquals("edited in the UI", read.getMessage());
        assertTrue(read.getModified().isAfter(created.getModified()));
        assertEquals(
                edited.get("modified").asText(),
                sim.monitor(created.getId()).get("modified").asText());
        assertEquals(1, sim.monitorsTagged(MANAGED, "service:checkout").size());

        assertTrue(sim.deleteMonitor(created.getId()));
        assertEquals(
                404,
                assertThrows(ApiException.class, () -> monitorsApi.getMonitor(created.getId()))
                        .getCode());
        assertNull(sim.monitor(created.getId()));

        long seeded = sim.putMonitor(unmanagedMonitor());
        assertEquals("Legacy disk monitor", monitorsApi.getMonitor(seeded).getName());
        assertTrue(seeded > created.getId());
    }

    @Test
    void modifiedMovesForwardEvenWithAFrozenClock() throws ApiException {
        sim.setClock(Clock.fixed(Instant.parse("2024-03-01T10:00:00Z"), ZoneOffset.UTC));
        long id = monitorsApi.createMonitor(latencyMonitor("checkout", 0.5)).getId();

        sim.editMonitor(id, m -> m.put("name", "first edit"));
        sim.editMonitor(id, m -> m.put("name", "second edit"));

        Monitor read = monitorsApi.getMonitor(id);
        assertEquals(
                Instant.parse("2024-03-01T10:00:00.002Z"), read.getModified().toInstant());
    }

    @Test
    void concurrentCreatesGetDistinctIds() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> ids = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String service = "svc" + i;
                ids.add(pool.submit(() ->
                        monitorsApi.createMonitor(latencyMonitor(service, 1)).getId()));
            }
            Set<Long> distinct = new HashSet<>();
            for (Future<Long> id : ids) {
                distinct.add(id.get());
            }
            assertEquals(80, distinct.size());
            assertEquals(80, sim.monitors().size());
            assertEquals(80, sim.writeCalls());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMonitorATestCanSeeIsCountedByTheTimeItReadsTheCounts() throws Exception {
        // The clock holds the request at its first reading after the monitor exists (the audit entry, then the log
        // entry, both after the change): the moment a test could see the monitor while the write count lacked it.
        CountDownLatch betweenChangeAndLog = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sim.setClock(new Clock() {
            @Override
            public Instant instant() {
                if (!Thread.holdsLock(sim.monitors) && !sim.monitors.snapshot().isEmpty()) {
                    betweenChangeAndLog.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return Instant.now();
            }

            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Monitor> create = pool.submit(() -> monitorsApi.createMonitor(latencyMonitor("checkout", 1)));
            assertTrue(betweenChangeAndLog.await(30, TimeUnit.SECONDS), "the create reached the simulator");
            assertEquals(1, sim.monitors().size(), "the monitor is visible");
            Future<Integer> writes = pool.submit(sim::writeCalls);
            while (!writes.isDone() && !sim.answering.hasQueuedThreads()) {
                Thread.onSpinWait();
            }
            assertFalse(writes.isDone(), "the count waits for the request that changed the state to be logged");
            release.countDown();
            assertEquals(1, writes.get());
            assertNotNull(create.get().getId());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void clearForgetsStateButKeepsServing() throws ApiException {
        monitorsApi.createMonitor(latencyMonitor("checkout", 0.5));
        sim.failNext(DatadogSimulator.ANY, 5, 500);
        sim.clear();

        assertEquals(0, sim.totalCalls());
        assertEquals(0, sim.pendingFaults());
        assertEquals(0, monitorsApi.listMonitors().size());
        assertEquals(1, sim.totalCalls());
    }

    private static ObjectNode unmanagedMonitor() {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("name", "Legacy disk monitor");
        m.put("type", "metric alert");
        m.put("query", "avg(last_5m):avg:system.disk.in_use{*} by {host} > 0.9");
        m.putArray("tags").add("team:storage");
        return m;
    }
}
