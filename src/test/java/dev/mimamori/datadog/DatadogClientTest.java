package dev.mimamori.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.sync.MonitorKind;
import dev.mimamori.sync.Ownership;
import dev.mimamori.sync.SloKind;
import dev.mimamori.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our Datadog client over real HTTP against the simulator: paging, error classification and the rate budget. */
class DatadogClientTest {
    static DatadogSimulator sim;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        sim = new DatadogSimulator().start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clear();
    }

    static DatadogClient client(String apiKey, String appKey) {
        return new DatadogClient(
                new TestConfig(sim.url(), apiKey, appKey, Duration.ofSeconds(1)), new SimpleMeterRegistry());
    }

    static DatadogClient client() {
        return client("test-api-key", "test-app-key");
    }

    static MonitorDefinition definition(String owner, String template, double threshold) {
        List<String> tags = new ArrayList<>(Ownership.tags("c1", owner, MonitorKind.NAME_TAG, template));
        return new MonitorDefinition(
                "t " + template,
                "query alert",
                "avg(last_5m):avg:x{service:a} > " + threshold,
                "msg {{value}}",
                3,
                tags,
                new TreeMap<>(Map.of("critical", threshold)),
                MonitorSettings.NONE);
    }

    @Test
    void groupedPresenceQueriesNameEveryServiceWithDataPerMetricInOneRequest() {
        for (String service : List.of("shop", "legacy", "go-api")) {
            ObjectNode m = JSON.createObjectNode()
                    .put("name", service)
                    .put("type", "query alert")
                    .put("query", "avg(last_5m):avg:x{*} > 1")
                    .put("message", "m");
            m.putArray("tags").add("service:" + service).add("env:prod");
            sim.putMonitor(m);
        }
        sim.emitTraceOperations("shop", "prod", "servlet.request", "http.request");
        sim.silenceMetrics("legacy", "prod", "kubernetes.");
        java.time.Instant now = sim.clock().instant();
        List<String> queries = List.of(
                "avg:trace.servlet.request.hits{env:prod} by {service}",
                "avg:trace.http.request.hits{env:prod} by {service}",
                "avg:kubernetes.containers.restarts{env:prod} by {service}",
                "avg:trace.servlet.request.hits{env:staging} by {service}");
        int before = sim.callCounts().getOrDefault(DatadogSimulator.QUERY_SCALAR, 0);

        Map<String, java.util.Set<String>> groups =
                client().groupsWithData(queries, "service", now.minus(Duration.ofHours(1)), now);

        assertThat(sim.callCounts().get(DatadogSimulator.QUERY_SCALAR) - before).isEqualTo(1);
        assertThat(groups.get(queries.get(0))).containsExactly("shop");
        assertThat(groups.get(queries.get(1))).containsExactlyInAnyOrder("shop", "legacy", "go-api");
        assertThat(groups.get(queries.get(2))).containsExactlyInAnyOrder("shop", "go-api");
        assertThat(groups.get(queries.get(3))).isEmpty();
    }

    @Test
    void listingReadsEveryManagedMonitorWithOneCallPerThousand() {
        for (int i = 0; i < 2500; i++) {
            ObjectNode m = JSON.createObjectNode()
                    .put("name", "m" + i)
                    .put("type", "query alert")
                    .put("query", "avg(last_5m):avg:x{*} > 1")
                    .put("message", "m");
            m.putArray("tags")
                    .add("managed-by:mimamori")
                    .add("mimamori-cluster:" + (i % 5 == 0 ? "other" : "c1"))
                    .add("mimamori-owner:ns/s" + (i % 7))
                    .add("mimamori-monitor:t" + i);
            sim.putMonitor(m);
        }
        List<ManagedMonitor> listed =
                client().listMonitors(List.of(Ownership.MANAGED_BY_US, Ownership.CLUSTER + ":c1"));

        assertThat(listed).hasSize(2000);
        assertThat(sim.listCalls()).isEqualTo(3);
        assertThat(sim.requests()).allSatisfy(r -> {
            assertThat(r.query())
                    .containsEntry("page_size", List.of("1000"))
                    .containsEntry("monitor_tags", List.of("managed-by:mimamori,mimamori-cluster:c1"));
        });
    }

    @Test
    void releasingAMonitorSendsOnlyItsTagsAndDatadogKeepsTheRest() {
        DatadogClient client = client();
        MonitorKind kind = new MonitorKind(client, "c1");
        ManagedMonitor created = client.createMonitor(definition("ns/a", "latency", 400));
        ObjectNode before = sim.monitor(created.id()).deepCopy();
        sim.resetCounts();

        kind.release(created);

        assertThat(sim.requests()).singleElement().satisfies(put -> {
            assertThat(put.key()).isEqualTo(DatadogSimulator.UPDATE_MONITOR);
            // The client's model always sends draft_status (published, as every monitor we make).
            assertThat(put.body().fieldNames()).toIterable().containsExactlyInAnyOrder("tags", "draft_status");
        });
        ObjectNode after = sim.monitor(created.id());
        for (String field : List.of("name", "type", "query", "message", "priority", "options")) {
            assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
        }
        assertThat(after.get("tags")).extracting(JsonNode::asText).contains("mimamori-owner:ns/a");
        assertThat(after.get("tags")).extracting(JsonNode::asText).doesNotContain(Ownership.MANAGED_BY_US);
    }

    @Test
    void releasingAnSloReadsItAndWritesItBackWholeWithoutTheManagedTag() {
        DatadogClient client = client();
        SloKind kind = new SloKind(client, "c1");
        SloDefinition wanted = new SloDefinition(
                "availability of a",
                "good over all",
                Ownership.tags("c1", "ns/a", SloKind.NAME_TAG, "availability"),
                "30d",
                99.9,
                99.95,
                "sum:good{service:a}.as_count()",
                "sum:all{service:a}.as_count()");
        ManagedSlo created = client.createSlo(wanted);
        sim.resetCounts();

        kind.release(created);

        assertThat(sim.calls(DatadogSimulator.GET_SLO)).isEqualTo(1);
        assertThat(sim.calls(DatadogSimulator.UPDATE_SLO)).isEqualTo(1);
        ManagedSlo after = client.listSlos(Ownership.ownerTag("ns/a")).get(0);
        assertThat(after.tags()).contains("mimamori-owner:ns/a").doesNotContain(Ownership.MANAGED_BY_US);
        assertThat(kind.ownership(after)).isEmpty();
        assertThat(wanted.withTags(after.tags()).isSatisfiedBy(after)).isTrue();
    }

    @Test
    void aFullLastSloPageEndsTheListWithoutAskingForAnEmptyOne() {
        DatadogClient client = client();
        for (int i = 0; i < DatadogClient.PAGE_SIZE; i++) {
            client.createSlo(new SloDefinition(
                    "slo " + i,
                    "",
                    List.of("mimamori-cluster:c1"),
                    "30d",
                    99.9,
                    null,
                    "sum:good{*}.as_count()",
                    "sum:all{*}.as_count()"));
        }
        sim.resetCounts();

        List<ManagedSlo> listed = client.listSlos("mimamori-cluster:c1");

        assertThat(listed).hasSize(DatadogClient.PAGE_SIZE);
        assertThat(sim.calls(DatadogSimulator.LIST_SLOS)).isEqualTo(1);
    }

    @Test
    void whatWeCreateReadsBackAsSatisfyingWhatWeAskedDespiteDatadogDefaults() {
        DatadogClient client = client();
        MonitorDefinition wanted = definition("ns/a", "latency", 400);
        ManagedMonitor created = client.createMonitor(wanted);
        ManagedMonitor listed = client.listMonitors(List.of(Ownership.MANAGED_BY_US, Ownership.CLUSTER + ":c1"))
                .get(0);

        assertThat(created.id()).isEqualTo(listed.id());
        assertThat(wanted.isSatisfiedBy(listed)).isTrue();
        assertThat(new MonitorKind(client, "c1").ownership(listed))
                .map(Ownership.Owned::owner)
                .contains("ns/a");
        assertThat(client.monitorUrl(created.id())).isEqualTo(sim.url() + "/monitors/" + created.id());
    }

    @Test
    void withoutKeysNothingIsCalled() {
        assertThatThrownBy(() -> client(null, null).listMonitors(List.of("a:b")))
                .isInstanceOfSatisfying(
                        DatadogException.class,
                        e -> assertThat(e.kind()).isEqualTo(DatadogException.Kind.NOT_CONFIGURED))
                .hasMessageContaining("DD_API_KEY");
        assertThat(sim.totalCalls()).isZero();
    }

    @Test
    void refusedKeysAreForbiddenAndNeverQuoted() {
        assertThatThrownBy(() -> client("wrong-secret-key", "wrong-app-secret").listMonitors(List.of("a:b")))
                .isInstanceOfSatisfying(DatadogException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DatadogException.Kind.FORBIDDEN);
                    assertThat(e.isTransient()).isFalse();
                })
                .message()
                .contains("403")
                .doesNotContain("wrong-secret-key")
                .doesNotContain("wrong-app-secret");
    }

    @Test
    void aRateLimitedEndpointIsNotCalledAgainUntilItsWindowResets() {
        DatadogClient client = client();
        sim.rateLimitNext(DatadogSimulator.LIST_MONITORS, 1, 30);

        assertThatThrownBy(() -> client.listMonitors(List.of("a:b")))
                .isInstanceOfSatisfying(DatadogException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DatadogException.Kind.RATE_LIMITED);
                    // The reset, a quarter second past it, and up to 5 s of jitter so waiting work spreads out.
                    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(36));
                });
        assertThatThrownBy(() -> client.listMonitors(List.of("a:b"))).isInstanceOf(DatadogException.class);
        assertThat(sim.listCalls()).isEqualTo(1);
        // Other endpoints have their own windows.
        client.createMonitor(definition("ns/a", "x", 1));
        assertThat(sim.calls(DatadogSimulator.CREATE_MONITOR)).isEqualTo(1);
    }

    @Test
    void callsCountForTheNamespaceTheyAreMadeForSoABurstLeavesTheNextNamespaceItsShareOfTheWindow()
            throws InterruptedException {
        DatadogClient client = client();
        sim.setRateLimit(DatadogSimulator.CREATE_MONITOR, 2, 5);
        // The whole burst must fall in one of the simulator's windows: a call in the next one would find it fresh.
        sim.awaitNextWindow(DatadogSimulator.CREATE_MONITOR);
        try (var bulk = DatadogCaller.actFor("bulk")) {
            client.createMonitor(definition("bulk/a", "first", 1));
            client.createMonitor(definition("bulk/b", "also first", 1));
            assertThatThrownBy(() -> client.createMonitor(definition("bulk/c", "refused", 1)))
                    .isInstanceOf(DatadogException.class);
        }
        DatadogException waiting;
        try (var small = DatadogCaller.actFor("small")) {
            waiting = catchThrowableOfType(
                    DatadogException.class, () -> client.createMonitor(definition("small/a", "waits", 1)));
        }
        // Both namespaces wait for the next window, which then holds one of its two calls for each.
        Thread.sleep(waiting.retryAfter().toMillis());
        try (var bulk = DatadogCaller.actFor("bulk")) {
            client.createMonitor(definition("bulk/c", "second", 1));
            assertThatThrownBy(() -> client.createMonitor(definition("bulk/d", "third", 1)))
                    .isInstanceOfSatisfying(
                            DatadogException.class,
                            e -> assertThat(e.getMessage()).contains("kept for 1 other namespaces"));
        }
        try (var small = DatadogCaller.actFor("small")) {
            client.createMonitor(definition("small/a", "served", 1));
        }
        assertThat(sim.monitors().stream().map(m -> m.path("name").asText()))
                .containsExactlyInAnyOrder("t first", "t also first", "t second", "t served");
    }

    @Test
    void serverErrorsTimeoutsAndGarbageAreTransient() {
        DatadogClient client = client();
        sim.failNext(DatadogSimulator.LIST_MONITORS, 1, 502);
        assertKind(() -> client.listMonitors(List.of("a:b")), DatadogException.Kind.UNAVAILABLE);
        sim.malformedNext(DatadogSimulator.LIST_MONITORS, 1);
        assertKind(() -> client.listMonitors(List.of("a:b")), DatadogException.Kind.UNAVAILABLE);
        sim.setLatency(Duration.ofSeconds(3));
        assertKind(() -> client.listMonitors(List.of("a:b")), DatadogException.Kind.UNAVAILABLE);
    }

    @Test
    void aRejectedDefinitionCarriesDatadogsReason() {
        MonitorDefinition bad = definition("ns/a", "x", 5);
        MonitorDefinition mismatched = new MonitorDefinition(
                bad.name(),
                bad.type(),
                bad.query(),
                bad.message(),
                bad.priority(),
                bad.tags(),
                new TreeMap<>(Map.of("critical", 7.0)),
                bad.settings());
        assertThatThrownBy(() -> client().createMonitor(mismatched))
                .isInstanceOfSatisfying(
                        DatadogException.class, e -> assertThat(e.kind()).isEqualTo(DatadogException.Kind.REJECTED))
                .hasMessageContaining("threshold");
    }

    @Test
    void deletingAMonitorThatIsAlreadyGoneIsDone() {
        DatadogClient client = client();
        long id = client.createMonitor(definition("ns/a", "x", 1)).id();
        client.deleteMonitor(id);
        client.deleteMonitor(id);
        assertThat(sim.monitor(id)).isNull();
        assertThat(sim.calls(DatadogSimulator.DELETE_MONITOR)).isEqualTo(2);
    }

    @Test
    void appUrlFollowsTheSite() {
        assertThat(DatadogClient.appUrlForSite("datadoghq.com")).isEqualTo("https://app.datadoghq.com");
        assertThat(DatadogClient.appUrlForSite("datadoghq.eu")).isEqualTo("https://app.datadoghq.eu");
        assertThat(DatadogClient.appUrlForSite("us5.datadoghq.com")).isEqualTo("https://us5.datadoghq.com");
    }

    static void assertKind(Runnable call, DatadogException.Kind kind) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        DatadogException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @Test
    void gateExpressionsGoOutAsSingleMetricQueriesAndOneFormulaEachAndComeBackInOrder() {
        Instant now = Instant.parse("2024-01-01T00:10:00Z");
        sim.setClock(Clock.fixed(now, ZoneOffset.UTC));
        // Errors, hits and p95 in seconds, as Datadog stores them; version 2.0 is twice as slow.
        sim.scriptMetrics((q, t) ->
                q.contains(".errors{") ? 3.0 : q.contains(".hits{") ? 600.0 : q.contains("version:2.0") ? 0.4 : 0.2);
        String errorRate = "sum:trace.http.request.errors{service:a,version:1.0}.as_count()"
                + " / sum:trace.http.request.hits{service:a,version:1.0}.as_count()";
        String latencyOld = "p95:trace.http.request{service:a,version:1.0} * 1000";
        String latencyNew = "p95:trace.http.request{service:a,version:2.0} * 1000";

        List<MetricSeries> series = client().queryMetrics(
                        List.of(errorRate, latencyOld, latencyNew),
                        now.minus(Duration.ofMinutes(2)),
                        now,
                        Duration.ofMinutes(1));

        assertThat(series).extracting(MetricSeries::query).containsExactly(errorRate, latencyOld, latencyNew);
        assertThat(series.get(0).values()).containsExactly(0.005, 0.005);
        assertThat(series.get(1).values()).containsExactly(200.0, 200.0);
        assertThat(series.get(2).values()).containsExactly(400.0, 400.0);
        JsonNode sent = sim.requests().get(0).body().path("data").path("attributes");
        assertThat(sent.path("queries").findValuesAsText("query"))
                .containsExactly(
                        "sum:trace.http.request.errors{service:a,version:1.0}.as_count()",
                        "sum:trace.http.request.hits{service:a,version:1.0}.as_count()",
                        "p95:trace.http.request{service:a,version:1.0}",
                        "p95:trace.http.request{service:a,version:2.0}");
        assertThat(sent.path("queries").findValuesAsText("name")).containsExactly("q0", "q1", "q2", "q3");
        assertThat(sent.path("formulas").findValuesAsText("formula"))
                .containsExactly("q0 / q1", "q2 * 1000", "q3 * 1000");
    }

    @Test
    void anExpressionWithoutDataGivesAnEmptySeriesInItsPlace() {
        Instant now = Instant.parse("2024-01-01T00:10:00Z");
        sim.setClock(Clock.fixed(now, ZoneOffset.UTC));
        sim.scriptMetric("1.0", t -> 0.2);

        List<MetricSeries> series = client().queryMetrics(
                        List.of(
                                "p95:trace.http.request{version:0.9} * 1000",
                                "p95:trace.http.request{version:1.0} * 1000"),
                        now.minus(Duration.ofMinutes(2)),
                        now,
                        Duration.ofMinutes(1));

        assertThat(series.get(0).values()).containsOnly(Double.NaN);
        assertThat(series.get(1).values()).containsExactly(200.0, 200.0);
    }

    @Test
    void anExpressionThatCannotBeSplitIsRejectedWithoutACall() {
        assertThatThrownBy(() -> client().queryMetrics(
                                List.of("avg(last_5m):avg:x{*} > 3"),
                                Instant.now().minusSeconds(60),
                                Instant.now(),
                                Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(
                        DatadogException.class, e -> assertThat(e.kind()).isEqualTo(DatadogException.Kind.REJECTED))
                .hasMessageContaining("monitor's time aggregation");
        assertThat(sim.requests()).isEmpty();
    }
}
