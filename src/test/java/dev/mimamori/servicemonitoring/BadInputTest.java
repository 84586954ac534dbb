package dev.mimamori.servicemonitoring;

import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mimamori.api.Condition;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.GateSpec;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of bad input ends in Ready=False with its own reason, sends nothing wrong to Datadog, stops no one else. */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class BadInputTest {
    @Inject
    KubernetesClient client;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @Test
    void anUnknownProfileIsReportedAndPickedUpOnceItExists() {
        Resources.namespace(client, "bad-profile");
        ServiceMonitoring sm = Resources.serviceMonitoring("bad-profile", "api", "api", "prod");
        sm.getSpec().profile = "does-not-exist";
        client.resource(sm).create();

        Condition condition = awaitNotReady("bad-profile", "api", "ProfileNotFound");
        assertThat(condition.getMessage()).contains("does-not-exist");
        assertThat(monitorsOf("bad-profile/api")).isEmpty();

        client.resource(Resources.profile(
                        "does-not-exist",
                        Map.of("depth", "10"),
                        Resources.metricMonitor("queue-depth", "queue.depth", "depth")))
                .create();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> assertThat(readyStatus("bad-profile", "api")).isEqualTo("True"));
        assertThat(monitorsOf("bad-profile/api")).hasSize(1);
    }

    @Test
    void anUnknownParameterIsNamedInTheCondition() {
        Resources.namespace(client, "bad-param");
        ServiceMonitoring sm = Resources.serviceMonitoring("bad-param", "api", "api", "prod");
        sm.getSpec().parameters = Map.of("latencyP99Ms", "300");
        client.resource(sm).create();

        Condition condition = awaitNotReady("bad-param", "api", "UnknownParameter");
        assertThat(condition.getMessage()).contains("latencyP99Ms").contains("latencyP95Ms");
        assertThat(monitorsOf("bad-param/api")).isEmpty();
    }

    @Test
    void aParameterValueThatWouldInjectIntoTheQueryIsRefused() {
        Resources.namespace(client, "bad-value");
        ServiceMonitoring sm = Resources.serviceMonitoring("bad-value", "api", "api", "prod");
        sm.getSpec().parameters = Map.of("latencyP95Ms", "1 || avg:other{*}");
        client.resource(sm).create();

        awaitNotReady("bad-value", "api", "InvalidParameterValue");
        assertThat(monitorsOf("bad-value/api")).isEmpty();
    }

    @Test
    void aServiceNameThatIsNotATagValueIsRefusedBeforeAnyQueryIsBuilt() {
        Resources.namespace(client, "bad-tag");
        client.resource(Resources.serviceMonitoring("bad-tag", "api", "api},env:prod,service:{x", "prod"))
                .create();

        Condition condition = awaitNotReady("bad-tag", "api", "InvalidTagValue");
        assertThat(condition.getMessage()).contains("spec.service");
        assertThat(datadog.monitors()).noneMatch(m -> m.path("query").asText().contains("env:prod,service:{x"));
    }

    @Test
    void aTemplateThatRendersAnInvalidQueryIsReportedWithoutCallingDatadog() {
        Resources.namespace(client, "bad-query");
        MonitorTemplate broken = Resources.metricMonitor("broken", "queue.depth", "depth");
        broken.query = "avg(last_5m):avg:queue.depth{service:${service} > ${params.depth}";
        client.resource(Resources.profile("broken-profile", Map.of("depth", "10"), broken))
                .create();
        ServiceMonitoring sm = Resources.serviceMonitoring("bad-query", "api", "api", "prod");
        sm.getSpec().profile = "broken-profile";
        long posts = datadog.calls("POST /api/v1/monitor");
        client.resource(sm).create();

        Condition condition = awaitNotReady("bad-query", "api", "InvalidQuery");
        assertThat(condition.getMessage()).contains("broken");
        assertThat(datadog.calls("POST /api/v1/monitor")).isEqualTo(posts);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(ready(client.resources(MonitoringProfile.class)
                                .withName("broken-profile")
                                .get()
                                .getStatus()
                                .conditions))
                        .isNotNull());
    }

    @Test
    void aGateQueryDatadogsV2ApiCannotTakeMarksTheProfileAndItsServicesNotReady() {
        Resources.namespace(client, "bad-gate");
        MonitoringProfile profile = Resources.profile(
                "bad-gate-profile",
                Map.of("depth", "10"),
                Resources.metricMonitor("queue-depth", "queue.depth", "depth"));
        GateMetric latency = new GateMetric();
        latency.name = "p95 latency";
        latency.query = "avg(last_10m):p95:trace.http.request{service:${service},version:${version}} > 0.5";
        profile.getSpec().gate = new GateSpec();
        profile.getSpec().gate.metrics = List.of(latency);
        client.resource(profile).create();
        ServiceMonitoring sm = Resources.serviceMonitoring("bad-gate", "api", "api", "prod");
        sm.getSpec().profile = "bad-gate-profile";
        client.resource(sm).create();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Condition ready = ready(client.resources(MonitoringProfile.class)
                    .withName("bad-gate-profile")
                    .get()
                    .getStatus()
                    .conditions);
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("InvalidQuery");
            assertThat(ready.getMessage()).startsWith("gate metric \"p95 latency\" cannot be sent to Datadog");
        });
        assertThat(awaitNotReady("bad-gate", "api", "InvalidQuery").getMessage())
                .contains("p95 latency");
    }

    @Test
    void aMonitorDatadogRejectsIsReportedAndTheOthersAreStillCreated() {
        Resources.namespace(client, "rejected");
        MonitorTemplate mismatch = Resources.metricMonitor("mismatch", "queue.age", "age");
        mismatch.thresholds.critical = "99";
        client.resource(Resources.profile(
                        "half-broken",
                        Map.of("depth", "10", "age", "5"),
                        Resources.metricMonitor("queue-depth", "queue.depth", "depth"),
                        mismatch))
                .create();
        ServiceMonitoring sm = Resources.serviceMonitoring("rejected", "api", "api", "prod");
        sm.getSpec().profile = "half-broken";
        client.resource(sm).create();

        Condition condition = awaitNotReady("rejected", "api", "MonitorRejected");
        assertThat(condition.getMessage()).contains("mismatch");
        assertThat(monitorsOf("rejected/api")).hasSize(1);
        assertThat(get("rejected", "api").getStatus().monitorsInSync).isEqualTo("1/2");
    }

    @Test
    void refusedKeysGiveDatadogForbiddenAndAGoodNeighbourKeepsWorkingAfterwards() {
        Resources.namespace(client, "forbidden");
        datadog.revokeKeys();
        try {
            client.resource(Resources.serviceMonitoring("forbidden", "api", "api", "prod"))
                    .create();
            Condition condition = awaitNotReady("forbidden", "api", "DatadogForbidden");
            assertThat(condition.getMessage())
                    .contains("403")
                    .doesNotContain("test-api-key")
                    .doesNotContain("test-app-key");
            List<Event> events =
                    client.v1().events().inNamespace("forbidden").list().getItems();
            assertThat(events).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("DatadogForbidden"));
            assertThat(events).allSatisfy(e -> assertThat(e.getMessage()).doesNotContain("test-api-key"));
        } finally {
            datadog.setKeys("test-api-key", "test-app-key");
        }
        client.resource(Resources.serviceMonitoring("forbidden", "other", "other", "prod"))
                .create();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> assertThat(readyStatus("forbidden", "other")).isEqualTo("True"));
    }

    @Test
    void oneBadResourceDoesNotStopAGoodOne() {
        Resources.namespace(client, "mixed");
        ServiceMonitoring bad = Resources.serviceMonitoring("mixed", "bad", "bad", "prod");
        bad.getSpec().parameters = Map.of("nope", "1");
        client.resource(bad).create();
        client.resource(Resources.serviceMonitoring("mixed", "good", "good", "prod"))
                .create();

        awaitNotReady("mixed", "bad", "UnknownParameter");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(readyStatus("mixed", "good")).isEqualTo("True"));
        assertThat(monitorsOf("mixed/good")).hasSize(14);
    }

    @Test
    void aResourceWithoutSpecOfEachKindIsNotReadyWithAReasonInsteadOfRetryingForEver() {
        Resources.namespace(client, "no-spec");
        ServiceMonitoring sm = Resources.serviceMonitoring("no-spec", "api", "api", "prod");
        sm.setSpec(null);
        client.resource(sm).create();
        MonitoringProfile profile = Resources.profile("no-spec-profile", Map.of());
        profile.setSpec(null);
        client.resource(profile).create();
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("no-spec")
                .withName("check")
                .build());
        client.resource(check).create();

        assertThat(awaitNotReady("no-spec", "api", "InvalidSpec").getMessage()).startsWith("spec is missing");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            MonitoringProfile read = client.resources(MonitoringProfile.class)
                    .withName("no-spec-profile")
                    .get();
            assertThat(read.getStatus()).isNotNull();
            Condition ready = ready(read.getStatus().conditions);
            assertThat(ready.getReason()).isEqualTo("InvalidSpec");
            assertThat(ready.getMessage()).startsWith("spec is missing");
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReleaseCheck read = client.resources(ReleaseCheck.class)
                    .inNamespace("no-spec")
                    .withName("check")
                    .get();
            assertThat(read.getStatus()).isNotNull();
            assertThat(read.getStatus().phase).isEqualTo("Error");
            assertThat(ready(read.getStatus().conditions).getReason()).isEqualTo("InvalidSpec");
        });
    }

    ServiceMonitoring get(String namespace, String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    String readyStatus(String namespace, String name) {
        Condition ready = ready(get(namespace, name));
        return ready == null ? null : ready.getStatus();
    }

    Condition awaitNotReady(String namespace, String name, String reason) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Condition ready = ready(get(namespace, name));
            assertThat(ready).isNotNull();
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo(reason);
        });
        return ready(get(namespace, name));
    }

    List<?> monitorsOf(String owner) {
        return datadog.monitorsTagged("mimamori-owner:" + owner);
    }
}
