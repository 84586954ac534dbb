package dev.mimamori.monitoring;

import dev.mimamori.api.DeletionPolicy;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringStatus;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.status.KubeEvents;
import dev.mimamori.status.Reasons;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps one service's monitors in Datadog equal to what its profile and spec render to. Reads Datadog only through
 * the shared {@link MonitorInventory}; the periodic drift check ({@link DriftCheck}) wakes it up when Datadog changed.
 */
@ControllerConfiguration(name = "servicemonitoring")
public class ServiceMonitoringReconciler implements Reconciler<ServiceMonitoring>, Cleaner<ServiceMonitoring> {
    private static final Logger LOG = Logger.getLogger(ServiceMonitoringReconciler.class);
    static final Duration TRANSIENT_RETRY = Duration.ofSeconds(30);

    private final MimamoriConfig config;
    private final MonitorSync sync;
    private final MonitorInventory inventory;
    private final KubeEvents events;
    private final MeterRegistry registry;
    private final SimpleInboundEventSource<ServiceMonitoring> driftEvents = new SimpleInboundEventSource<>("drift");

    public ServiceMonitoringReconciler(MimamoriConfig config, MonitorSync sync, MonitorInventory inventory,
            KubeEvents events, MeterRegistry registry) {
        this.config = config;
        this.sync = sync;
        this.inventory = inventory;
        this.events = events;
        this.registry = registry;
    }

    @Override
    public List<EventSource<?, ServiceMonitoring>> prepareEventSources(EventSourceContext<ServiceMonitoring> context) {
        var profiles = InformerEventSourceConfiguration.from(MonitoringProfile.class, ServiceMonitoring.class)
                .withName("profiles")
                .withSecondaryToPrimaryMapper(profile -> context.getPrimaryCache()
                        .list(sm -> sm.getSpec() != null
                                && sm.getSpec().profileName().equals(profile.getMetadata().getName()))
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .<ServiceMonitoring>withPrimaryToSecondaryMapper(sm -> Set.of(new ResourceID(
                        sm.getSpec().profileName())))
                .build();
        return List.of(new InformerEventSource<>(profiles, context), driftEvents);
    }

    /** Asks for a reconcile of these owners ({@code namespace/name}), whose monitors changed in Datadog. */
    public void monitorsChanged(Set<String> owners) {
        for (String owner : owners) {
            int slash = owner.indexOf('/');
            if (slash > 0) {
                driftEvents.propagateEvent(new ResourceID(owner.substring(slash + 1), owner.substring(0, slash)));
            }
        }
    }

    @Override
    public UpdateControl<ServiceMonitoring> reconcile(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        registry.counter("mimamori.reconciles", "kind", "ServiceMonitoring").increment();
        MonitoringProfileSpec profile = profileFor(sm, context);
        if (profile == null) {
            return fail(sm, Reasons.PROFILE_NOT_FOUND, "MonitoringProfile \"" + sm.getSpec().profileName()
                    + "\" does not exist; create it or set spec.profile to an existing one", null);
        }
        Rendering rendering = MonitorRenderer.render(profile, sm.getSpec(), sm.ownerKey(), config.clusterName());
        if (!rendering.ok()) {
            return fail(sm, rendering.problem().reason(), rendering.problem().message(), null);
        }
        MonitorSync.Outcome outcome;
        try {
            outcome = sync.sync(sm.ownerKey(), rendering.monitors());
        } catch (DatadogException e) {
            return fail(sm, Reasons.of(e), e.getMessage(), retryDelay(e));
        }
        announce(sm, outcome);
        return withStatus(sm, ServiceMonitoringStatusBuilder.synced(sm, rendering.monitors().size(), outcome,
                Instant.now()), null);
    }

    @Override
    public DeleteControl cleanup(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        if (sm.getSpec() != null && sm.getSpec().effectiveDeletionPolicy() == DeletionPolicy.Orphan) {
            inventory.forget(sm.ownerKey());
            events.record(sm, KubeEvents.NORMAL, "MonitorsOrphaned",
                    "deletionPolicy is Orphan: the monitors stay in Datadog");
            return DeleteControl.defaultDelete();
        }
        try {
            int deleted = sync.deleteAll(sm.ownerKey());
            LOG.infof("%s: deleted %d monitors from Datadog", sm.ownerKey(), deleted);
            return DeleteControl.defaultDelete();
        } catch (DatadogException e) {
            events.record(sm, KubeEvents.WARNING, Reasons.of(e),
                    "cannot delete the monitors yet, the finalizer stays until it succeeds: " + e.getMessage());
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(retryDelay(e).toMillis());
        }
    }

    private MonitoringProfileSpec profileFor(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        var found = context.getSecondaryResource(MonitoringProfile.class);
        if (found.isPresent()) {
            MonitoringProfile profile = found.get();
            return profile.getSpec() == null ? new MonitoringProfileSpec() : profile.getSpec();
        }
        return BuiltInProfile.NAME.equals(sm.getSpec().profileName()) ? BuiltInProfile.spec() : null;
    }

    private void announce(ServiceMonitoring sm, MonitorSync.Outcome outcome) {
        if (!outcome.created().isEmpty()) {
            events.record(sm, KubeEvents.NORMAL, "MonitorsCreated", "created in Datadog: " + outcome.created());
        }
        if (!outcome.updated().isEmpty()) {
            events.record(sm, KubeEvents.NORMAL, "MonitorsUpdated", "updated in Datadog: " + outcome.updated());
        }
        if (!outcome.deleted().isEmpty()) {
            events.record(sm, KubeEvents.NORMAL, "MonitorsDeleted", "deleted from Datadog: " + outcome.deleted());
        }
        if (!outcome.rejected().isEmpty()) {
            events.record(sm, KubeEvents.WARNING, Reasons.MONITOR_REJECTED, String.join("; ", outcome.rejected()));
        }
        if (!outcome.created().isEmpty() || !outcome.updated().isEmpty() || !outcome.deleted().isEmpty()) {
            LOG.infof("%s: created %s, updated %s, deleted %s", sm.ownerKey(), outcome.created(), outcome.updated(),
                    outcome.deleted());
        }
    }

    private UpdateControl<ServiceMonitoring> fail(ServiceMonitoring sm, String reason, String message,
            Duration retry) {
        if (!reason.equals(ServiceMonitoringStatusBuilder.readyReason(sm.getStatus()))) {
            events.record(sm, KubeEvents.WARNING, reason, message);
            LOG.warnf("%s: %s: %s", sm.ownerKey(), reason, message);
        }
        return withStatus(sm, ServiceMonitoringStatusBuilder.failed(sm, reason, message, Instant.now()), retry);
    }

    /** Patches the status only when it changed, so an idle resync costs the API server nothing either. */
    private static UpdateControl<ServiceMonitoring> withStatus(ServiceMonitoring sm, ServiceMonitoringStatus status,
            Duration retry) {
        boolean changed = !Objects.equals(Serialization.asJson(sm.getStatus()), Serialization.asJson(status));
        UpdateControl<ServiceMonitoring> control;
        if (changed) {
            sm.setStatus(status);
            control = UpdateControl.patchStatus(sm);
        } else {
            control = UpdateControl.noUpdate();
        }
        return retry == null ? control : control.rescheduleAfter(retry);
    }

    /** Transient failures come back after the rate-limit reset or a short pause; key problems after a longer one. */
    static Duration retryDelay(DatadogException e) {
        if (e.retryAfter() != null) {
            return e.retryAfter();
        }
        return e.isTransient() ? TRANSIENT_RETRY : Duration.ofMinutes(5);
    }
}
