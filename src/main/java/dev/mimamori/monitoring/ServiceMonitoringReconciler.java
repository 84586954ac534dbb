package dev.mimamori.monitoring;

import dev.mimamori.api.DeletionPolicy;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringStatus;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.api.DashboardStatus;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.RateLimitBudget;
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
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** Keys missing or refused: retried at most 5 minutes later (jitter included), so a fixed key is picked up. */
    static final Duration KEY_PROBLEM_RETRY = Duration.ofSeconds(285);

    private final MimamoriConfig config;
    private final MonitorSync sync;
    private final MonitorInventory inventory;
    private final SloSync sloSync;
    private final SloInventory sloInventory;
    private final DashboardSync dashboards;
    private final TelemetryCheck telemetry;
    private final DatadogApi datadog;
    private volatile IndexedResourceCache<ServiceMonitoring> serviceMonitors;
    private final KubeEvents events;
    private final MeterRegistry registry;
    private final SimpleInboundEventSource<ServiceMonitoring> driftEvents = new SimpleInboundEventSource<>("drift");

    public ServiceMonitoringReconciler(MimamoriConfig config, MonitorSync sync, MonitorInventory inventory,
            SloSync sloSync, SloInventory sloInventory, DashboardSync dashboards, TelemetryCheck telemetry,
            DatadogApi datadog, KubeEvents events, MeterRegistry registry) {
        this.config = config;
        this.sync = sync;
        this.inventory = inventory;
        this.sloSync = sloSync;
        this.sloInventory = sloInventory;
        this.dashboards = dashboards;
        this.telemetry = telemetry;
        this.datadog = datadog;
        telemetry.wakeUp(this);
        this.events = events;
        this.registry = registry;
    }

    @Override
    public List<EventSource<?, ServiceMonitoring>> prepareEventSources(EventSourceContext<ServiceMonitoring> context) {
        this.serviceMonitors = context.getPrimaryCache();
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

    /** Asks for a reconcile of the ServiceMonitorings using these profiles (their dashboard changed in Datadog). */
    public void wakeUsersOf(Set<String> profiles) {
        if (serviceMonitors == null || profiles.isEmpty()) {
            return;
        }
        serviceMonitors.list(sm -> sm.getSpec() != null && profiles.contains(sm.getSpec().profileName()))
                .forEach(sm -> driftEvents.propagateEvent(ResourceID.fromResource(sm)));
    }

    /** Asks for a reconcile of these owners ({@code namespace/name}): what they have in Datadog changed. */
    public void wake(Set<String> owners) {
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
        String owner = sm.ownerKey();
        ServiceMonitoringStatusBuilder.Synced synced;
        try {
            SloSync.Upserted slos = sloSync.upsert(owner, rendering.slos());
            List<DesiredMonitor> monitors = new ArrayList<>(rendering.monitors());
            slos.slos().forEach(s -> monitors.addAll(s.desired().alertMonitors(s.id())));
            MonitorSync.Outcome outcome = sync.sync(owner, monitors);
            // Only now: Datadog refuses to delete an SLO while a burn-rate monitor still points at it.
            List<String> slosDeleted = sloSync.deleteExtras(owner, slos.extras());
            List<String> rejected = new ArrayList<>(slos.rejected());
            // Told before the dashboard call, which may fail: these writes happened either way.
            announce(sm, outcome, slos, slosDeleted);
            DashboardStatus dashboard = dashboard(sm, rendering, rejected);
            TelemetryCheck.Result seen = telemetry.resultFor(owner, new TelemetryCheck.Probe(sm.getSpec().service,
                    sm.getSpec().env, TelemetryMetrics.in(queries(monitors, slos.slos()))));
            synced = new ServiceMonitoringStatusBuilder.Synced(monitors.size(), outcome, slos.slos(), dashboard, seen,
                    rejected);
        } catch (DatadogException e) {
            return fail(sm, Reasons.of(e), e.getMessage(), retryDelay(e));
        }
        return withStatus(sm, ServiceMonitoringStatusBuilder.synced(sm, synced, Instant.now()), null);
    }

    /** The shared dashboard of the profile: made to exist (or go) as the profile says, then linked for this service. */
    private DashboardStatus dashboard(ServiceMonitoring sm, Rendering rendering, List<String> rejected) {
        try {
            DashboardSync.Outcome outcome = dashboards.ensure(sm.getSpec().profileName(), rendering.dashboard());
            dashboards.deleteUnused(sm.getSpec().profileName(), () -> profilesInUse(null));
            if (outcome.change() != null) {
                events.record(sm, KubeEvents.NORMAL, "Dashboard" + capitalised(outcome.change()),
                        "dashboard of profile " + sm.getSpec().profileName() + " " + outcome.change());
            }
            if (outcome.id() == null) {
                return null;
            }
            return new DashboardStatus(outcome.id(), datadog.dashboardUrl(outcome.id(),
                    Map.of("service", sm.getSpec().service, "env", sm.getSpec().env)));
        } catch (DatadogException e) {
            if (e.kind() != DatadogException.Kind.REJECTED) {
                throw e;
            }
            rejected.add("dashboard: " + e.getMessage());
            return null;
        }
    }

    /** Profiles used by ServiceMonitorings that are not being deleted, leaving out {@code leaving}. */
    private Set<String> profilesInUse(ServiceMonitoring leaving) {
        if (serviceMonitors == null) {
            return Set.of();
        }
        return serviceMonitors.list(sm -> sm.getSpec() != null && sm.getMetadata().getDeletionTimestamp() == null
                        && (leaving == null || !sm.getMetadata().getUid().equals(leaving.getMetadata().getUid())))
                .map(sm -> sm.getSpec().profileName()).collect(Collectors.toSet());
    }

    private static List<String> queries(List<DesiredMonitor> monitors, List<SloSync.SyncedSlo> slos) {
        List<String> queries = new ArrayList<>();
        monitors.forEach(m -> queries.add(m.definition().query()));
        slos.forEach(s -> {
            queries.add(s.desired().definition().numerator());
            queries.add(s.desired().definition().denominator());
        });
        return queries;
    }

    private static String capitalised(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    @Override
    public DeleteControl cleanup(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        telemetry.forget(sm.ownerKey());
        if (sm.getSpec() != null && sm.getSpec().effectiveDeletionPolicy() == DeletionPolicy.Orphan) {
            inventory.forget(sm.ownerKey());
            sloInventory.forget(sm.ownerKey());
            events.record(sm, KubeEvents.NORMAL, "MonitorsOrphaned",
                    "deletionPolicy is Orphan: the monitors and SLOs stay in Datadog");
        }
        try {
            if (sm.getSpec() == null || sm.getSpec().effectiveDeletionPolicy() != DeletionPolicy.Orphan) {
                // Monitors first: the burn-rate monitors must be gone before Datadog lets their SLOs go.
                int deleted = sync.deleteAll(sm.ownerKey());
                int slosDeleted = sloSync.deleteAll(sm.ownerKey());
                LOG.infof("%s: deleted %d monitors and %d SLOs from Datadog", sm.ownerKey(), deleted, slosDeleted);
            }
            dashboards.deleteUnused(null, () -> profilesInUse(sm));
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

    private void announce(ServiceMonitoring sm, MonitorSync.Outcome outcome, SloSync.Upserted slos,
            List<String> slosDeleted) {
        if (!slos.created().isEmpty()) {
            events.record(sm, KubeEvents.NORMAL, "SlosCreated", "SLOs created in Datadog: " + slos.created());
        }
        if (!slos.updated().isEmpty()) {
            events.record(sm, KubeEvents.NORMAL, "SlosUpdated", "SLOs updated in Datadog: " + slos.updated());
        }
        if (!slosDeleted.isEmpty()) {
            events.record(sm, KubeEvents.NORMAL, "SlosDeleted", "deleted from Datadog: " + slosDeleted);
        }
        if (!slos.rejected().isEmpty()) {
            events.record(sm, KubeEvents.WARNING, Reasons.MONITOR_REJECTED, String.join("; ", slos.rejected()));
        }
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
        // Jittered, so that many resources failing together do not come back together.
        return RateLimitBudget.withJitter(e.isTransient() ? TRANSIENT_RETRY : KEY_PROBLEM_RETRY);
    }
}
