package dev.mimamori.faults;

import static dev.mimamori.faults.ServiceMonitorings.byTemplate;
import static dev.mimamori.faults.ServiceMonitorings.ids;
import static dev.mimamori.faults.ServiceMonitorings.tags;
import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.servicemonitoring.DriftCheck;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Datadog and the API server misbehaving, one fault per test, with the real operator against the mock API server and
 * the Datadog simulator. Each test asserts what the Ready condition says while the fault lasts, then that Datadog ends
 * up holding exactly what the resources ask for: every monitor and SLO once, nothing left of deleted resources.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class FaultToleranceOperatorTest {
    @Inject
    KubernetesClient client;

    @Inject
    DriftCheck driftCheck;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();
    MockCluster cluster = OperatorTestEnvironment.cluster();
    ServiceMonitorings sms;

    @BeforeEach
    void lookThroughTheOperatorsClient() {
        sms = new ServiceMonitorings(client, datadog);
    }

    @AfterEach
    void healDatadogAndTheApiServer() {
        datadog.clearFaults();
        datadog.setKeys(DatadogSimulator.DEFAULT_API_KEY, DatadogSimulator.DEFAULT_APP_KEY);
        cluster.conflictOnStatusPatch("ft-conflict", "web", 0);
        // A failed drift check is retried by the operator's background task; one that succeeds leaves nothing to
        // retry during the next test.
        driftCheckSkippingDatadogFailures();
    }

    @Test
    void aBurstOf429WithRateLimitHeadersIsWaitedOutAndEveryMonitorIsCreatedOnce() {
        Resources.namespace(client, "ft-429");
        datadog.rateLimitNext(DatadogSimulator.CREATE_MONITOR, 3, 2);
        client.resource(Resources.serviceMonitoring("ft-429", "web", "web", "prod"))
                .create();
        client.resource(Resources.serviceMonitoring("ft-429", "api", "api", "prod"))
                .create();

        // Both share the monitor-create window, so whichever meets the 429 first, both wait for its reset.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Stream.of("web", "api")
                                .map(name -> ready(sms.get("ft-429", name)))
                                .toList())
                        .anySatisfy(ready -> {
                            assertThat(ready).isNotNull();
                            assertThat(ready.getStatus() + " " + ready.getReason())
                                    .isEqualTo("False Queued");
                            assertThat(ready.getMessage()).containsIgnoringCase("rate limit");
                        }));

        sms.awaitExactlyTheDesiredObjects("ft-429", "web", "api");
        // Waiting for a window is pacing: one Normal event for the wait, never a Warning.
        for (String name : List.of("web", "api")) {
            assertThat(sms.warnings("ft-429", name, "DatadogRateLimited")).isEmpty();
            assertThat(sms.events("ft-429", name, "Normal", "Queued")).hasSizeLessThanOrEqualTo(1);
        }
        assertThat(answered(DatadogSimulator.CREATE_MONITOR, 429, "ft-429/web")
                        + answered(DatadogSimulator.CREATE_MONITOR, 429, "ft-429/api"))
                .isPositive();
        for (String owner : List.of("ft-429/web", "ft-429/api")) {
            assertThat(answered(DatadogSimulator.CREATE_MONITOR, 200, owner))
                    .as("monitors created for %s", owner)
                    .isEqualTo(14);
            assertThat(answered(DatadogSimulator.CREATE_SLO, 200, owner))
                    .as("SLOs created for %s", owner)
                    .isEqualTo(2);
        }
    }

    @Test
    void a429WithoutRateLimitHeadersIsBackedOffAndRetried() {
        Resources.namespace(client, "ft-429-bare");
        // No reset to wait for: the operator backs off on its own (5 s, then 10 s).
        datadog.rateLimitNextWithoutHeaders(DatadogSimulator.CREATE_MONITOR, 2);
        client.resource(Resources.serviceMonitoring("ft-429-bare", "web", "web", "prod"))
                .create();

        Condition limited = sms.awaitNotReady("ft-429-bare", "web", "Queued");
        assertThat(limited.getMessage()).containsIgnoringCase("rate limit");

        sms.awaitExactlyTheDesiredObjects("ft-429-bare", "web");
        assertThat(answered(DatadogSimulator.CREATE_MONITOR, 429, "ft-429-bare/web"))
                .isPositive();
        assertThat(answered(DatadogSimulator.CREATE_MONITOR, 200, "ft-429-bare/web"))
                .isEqualTo(14);
        assertThat(answered(DatadogSimulator.CREATE_SLO, 200, "ft-429-bare/web"))
                .isEqualTo(2);
    }

    @Test
    void serverErrorsOnCreatesAreReportedAndRetriedWithoutDuplicates() {
        Resources.namespace(client, "ft-5xx");
        // Each failure lasts a few calls, so it is seen however many reconciles one change makes.
        datadog.failNext(DatadogSimulator.CREATE_SLO, 3, 500);
        client.resource(Resources.serviceMonitoring("ft-5xx", "web", "web", "prod"))
                .create();
        assertThat(sms.awaitNotReady("ft-5xx", "web", "DatadogUnavailable").getMessage())
                .contains("HTTP 500 for POST /api/v1/slo");

        // The operator would retry in 30 s; a person re-applying gets a new reconcile at once.
        for (int status : List.of(502, 503)) {
            datadog.clearFaults();
            datadog.failNext(DatadogSimulator.CREATE_MONITOR, 3, status);
            sms.nudge("ft-5xx", "web");
            assertThat(sms.awaitNotReady("ft-5xx", "web", "DatadogUnavailable").getMessage())
                    .contains("HTTP " + status + " for POST /api/v1/monitor");
        }
        datadog.clearFaults();
        sms.nudge("ft-5xx", "web");

        sms.awaitExactlyTheDesiredObjects("ft-5xx", "web");
        assertThat(answered(DatadogSimulator.CREATE_MONITOR, 200, "ft-5xx/web")).isEqualTo(14);
        assertThat(answered(DatadogSimulator.CREATE_SLO, 200, "ft-5xx/web")).isEqualTo(2);
    }

    @Test
    void serverErrorsOnTheListsChangeNothingAndTheNextDriftCheckRepairs() {
        Resources.namespace(client, "ft-list");
        client.resource(Resources.serviceMonitoring("ft-list", "api", "api", "prod"))
                .create();
        sms.awaitExactlyTheDesiredObjects("ft-list", "api");
        long deleted = byTemplate(sms.monitorsOf("ft-list/api"), "error-rate")
                .path("id")
                .asLong();
        datadog.deleteMonitor(deleted);
        Condition readyBefore = ready(sms.get("ft-list", "api"));

        datadog.failNext(DatadogSimulator.LIST_MONITORS, 1, 500);
        driftCheckSkippingDatadogFailures();
        datadog.failNext(DatadogSimulator.LIST_MONITORS, 1, 503);
        driftCheckSkippingDatadogFailures();
        // A failed resync is not the resource's fault: its condition stays, and nothing was written for it.
        assertThat(sms.monitorsOf("ft-list/api")).hasSize(13);
        assertThat(ready(sms.get("ft-list", "api"))).isEqualTo(readyBefore);
        // Half a resync: the monitors are listed, the SLO list fails.
        datadog.failNext(DatadogSimulator.LIST_SLOS, 1, 502);
        driftCheckSkippingDatadogFailures();
        assertThat(datadog.pendingFaults()).isZero();

        driftCheck.run();
        sms.awaitExactlyTheDesiredObjects("ft-list", "api");
        assertThat(byTemplate(sms.monitorsOf("ft-list/api"), "error-rate")
                        .path("id")
                        .asLong())
                .isNotEqualTo(deleted);
    }

    @Test
    void readTimeoutsAreReportedAndACreateWhoseAnswerNeverCameIsNotMadeTwice() {
        Resources.namespace(client, "ft-timeout");
        client.resource(Resources.serviceMonitoring("ft-timeout", "web", "web", "prod"))
                .create();
        sms.awaitExactlyTheDesiredObjects("ft-timeout", "web");

        datadog.setLatency(Duration.ofSeconds(3)); // above the operator's 2 s read timeout
        try {
            sms.editSpec("ft-timeout", "web", spec -> spec.parameters = Map.of("latencyP95Ms", "400"));
            client.resource(Resources.serviceMonitoring("ft-timeout", "api", "api", "prod"))
                    .create();

            assertThat(sms.awaitNotReady("ft-timeout", "web", "DatadogUnavailable")
                            .getMessage())
                    .contains("PUT /api/v1/monitor");
            assertThat(sms.awaitNotReady("ft-timeout", "api", "DatadogUnavailable")
                            .getMessage())
                    .contains("POST /api/v1/slo");
        } finally {
            datadog.setLatency(Duration.ZERO);
        }
        sms.nudge("ft-timeout", "web");
        sms.nudge("ft-timeout", "api");
        sms.awaitReady("ft-timeout", "web");
        sms.awaitReady("ft-timeout", "api");

        // Datadog carried out a create whose answer never came (here: an SLO). The operator re-reads that service's
        // objects before creating again, so nothing is duplicated, and a resync finds nothing to repair.
        sms.awaitExactlyTheDesiredObjects("ft-timeout", "web", "api");
        assertThat(driftCheck.run()).doesNotContain("ft-timeout/web", "ft-timeout/api");
        assertThat(byTemplate(sms.monitorsOf("ft-timeout/web"), "latency-p95")
                        .path("query")
                        .asText())
                .endsWith("> 400");
    }

    @Test
    void malformedAnswersOnCreateAndListAreReportedAndRetried() {
        Resources.namespace(client, "ft-malformed");
        datadog.malformedNext(DatadogSimulator.CREATE_MONITOR, 3);
        client.resource(Resources.serviceMonitoring("ft-malformed", "web", "web", "prod"))
                .create();

        assertThat(sms.awaitNotReady("ft-malformed", "web", "DatadogUnavailable")
                        .getMessage())
                .contains("POST /api/v1/monitor");
        datadog.clearFaults();
        sms.nudge("ft-malformed", "web");
        sms.awaitExactlyTheDesiredObjects("ft-malformed", "web");

        long deleted = byTemplate(sms.monitorsOf("ft-malformed/web"), "traffic-drop")
                .path("id")
                .asLong();
        datadog.deleteMonitor(deleted);
        Condition readyBefore = ready(sms.get("ft-malformed", "web"));
        datadog.malformedNext(DatadogSimulator.LIST_MONITORS, 1);
        driftCheckSkippingDatadogFailures();
        // An answer that cannot be read is not an empty list: nothing is created again on its account.
        assertThat(datadog.pendingFaults()).isZero();
        assertThat(sms.monitorsOf("ft-malformed/web")).hasSize(13);
        assertThat(ready(sms.get("ft-malformed", "web"))).isEqualTo(readyBefore);

        driftCheck.run();
        sms.awaitExactlyTheDesiredObjects("ft-malformed", "web");
        assertThat(byTemplate(sms.monitorsOf("ft-malformed/web"), "traffic-drop")
                        .path("id")
                        .asLong())
                .isNotEqualTo(deleted);
    }

    @Test
    void aDriftCheckWhileDatadogIsDownThrowsNothingAndChangesNothing() {
        Resources.namespace(client, "ft-outage-resync");
        client.resource(Resources.serviceMonitoring("ft-outage-resync", "web", "web", "prod"))
                .create();
        sms.awaitExactlyTheDesiredObjects("ft-outage-resync", "web");
        Map<String, String> before = datadogObjectsOf("ft-outage-resync/web");
        String statusBefore =
                Serialization.asJson(sms.get("ft-outage-resync", "web").getStatus());

        datadog.setOutage(true);
        try {
            assertThatCode(driftCheck::run)
                    .as("a drift check while Datadog answers 503 to everything")
                    .doesNotThrowAnyException();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(datadogObjectsOf("ft-outage-resync/web")).isEqualTo(before);
                assertThat(Serialization.asJson(
                                sms.get("ft-outage-resync", "web").getStatus()))
                        .isEqualTo(statusBefore);
            });
        } finally {
            datadog.setOutage(false);
        }

        // What the operator knew survived the outage: the first resync after it finds nothing to repair.
        assertThat(driftCheck.run()).doesNotContain("ft-outage-resync/web");
        sms.awaitExactlyTheDesiredObjects("ft-outage-resync", "web");
        assertThat(datadogObjectsOf("ft-outage-resync/web")).isEqualTo(before);
    }

    @Test
    void aServiceMonitoringDeletedWhileDatadogIsDownKeepsItsFinalizerUntilItsObjectsAreDeleted() {
        Resources.namespace(client, "ft-outage-delete");
        client.resource(Resources.serviceMonitoring("ft-outage-delete", "staying", "staying", "prod"))
                .create();
        client.resource(Resources.serviceMonitoring("ft-outage-delete", "leaving", "leaving", "prod"))
                .create();
        sms.awaitExactlyTheDesiredObjects("ft-outage-delete", "staying", "leaving");
        Set<Long> staying = ids(sms.monitorsOf("ft-outage-delete/staying"));

        datadog.setOutage(true);
        try {
            client.resource(Resources.serviceMonitoring("ft-outage-delete", "arriving", "arriving", "prod"))
                    .create();
            assertThat(sms.awaitNotReady("ft-outage-delete", "arriving", "DatadogUnavailable")
                            .getMessage())
                    .contains("503");

            client.resources(ServiceMonitoring.class)
                    .inNamespace("ft-outage-delete")
                    .withName("leaving")
                    .delete();
            assertThat(sms.awaitWarning("ft-outage-delete", "leaving", "DatadogUnavailable")
                            .getMessage())
                    .contains("finalizer stays");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                ServiceMonitoring leaving = sms.get("ft-outage-delete", "leaving");
                assertThat(leaving).isNotNull();
                assertThat(leaving.getMetadata().getDeletionTimestamp()).isNotNull();
                assertThat(leaving.getMetadata().getFinalizers()).isNotEmpty();
            });
            assertThat(sms.monitorsOf("ft-outage-delete/leaving")).hasSize(14);
            assertThat(sms.slosOf("ft-outage-delete/leaving")).hasSize(2);
            assertThat(ready(sms.get("ft-outage-delete", "staying")).getStatus())
                    .isEqualTo("True");
        } finally {
            datadog.setOutage(false);
        }

        sms.nudge("ft-outage-delete", "arriving");
        if (sms.get("ft-outage-delete", "leaving") != null) {
            sms.nudge("ft-outage-delete", "leaving");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sms.get("ft-outage-delete", "leaving") == null);
        assertThat(sms.monitorsOf("ft-outage-delete/leaving")).isEmpty();
        assertThat(sms.slosOf("ft-outage-delete/leaving")).isEmpty();
        sms.awaitExactlyTheDesiredObjects("ft-outage-delete", "staying", "arriving");
        assertThat(ids(sms.monitorsOf("ft-outage-delete/staying"))).isEqualTo(staying);
    }

    @Test
    void rotatedKeysAreReportedAsForbiddenUntilTheOperatorsKeysWorkAgain() {
        Resources.namespace(client, "ft-keys");
        client.resource(Resources.serviceMonitoring("ft-keys", "web", "web", "prod"))
                .create();
        sms.awaitExactlyTheDesiredObjects("ft-keys", "web");

        // The keys were rotated in Datadog; the operator still has the old ones.
        datadog.setKeys("rotated-api-key", "rotated-app-key");
        try {
            sms.editSpec("ft-keys", "web", spec -> spec.parameters = Map.of("latencyP95Ms", "400"));
            client.resource(Resources.serviceMonitoring("ft-keys", "api", "api", "prod"))
                    .create();

            assertThat(sms.awaitNotReady("ft-keys", "web", "DatadogForbidden").getMessage())
                    .contains("403");
            assertThat(sms.awaitNotReady("ft-keys", "api", "DatadogForbidden").getMessage())
                    .contains("403");
            assertThat(sms.monitorsOf("ft-keys/api")).isEmpty();
            assertThat(sms.slosOf("ft-keys/api")).isEmpty();
            assertThat(byTemplate(sms.monitorsOf("ft-keys/web"), "latency-p95")
                            .path("query")
                            .asText())
                    .endsWith("> 500");
        } finally {
            datadog.setKeys(DatadogSimulator.DEFAULT_API_KEY, DatadogSimulator.DEFAULT_APP_KEY);
        }

        // The operator would look again in 5 minutes; re-applying the resources is what a person does.
        sms.nudge("ft-keys", "web");
        sms.nudge("ft-keys", "api");
        sms.awaitExactlyTheDesiredObjects("ft-keys", "web", "api");
        assertThat(byTemplate(sms.monitorsOf("ft-keys/web"), "latency-p95")
                        .path("query")
                        .asText())
                .endsWith("> 400");
    }

    @Test
    void aConflictOnTheStatusPatchIsRetriedWithoutWritingToDatadogAgain() {
        Resources.namespace(client, "ft-conflict");
        cluster.conflictOnStatusPatch("ft-conflict", "web", 3);
        client.resource(Resources.serviceMonitoring("ft-conflict", "web", "web", "prod"))
                .create();

        sms.awaitExactlyTheDesiredObjects("ft-conflict", "web");
        assertThat(cluster.pendingStatusConflicts())
                .as("status conflicts not answered")
                .isZero();
        assertThat(answered(DatadogSimulator.CREATE_MONITOR, 200, "ft-conflict/web"))
                .isEqualTo(14);
        assertThat(answered(DatadogSimulator.CREATE_SLO, 200, "ft-conflict/web"))
                .isEqualTo(2);

        // A spec change whose status write conflicts too: the monitor is updated once, and the status catches up.
        long errorRate = byTemplate(sms.monitorsOf("ft-conflict/web"), "error-rate")
                .path("id")
                .asLong();
        cluster.conflictOnStatusPatch("ft-conflict", "web", 2);
        sms.editSpec("ft-conflict", "web", spec -> spec.parameters = Map.of("errorRatePercent", "2"));

        sms.awaitExactlyTheDesiredObjects("ft-conflict", "web");
        assertThat(cluster.pendingStatusConflicts()).isZero();
        assertThat(datadog.monitor(errorRate).path("query").asText()).endsWith("> 2");
        assertThat(datadog.requests())
                .filteredOn(c -> c.key().equals(DatadogSimulator.UPDATE_MONITOR)
                        && c.path().endsWith("/" + errorRate))
                .hasSize(1);
    }

    /** A drift check as the scheduled one runs: a Datadog failure skips this round, and the next one tries again. */
    void driftCheckSkippingDatadogFailures() {
        try {
            driftCheck.run();
        } catch (DatadogException skipped) {
            // The scheduled check logs it and waits for its next round.
        }
    }

    /** Calls to the endpoint answered with this status whose request carried the owner's tag (creates). */
    int answered(String endpoint, int status, String owner) {
        return (int) datadog.requests().stream()
                .filter(c -> c.key().equals(endpoint)
                        && c.status() == status
                        && tags(c.body()).contains("mimamori-owner:" + owner))
                .count();
    }

    /** The owner's monitors and SLOs in Datadog, as Datadog holds them, by id. */
    Map<String, String> datadogObjectsOf(String owner) {
        Map<String, String> objects = new TreeMap<>();
        for (ObjectNode m : sms.monitorsOf(owner)) {
            objects.put("monitor " + m.path("id").asText(), m.toString());
        }
        for (JsonNode s : sms.slosOf(owner)) {
            objects.put("slo " + s.path("id").asText(), s.toString());
        }
        return objects;
    }
}
