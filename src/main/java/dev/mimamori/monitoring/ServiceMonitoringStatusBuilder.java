package dev.mimamori.monitoring;

import dev.mimamori.api.Condition;
import dev.mimamori.api.DashboardStatus;
import dev.mimamori.api.MonitorStatus;
import dev.mimamori.api.SloStatus;
import dev.mimamori.api.TelemetryStatus;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringStatus;
import dev.mimamori.status.Conditions;
import dev.mimamori.status.Reasons;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Every ServiceMonitoring status is built here, from the previous status and what the reconcile found. */
final class ServiceMonitoringStatusBuilder {

    private ServiceMonitoringStatusBuilder() {
    }

    /** What one successful reconcile found, for the status. */
    record Synced(int monitorsWanted, MonitorSync.Outcome monitors, List<SloSync.SyncedSlo> slos,
            DashboardStatus dashboard, TelemetryCheck.Result telemetry, List<String> rejected) {
    }

    static ServiceMonitoringStatus synced(ServiceMonitoring sm, Synced synced, Instant now) {
        ServiceMonitoringStatus status = base(sm);
        MonitorSync.Outcome outcome = synced.monitors();
        status.monitors = new ArrayList<>();
        for (MonitorSync.SyncedMonitor m : outcome.monitors()) {
            status.monitors.add(new MonitorStatus(m.templateName(), m.id(), m.url()));
        }
        int wanted = synced.monitorsWanted();
        status.monitorsInSync = outcome.monitors().size() + "/" + wanted;
        status.slos = synced.slos().isEmpty() ? null : synced.slos().stream()
                .map(s -> new SloStatus(s.desired().templateName(), s.id(), s.url(), s.desired().definition().target(),
                        s.desired().definition().timeframe()))
                .toList();
        status.dashboard = synced.dashboard();
        TelemetryCheck.Result telemetry = synced.telemetry();
        status.telemetry = telemetry.checkedAt() == null ? null
                : new TelemetryStatus(telemetry.missing(), telemetry.checked());
        status.conditions = telemetryCondition(status.conditions, telemetry, generation(sm), now);
        List<String> rejected = new ArrayList<>(outcome.rejected());
        rejected.addAll(synced.rejected());
        if (rejected.isEmpty()) {
            String message = wanted + " monitors" + (synced.slos().isEmpty() ? "" : ", " + synced.slos().size()
                    + (synced.slos().size() == 1 ? " SLO" : " SLOs")) + (synced.dashboard() == null ? "" : " and the dashboard") + " in sync with Datadog";
            if (telemetry.checkedAt() != null && !telemetry.missing().isEmpty()) {
                message += "; but Datadog received no data in the last hour for " + String.join(", ",
                        telemetry.missing()) + ", so the monitors and SLOs reading them are blind (see TelemetryFound)";
            }
            status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.TRUE,
                    Reasons.MONITORS_IN_SYNC, message, generation(sm), now);
        } else {
            status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.FALSE,
                    Reasons.MONITOR_REJECTED, "Datadog rejected " + String.join("; ", rejected),
                    generation(sm), now);
        }
        return status;
    }

    private static List<Condition> telemetryCondition(List<Condition> conditions, TelemetryCheck.Result telemetry,
            Long generation, Instant now) {
        if (telemetry.checkedAt() == null) {
            if (telemetry.problemReason() != null) {
                return Conditions.with(conditions, Conditions.TELEMETRY_FOUND, Conditions.UNKNOWN,
                        telemetry.problemReason(), "could not ask Datadog: " + telemetry.problemMessage(), generation,
                        now);
            }
            return Conditions.with(conditions, Conditions.TELEMETRY_FOUND, Conditions.UNKNOWN,
                    Reasons.TELEMETRY_NOT_CHECKED, "Datadog has not been asked yet", generation, now);
        }
        if (telemetry.checked() == 0) {
            return Conditions.with(conditions, Conditions.TELEMETRY_FOUND, Conditions.TRUE, Reasons.NO_METRIC_QUERIES,
                    "no monitor or SLO reads a metric", generation, now);
        }
        if (telemetry.missing().isEmpty()) {
            return Conditions.with(conditions, Conditions.TELEMETRY_FOUND, Conditions.TRUE, Reasons.TELEMETRY_FOUND,
                    "Datadog has data from the last hour for all " + telemetry.checked()
                            + " metrics the monitors and SLOs read", generation, now);
        }
        return Conditions.with(conditions, Conditions.TELEMETRY_FOUND, Conditions.FALSE, Reasons.TELEMETRY_MISSING,
                "no data in the last hour for " + telemetry.missing().size() + " of " + telemetry.checked()
                        + " metrics: " + String.join(", ", telemetry.missing()), generation, now);
    }

    /** A failure: the monitors, SLOs and links last known stay listed, since they still exist in Datadog. */
    static ServiceMonitoringStatus failed(ServiceMonitoring sm, String reason, String message, Instant now) {
        ServiceMonitoringStatus status = base(sm);
        status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.FALSE, reason, message,
                generation(sm), now);
        return status;
    }

    private static ServiceMonitoringStatus base(ServiceMonitoring sm) {
        ServiceMonitoringStatus previous = sm.getStatus();
        ServiceMonitoringStatus status = new ServiceMonitoringStatus();
        if (previous != null) {
            status.conditions = previous.conditions == null ? new ArrayList<>() : new ArrayList<>(previous.conditions);
            status.monitors = previous.monitors == null ? new ArrayList<>() : new ArrayList<>(previous.monitors);
            status.monitorsInSync = previous.monitorsInSync;
            status.slos = previous.slos;
            status.dashboard = previous.dashboard;
            status.telemetry = previous.telemetry;
        }
        status.observedGeneration = generation(sm);
        return status;
    }

    private static Long generation(ServiceMonitoring sm) {
        return sm.getMetadata().getGeneration();
    }

    static String readyReason(ServiceMonitoringStatus status) {
        var ready = status == null ? null : Conditions.find(status.conditions, Conditions.READY);
        return ready == null ? null : ready.getReason();
    }
}
