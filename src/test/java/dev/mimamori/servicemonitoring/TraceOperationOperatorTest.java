package dev.mimamori.servicemonitoring;

import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mimamori.api.Condition;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.gate.GateProfiles;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.status.Conditions;
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
import org.junit.jupiter.api.Test;

/** The built-in profile reads the trace metrics of the operation a service really emits, found in Datadog. */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class TraceOperationOperatorTest {
    @Inject
    KubernetesClient client;

    @Inject
    TelemetryCheck telemetryCheck;

    @Inject
    GateProfiles gateProfiles;

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
        List<GateMetric> gate = gateProfiles.lookUp(check, "orders").metrics();
        assertThat(gate)
                .isNotEmpty()
                .allSatisfy(m ->
                        assertThat(m.query).contains("trace.servlet.request").doesNotContain("http.request"));
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

    ServiceMonitoring get(String namespace, String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }
}
