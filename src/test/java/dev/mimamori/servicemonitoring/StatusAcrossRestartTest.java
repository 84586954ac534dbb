package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.Condition;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringStatus;
import dev.mimamori.status.Conditions;
import dev.mimamori.sync.SyncRun;
import dev.mimamori.sync.SyncedObject;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The status a restarted operator writes before its background checks have run: what the previous process found
 * still stands, so a restart or failover changes no condition and leaves every status as it was (nothing to write).
 */
class StatusAcrossRestartTest {
    static final Instant BEFORE = Instant.parse("2026-12-04T10:00:00Z");
    static final Instant AFTER_RESTART = Instant.parse("2026-12-04T11:00:00Z");

    final ServiceSync.Outcome inSync = new ServiceSync.Outcome(
            1,
            List.of(new SyncedObject("monitor", "latency", "101", "https://app.datadoghq.com/monitors/101")),
            List.of(),
            new SyncRun.Report(List.of(), List.of(), List.of(), List.of()),
            null);
    final TraceOperations.Choice detected =
            TraceOperations.choose("http.request", null, Set.of("servlet.request", "http.request"));

    @Test
    void aReconcileBeforeTheFirstChecksOfANewProcessLeavesTheStatusAsThePreviousOneWroteIt() {
        ServiceMonitoring sm = previousLife(List.of("trace.servlet.request.errors"));

        ServiceMonitoringStatus afterRestart =
                ServiceMonitoringStatusBuilder.synced(sm, pendingChecks(), AFTER_RESTART);

        assertThat(Serialization.asJson(afterRestart)).isEqualTo(Serialization.asJson(sm.getStatus()));
        assertThat(Conditions.find(afterRestart.conditions, Conditions.READY).getMessage())
                .contains("no data in the last hour for trace.servlet.request.errors");
    }

    @Test
    void aSpecChangedWhileTheOperatorWasDownIsNotJudgedByFindingsAboutTheOldOne() {
        ServiceMonitoring sm = previousLife(List.of());
        sm.getMetadata().setGeneration(3L); // for example another service or env

        ServiceMonitoringStatus afterRestart =
                ServiceMonitoringStatusBuilder.synced(sm, pendingChecks(), AFTER_RESTART);

        Condition telemetry = Conditions.find(afterRestart.conditions, Conditions.TELEMETRY_FOUND);
        assertThat(telemetry.getStatus()).isEqualTo(Conditions.UNKNOWN);
        assertThat(telemetry.getReason()).isEqualTo("TelemetryNotChecked");
        assertThat(afterRestart.telemetry).isNull();
        assertThat(Conditions.find(afterRestart.conditions, Conditions.CONTENTION)
                        .getReason())
                .isEqualTo("ContentionNotChecked");
    }

    @Test
    void findingsAboutAnOldSpecDoNotCountForANewOneWhoseFirstReconcileOnlyGotAsFarAsQueued() {
        ServiceMonitoring sm = previousLife(List.of());
        sm.getMetadata().setGeneration(3L); // the service moved to another name
        // Its first reconcile waited for Datadog's write window: the status now carries generation 3.
        sm.setStatus(ServiceMonitoringStatusBuilder.queued(
                sm, "monitor writes wait for Datadog's window", java.time.Duration.ofSeconds(20), AFTER_RESTART));

        ServiceMonitoringStatus next = ServiceMonitoringStatusBuilder.synced(sm, pendingChecks(), AFTER_RESTART);

        assertThat(Conditions.find(next.conditions, Conditions.TELEMETRY_FOUND).getReason())
                .isEqualTo("TelemetryNotChecked");
        assertThat(Conditions.find(next.conditions, Conditions.CONTENTION).getReason())
                .isEqualTo("ContentionNotChecked");
        assertThat(TraceOperations.seenOrRecorded(
                        null,
                        sm.getStatus().traceOperation,
                        ServiceMonitoringStatusBuilder.foundForCurrentSpec(sm, Conditions.TELEMETRY_FOUND)))
                .as("the old service's detected operations")
                .isNull();
    }

    /** A resource whose status the previous process wrote after its telemetry and contention checks had answered. */
    private ServiceMonitoring previousLife(List<String> missing) {
        ServiceMonitoring sm = Resources.serviceMonitoring("shop", "orders", "orders", "prod");
        sm.getMetadata().setGeneration(2L);
        TelemetryCheck.Result telemetry = new TelemetryCheck.Result(BEFORE, missing, 3, null, null);
        NodeContention.Finding clear = new NodeContention.Finding(
                "orders", NodeContention.State.CLEAR, List.of("node-a"), List.of(), List.of());
        ContentionCheck.Result contention = new ContentionCheck.Result(BEFORE, clear, null, null);
        sm.setStatus(ServiceMonitoringStatusBuilder.synced(
                sm,
                new ServiceMonitoringStatusBuilder.Synced(inSync, null, telemetry, List.of(), detected, contention),
                BEFORE));
        return sm;
    }

    private ServiceMonitoringStatusBuilder.Synced pendingChecks() {
        return new ServiceMonitoringStatusBuilder.Synced(
                inSync, null, TelemetryCheck.Result.PENDING, List.of(), detected, ContentionCheck.Result.PENDING);
    }
}
