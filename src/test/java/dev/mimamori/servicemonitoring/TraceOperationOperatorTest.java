package dev.mimamori.servicemonitoring;

import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.gate.GateProfiles;
import dev.mimamori.sim.CallLog;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.status.Conditions;
import dev.mimamori.tenancy.TenantPolicies;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The built-in profile reads the trace metrics of the operation a service really emits, found in Datadog. */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class TraceOperationOperatorTest {
    @Inject
    TenantPolicies policies;

    @Inject
    KubernetesClient client;

    @Inject
    TelemetryCheck telemetryCheck;

    @Inject
    GateProfiles gateProfiles;

    @Inject
    ServiceMonitoringEvents wakeUps;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @Test
    void aJavaServletServiceIsMonitoredOnServletRequestNotOnItsOutgoingHttpRequestSpans() {
        Resources.namespace(client, "java");
        // A Spring MVC app on Tomcat: servlet.request entry spans, http.request for the calls it makes.
        datadog.emitTraceOperations("orders", "prod", "servlet.request", "http.request");
        client.resource(Resources.serviceMonitoring("java", "orders", "orders", "prod"))
                .create();
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        !datadog.monitorsTagged("mimamori-owner:java/orders").isEmpty());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            telemetryCheck.run();
            ServiceMonitoring sm = get("java", "orders");
            assertThat(sm.getStatus()).isNotNull();
            assertThat(sm.getStatus().traceOperation).isNotNull();
            assertThat(sm.getStatus().traceOperation.used).isEqualTo("servlet.request");
            assertThat(sm.getStatus().traceOperation.source).isEqualTo("detected");
            assertThat(sm.getStatus().traceOperation.configured).isEqualTo("http.request");
            assertThat(sm.getStatus().traceOperation.detected).containsExactly("http.request", "servlet.request");
            assertThat(ready(sm).getStatus()).isEqualTo("True");
            List<String> queries = new ArrayList<>();
            datadog.monitorsTagged("mimamori-owner:java/orders")
                    .forEach(m -> queries.add(m.path("query").asText()));
            assertThat(queries.stream().filter(q -> q.contains("trace.")))
                    .hasSize(3)
                    .allSatisfy(
                            q -> assertThat(q).contains("trace.servlet.request").doesNotContain("http.request"));
            List<String> slos = new ArrayList<>();
            datadog.slos().stream()
                    .filter(s -> s.path("tags").toString().contains("mimamori-owner:java/orders"))
                    .forEach(s -> slos.add(s.path("query").toString()));
            assertThat(slos)
                    .hasSize(2)
                    .allSatisfy(
                            q -> assertThat(q).contains("trace.servlet.request").doesNotContain("http.request"));
        });
        // The monitors now read other metrics, so the next check is due at once and finds all their data.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            telemetryCheck.run();
            Condition telemetry =
                    Conditions.find(get("java", "orders").getStatus().conditions, Conditions.TELEMETRY_FOUND);
            assertThat(telemetry.getReason()).isEqualTo("TelemetryFound");
        });

        // A release of the service is judged on servlet.request too.
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withName("orders-v2")
                .withNamespace("java")
                .build());
        check.setSpec(new ReleaseCheckSpec());
        List<GateMetric> gate =
                gateProfiles.lookUp(check, "orders", policies.rulesFor("java")).metrics();
        assertThat(gate)
                .isNotEmpty()
                .allSatisfy(m ->
                        assertThat(m.query).contains("trace.servlet.request").doesNotContain("http.request"));

        // Its dashboard reads servlet.request too, and goes with the only service on that operation.
        String dashboard = awaitDashboard("java", "orders", "servlet.request");
        assertThat(traceQueries(datadog.dashboard(dashboard)))
                .isNotEmpty()
                .allSatisfy(q -> assertThat(q).contains("trace.servlet.request").doesNotContain("http.request"));
        delete("java", "orders");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(datadog.dashboard(dashboard)).isNull());
    }

    @Test
    void aRestartedOperatorKeepsRenderingTheDetectedOperationAndRewritesNothing() {
        Resources.namespace(client, "restarted");
        datadog.emitTraceOperations("ledger", "prod", "servlet.request", "http.request");
        client.resource(Resources.serviceMonitoring("restarted", "ledger", "ledger", "prod"))
                .create();
        String owner = "restarted/ledger";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            telemetryCheck.run();
            ServiceMonitoring sm = get("restarted", "ledger");
            assertThat(sm.getStatus()).isNotNull();
            assertThat(sm.getStatus().traceOperation.source).isEqualTo("detected");
            assertThat(sm.getStatus().dashboard).isNotNull();
            assertThat(Conditions.find(sm.getStatus().conditions, Conditions.TELEMETRY_FOUND)
                            .getReason())
                    .isEqualTo("TelemetryFound");
            assertThat(traceMonitorQueries(owner))
                    .hasSize(3)
                    .allSatisfy(q -> assertThat(q).contains("trace.servlet.request"));
        });
        Map<String, Integer> before = datadog.callCounts();
        String versionBefore = get("restarted", "ledger").getMetadata().getResourceVersion();
        List<String> ids = datadog.monitorsTagged("mimamori-owner:" + owner).stream()
                .map(m -> m.path("id").asText())
                .toList();

        // What a restart leaves: a process that has never checked this service, then a reconcile of it.
        telemetryCheck.forget(owner);
        wakeUps.wake(Set.of(owner));
        // The reconcile registers what it needs before a check can answer it; its monitors were synced before that.
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        telemetryCheck.run().contains(owner) || telemetryCheck.operationsOf("ledger", "prod") != null);

        assertThat(calls(before, DatadogSimulator.UPDATE_MONITOR))
                .as("monitor updates of this service after the restart")
                .noneMatch(c -> ids.stream().anyMatch(id -> c.path().endsWith("/" + id)));
        assertThat(calls(before, DatadogSimulator.CREATE_MONITOR))
                .noneMatch(c -> c.body().path("tags").toString().contains("mimamori-owner:" + owner));
        assertThat(traceMonitorQueries(owner))
                .hasSize(3)
                .allSatisfy(q -> assertThat(q).contains("trace.servlet.request"));
        // Nothing about it changed, so the reconcile before the first check wrote no status either.
        assertThat(get("restarted", "ledger").getMetadata().getResourceVersion())
                .isEqualTo(versionBefore);
        delete("restarted", "ledger");
    }

    private List<String> traceMonitorQueries(String owner) {
        return datadog.monitorsTagged("mimamori-owner:" + owner).stream()
                .map(m -> m.path("query").asText())
                .filter(q -> q.contains("trace."))
                .toList();
    }

    @Test
    void anOperationSetInTheSpecWithoutDataGetsAReasonNamingTheOneThatHasData() {
        Resources.namespace(client, "pinned");
        datadog.emitTraceOperations("billing", "prod", "netty.request");
        ServiceMonitoring sm = Resources.serviceMonitoring("pinned", "billing", "billing", "prod");
        sm.getSpec().parameters = Map.of("traceOperation", "http.request");
        client.resource(sm).create();
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        !datadog.monitorsTagged("mimamori-owner:pinned/billing").isEmpty());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            // The service registers what it needs once its reconcile is done: ask until it has been answered.
            telemetryCheck.run();
            ServiceMonitoring current = get("pinned", "billing");
            assertThat(current.getStatus()).isNotNull();
            Condition telemetry = Conditions.find(current.getStatus().conditions, Conditions.TELEMETRY_FOUND);
            assertThat(telemetry.getStatus()).isEqualTo("False");
            assertThat(telemetry.getReason()).isEqualTo("TraceOperationMismatch");
            assertThat(telemetry.getMessage()).contains("set spec.parameters.traceOperation: netty.request");
            assertThat(current.getStatus().traceOperation.used).isEqualTo("http.request");
            assertThat(current.getStatus().traceOperation.source).isEqualTo("spec");
            assertThat(current.getStatus().traceOperation.detected).containsExactly("netty.request");
        });
        // What the service set is what it gets: nothing is switched behind its back.
        assertThat(datadog.monitorsTagged("mimamori-owner:pinned/billing").stream()
                        .map(m -> m.path("query").asText())
                        .filter(q -> q.contains("trace.")))
                .hasSize(3)
                .allSatisfy(q -> assertThat(q).contains("trace.http.request"));
    }

    static final String DEFAULT_DASHBOARD =
            "[mimamori cluster=" + OperatorTestEnvironment.CLUSTER_NAME + " profile=default]";
    static final String SERVLET_DASHBOARD = "[mimamori cluster=" + OperatorTestEnvironment.CLUSTER_NAME
            + " profile=default traceOperation=servlet.request]";

    @Test
    void eachTraceOperationInUseHasADashboardReadingItsMetricsThatGoesWithItsLastUser() {
        Resources.namespace(client, "dashop");
        datadog.emitTraceOperations("edge", "prod", "http.request");
        datadog.emitTraceOperations("parcel", "prod", "servlet.request", "http.request");
        datadog.emitTraceOperations("till", "prod", "servlet.request", "http.request");
        boolean defaultExisted = !dashboardsMarked(DEFAULT_DASHBOARD).isEmpty();
        Map<String, Integer> callsBefore = datadog.callCounts();

        // A Go service on http.request links the built-in profile's dashboard, the one marked without an operation.
        client.resource(Resources.serviceMonitoring("dashop", "edge", "edge", "prod"))
                .create();
        String defaultId = awaitDashboard("dashop", "edge", "http.request");
        assertThat(dashboardsMarked(DEFAULT_DASHBOARD))
                .singleElement()
                .satisfies(d -> assertThat(d.path("id").asText()).isEqualTo(defaultId));

        // Two Java services on servlet.request share one dashboard of their own, which reads servlet.request.
        client.resource(Resources.serviceMonitoring("dashop", "parcel", "parcel", "prod"))
                .create();
        client.resource(Resources.serviceMonitoring("dashop", "till", "till", "prod"))
                .create();
        String servletId = awaitDashboard("dashop", "parcel", "servlet.request");
        assertThat(awaitDashboard("dashop", "till", "servlet.request")).isEqualTo(servletId);
        assertThat(servletId).isNotEqualTo(defaultId);
        ObjectNode servlet = datadog.dashboard(servletId);
        assertThat(servlet.path("description").asText()).endsWith(SERVLET_DASHBOARD);
        assertThat(servlet.path("title").asText()).contains("traceOperation servlet.request");
        assertThat(traceQueries(servlet))
                .hasSize(7)
                .allSatisfy(q -> assertThat(q).contains("trace.servlet.request").doesNotContain("http.request"));
        assertThat(traceQueries(datadog.dashboard(defaultId)))
                .hasSize(7)
                .allSatisfy(q -> assertThat(q).contains("trace.http.request"));
        assertThat(get("dashop", "parcel").getStatus().dashboard.url)
                .isEqualTo(datadog.url() + "/dashboard/" + servletId + "?tpl_var_env=prod&tpl_var_service=parcel");
        assertThat(get("dashop", "edge").getStatus().dashboard.url)
                .isEqualTo(datadog.url() + "/dashboard/" + defaultId + "?tpl_var_env=prod&tpl_var_service=edge");
        assertThat(dashboardPosts(callsBefore, SERVLET_DASHBOARD)).isEqualTo(1);
        assertThat(dashboardPosts(callsBefore, DEFAULT_DASHBOARD)).isEqualTo(defaultExisted ? 0 : 1);

        // One Java service leaves: the other still uses the servlet dashboard.
        delete("dashop", "parcel");
        assertThat(datadog.dashboard(servletId)).isNotNull();
        assertThat(dashboardDeletes(callsBefore, servletId)).isZero();

        // The last one pins http.request: its dashboard switches and the servlet one is deleted.
        ServiceMonitoring payments = get("dashop", "till");
        payments.getSpec().parameters = Map.of("traceOperation", "http.request");
        client.resource(payments).update();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(get("dashop", "till").getStatus().dashboard.id).isEqualTo(defaultId);
            assertThat(dashboardsMarked(SERVLET_DASHBOARD)).isEmpty();
        });
        assertThat(dashboardDeletes(callsBefore, servletId)).isEqualTo(1);

        // Back on its detected servlet.request: a new servlet dashboard, deleted with its last user.
        payments = get("dashop", "till");
        payments.getSpec().parameters = null;
        client.resource(payments).update();
        String again = awaitDashboard("dashop", "till", "servlet.request");
        assertThat(again).isNotEqualTo(servletId);
        assertThat(dashboardPosts(callsBefore, SERVLET_DASHBOARD)).isEqualTo(2);
        delete("dashop", "till");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> assertThat(dashboardsMarked(SERVLET_DASHBOARD)).isEmpty());
        assertThat(dashboardDeletes(callsBefore, again)).isEqualTo(1);
        assertThat(dashboardDeletes(callsBefore, defaultId)).isZero();
        assertThat(dashboardsMarked(DEFAULT_DASHBOARD)).singleElement();
        delete("dashop", "edge");
    }

    /** Waits until the service's status links a dashboard for this operation; returns the dashboard's id. */
    String awaitDashboard(String namespace, String name, String operation) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            // The operation a service emits is found by the telemetry check, asked until it has been answered.
            telemetryCheck.run();
            ServiceMonitoring sm = get(namespace, name);
            assertThat(sm.getStatus()).isNotNull();
            assertThat(sm.getStatus().traceOperation).isNotNull();
            assertThat(sm.getStatus().traceOperation.used).isEqualTo(operation);
            assertThat(sm.getStatus().dashboard).isNotNull();
            String marker = operation.equals("http.request") ? DEFAULT_DASHBOARD : SERVLET_DASHBOARD;
            assertThat(datadog.dashboard(sm.getStatus().dashboard.id)).isNotNull();
            assertThat(datadog.dashboard(sm.getStatus().dashboard.id)
                            .path("description")
                            .asText())
                    .endsWith(marker);
        });
        return get(namespace, name).getStatus().dashboard.id;
    }

    List<ObjectNode> dashboardsMarked(String marker) {
        return datadog.dashboards().stream()
                .filter(d -> d.path("description").asText().endsWith(marker))
                .toList();
    }

    /** The metric queries of a dashboard that read trace metrics. */
    static List<String> traceQueries(ObjectNode dashboard) {
        List<String> queries = new ArrayList<>();
        dashboard
                .path("widgets")
                .forEach(w -> w.path("definition")
                        .path("requests")
                        .forEach(r -> r.path("queries").forEach(q -> {
                            if (q.path("query").asText().contains("trace.")) {
                                queries.add(q.path("query").asText());
                            }
                        })));
        return queries;
    }

    /** Dashboards created with this marker since the given call. */
    long dashboardPosts(Map<String, Integer> since, String marker) {
        return calls(since, DatadogSimulator.CREATE_DASHBOARD).stream()
                .filter(c -> c.body().path("description").asText().endsWith(marker))
                .count();
    }

    long dashboardDeletes(Map<String, Integer> since, String id) {
        return calls(since, DatadogSimulator.DELETE_DASHBOARD).stream()
                .filter(c -> c.path().endsWith("/" + id))
                .count();
    }

    /** The successful calls to one endpoint since the counts were taken: the last ones the log keeps. */
    List<CallLog.Call> calls(Map<String, Integer> since, String key) {
        List<CallLog.Call> all =
                datadog.requests().stream().filter(c -> c.key().equals(key)).toList();
        int made = datadog.calls(key) - since.getOrDefault(key, 0);
        return all.subList(all.size() - made, all.size()).stream()
                .filter(c -> c.status() < 300)
                .toList();
    }

    void delete(String namespace, String name) {
        client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> get(namespace, name) == null);
    }

    ServiceMonitoring get(String namespace, String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }
}
