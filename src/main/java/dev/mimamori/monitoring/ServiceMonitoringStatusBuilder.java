package dev.mimamori.monitoring;

import dev.mimamori.api.MonitorStatus;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringStatus;
import dev.mimamori.status.Conditions;
import dev.mimamori.status.Reasons;

import java.time.Instant;
import java.util.ArrayList;

/** Every ServiceMonitoring status is built here, from the previous status and what the reconcile found. */
final class ServiceMonitoringStatusBuilder {

    private ServiceMonitoringStatusBuilder() {
    }

    static ServiceMonitoringStatus synced(ServiceMonitoring sm, int wanted, MonitorSync.Outcome outcome,
            Instant now) {
        ServiceMonitoringStatus status = base(sm);
        status.monitors = new ArrayList<>();
        for (MonitorSync.SyncedMonitor m : outcome.monitors()) {
            status.monitors.add(new MonitorStatus(m.templateName(), m.id(), m.url()));
        }
        status.monitorsInSync = outcome.monitors().size() + "/" + wanted;
        if (outcome.rejected().isEmpty()) {
            status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.TRUE,
                    Reasons.MONITORS_IN_SYNC, wanted + " monitors in sync with Datadog", generation(sm), now);
        } else {
            status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.FALSE,
                    Reasons.MONITOR_REJECTED, "Datadog rejected " + String.join("; ", outcome.rejected()),
                    generation(sm), now);
        }
        return status;
    }

    /** A failure: the monitors last known stay listed, since they still exist in Datadog. */
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
