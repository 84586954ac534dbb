package dev.mimamori.servicemonitoring;

import dev.mimamori.api.DashboardStatus;
import dev.mimamori.api.DeletionPolicy;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogCaller;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.RateLimitBudget;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.render.TelemetryMetrics;
import dev.mimamori.status.Conditions;
import dev.mimamori.status.KubeEvents;
import dev.mimamori.status.Reason;
import dev.mimamori.status.Reasons;
import dev.mimamori.status.StatusWriter;
import dev.mimamori.sync.ObjectProblem;
import dev.mimamori.sync.SyncRun;
import dev.mimamori.tenancy.PolicyCheck;
import dev.mimamori.tenancy.TenantPolicies;
import dev.mimamori.tenancy.TenantRules;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps one service's monitors, SLOs and dashboard link in Datadog equal to what its profile and spec render to. It
 * renders, hands the result to {@link ServiceSync}, tells what happened and writes status; it computes nothing
 * itself. Background checks wake it through {@link ServiceMonitoringEvents}.
 */
// Without JOSDK's read-after-write cache (JOSDK 5.3.2): an event that arrived while our own status patch was in flight
// could be dropped as our own, and was a deletion then waited for the next scheduled reconcile
// (TraceOperationOperatorTest
// timed out on it about every other run); and the cache kept a full copy of a ServiceMonitoring after a status write,
// some until it next changed. A reconcile may now read a copy older than its own last status write: status is written
// whole with the resourceVersion read (StatusWriter.Optimistic), so such a write is refused and made again, not merged.
@ControllerConfiguration(name = "servicemonitoring", informer = @Informer(comparableResourceVersions = false))
public class ServiceMonitoringReconciler implements Reconciler<ServiceMonitoring>, Cleaner<ServiceMonitoring> {
    private static final Logger LOG = Logger.getLogger(ServiceMonitoringReconciler.class);
    static final Duration TRANSIENT_RETRY = Duration.ofSeconds(30);
    /** Keys missing or refused: retried at most 5 minutes later (jitter included), so a fixed key is picked up. */
    static final Duration KEY_PROBLEM_RETRY = Duration.ofSeconds(285);

    static final Duration DASHBOARD_BUSY_RETRY = Duration.ofSeconds(2);
    /** A deletion Datadog refuses until someone removes a reference: looked at again every minute or so. */
    static final Duration BLOCKED_DELETION_RETRY = Duration.ofSeconds(57);

    private final MimamoriConfig config;
    private final ServiceSync sync;
    private final TelemetryCheck telemetry;
    private final ContentionCheck contention;
    private final DatadogApi datadog;
    private final ServiceMonitoringEvents wakeUps;
    private final KubeEvents events;
    private final MeterRegistry registry;
    private final Clock clock;
    private final TenantPolicies policies;
    private final StatusWriter.Optimistic statuses;
    /** By uid, the failure reason last announced: the copy a reconcile reads may not show it yet (no JOSDK cache). */
    private final Map<String, String> announced = new java.util.concurrent.ConcurrentHashMap<>();

    public ServiceMonitoringReconciler(
            MimamoriConfig config,
            ServiceSync sync,
            TelemetryCheck telemetry,
            ContentionCheck contention,
            DatadogApi datadog,
            ServiceMonitoringEvents wakeUps,
            KubeEvents events,
            MeterRegistry registry,
            Clock clock,
            TenantPolicies policies,
            KubernetesClient client) {
        this.policies = policies;
        this.statuses = new StatusWriter.Optimistic(client);
        this.config = config;
        this.sync = sync;
        this.telemetry = telemetry;
        this.contention = contention;
        this.datadog = datadog;
        this.wakeUps = wakeUps;
        this.events = events;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, ServiceMonitoring>> prepareEventSources(EventSourceContext<ServiceMonitoring> context) {
        wakeUps.attach(context.getPrimaryCache());
        var profiles = InformerEventSourceConfiguration.from(MonitoringProfile.class, ServiceMonitoring.class)
                .withName("profiles")
                .withSecondaryToPrimaryMapper(profile -> context.getPrimaryCache()
                        .list(sm -> sm.getSpec() != null
                                && sm.getSpec()
                                        .profileName()
                                        .equals(profile.getMetadata().getName()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .<ServiceMonitoring>withPrimaryToSecondaryMapper(sm -> sm.getSpec() == null
                        ? Set.of()
                        : Set.of(new ResourceID(sm.getSpec().profileName())))
                .build();
        return List.of(new InformerEventSource<>(profiles, context), wakeUps.source());
    }

    @Override
    public UpdateControl<ServiceMonitoring> reconcile(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        // Datadog's rate limits are shared fairly between namespaces: these calls count for this one.
        try (var caller = DatadogCaller.actFor(sm.getMetadata().getNamespace())) {
            return synchronize(sm, context);
        }
    }

    private UpdateControl<ServiceMonitoring> synchronize(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        registry.counter("mimamori.reconciles", "kind", "ServiceMonitoring").increment();
        if (sm.getSpec() == null) {
            return fail(
                    sm,
                    Reason.InvalidSpec.name(),
                    "spec is missing: a ServiceMonitoring needs at least service " + "and env",
                    null);
        }
        MonitoringProfileSpec profile = profileFor(sm, context);
        if (profile == null) {
            return fail(
                    sm,
                    Reasons.PROFILE_NOT_FOUND,
                    "MonitoringProfile \"" + sm.getSpec().profileName()
                            + "\" does not exist; create it or set spec.profile to an existing one",
                    null);
        }
        PolicyCheck.Violation profileRefused = profileViolation(sm, context);
        if (profileRefused != null) {
            return fail(sm, Reasons.POLICY_VIOLATION, profileRefused.describe(), null);
        }
        TraceOperations.Choice operation = traceOperation(profile, sm);
        Rendering rendering = MonitorRenderer.render(
                profile, withOperation(sm.getSpec(), operation), sm.ownerKey(), config.clusterName());
        if (!rendering.ok()) {
            return fail(sm, rendering.problem().reason(), rendering.problem().message(), null);
        }
        PolicyCheck.Violation violation = violation(sm, rendering, context);
        if (violation != null) {
            // Nothing is written: what is in Datadog from before stays until the spec is fixed or deleted.
            return fail(sm, Reasons.POLICY_VIOLATION, violation.describe(), null);
        }
        String owner = sm.ownerKey();
        ServiceSync.Outcome outcome = sync.sync(owner, rendering);
        // Told before anything else can fail: these writes happened either way.
        announce(sm, outcome.report());
        if (outcome.failure() != null) {
            return failOnDatadog(sm, outcome.failure());
        }
        // Recorded before the dashboard is synced, so a concurrent sweep of unused dashboards sees it chosen, and
        // before this reconcile's own sweep, so the one this service just moved off goes now if nobody else uses it.
        String dashboardOwner =
                rendering.dashboard().map(ServiceSync::dashboardOwner).orElse(null);
        wakeUps.usesDashboard(sm, dashboardOwner);
        ServiceSync.DashboardOutcome dashboard = rendering
                .dashboard()
                .map(sync::dashboard)
                .orElse(new ServiceSync.DashboardOutcome(null, null, null, false));
        if (dashboard.report() != null) {
            announce(sm, dashboard.report());
        }
        if (dashboard.failure() != null) {
            return failOnDatadog(sm, dashboard.failure());
        }
        sync.deleteUnusedDashboards(dashboardOwner, null);
        List<ObjectProblem> problems = new ArrayList<>(outcome.report().problems());
        if (dashboard.report() != null) {
            problems.addAll(dashboard.report().problems());
        }
        TelemetryCheck.Result seen = telemetry.resultFor(
                owner,
                new TelemetryCheck.Probe(
                        sm.getSpec().service, sm.getSpec().env, TelemetryMetrics.in(queries(rendering, outcome))));
        var synced = new ServiceMonitoringStatusBuilder.Synced(
                outcome,
                dashboardStatus(sm, dashboard.id()),
                seen,
                problems,
                operation,
                contention.resultFor(owner, sm.getSpec().service, sm.getSpec().env));
        // Another reconcile is creating the shared dashboard: look again shortly for its link, without waiting.
        Duration again = dashboard.busy()
                        && dashboard.id() == null
                        && rendering.dashboard().isPresent()
                ? RateLimitBudget.withJitter(DASHBOARD_BUSY_RETRY)
                : null;
        announced.remove(sm.getMetadata().getUid());
        return statuses.write(sm, ServiceMonitoringStatusBuilder.synced(sm, synced, clock.instant()), again);
    }

    @Override
    public ErrorStatusUpdateControl<ServiceMonitoring> updateErrorStatus(
            ServiceMonitoring sm, Context<ServiceMonitoring> context, Exception e) {
        LOG.warnf("%s: reconcile failed, retried by the operator: %s", sm.ownerKey(), e.toString());
        return statuses.writeError(
                sm,
                ServiceMonitoringStatusBuilder.failed(
                        sm,
                        Reasons.RECONCILE_ERROR,
                        "unexpected error, retried: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        clock.instant()));
    }

    /** The trace operation to render with, for profiles that declare the parameter; null for the others. */
    private TraceOperations.Choice traceOperation(MonitoringProfileSpec profile, ServiceMonitoring sm) {
        String profileDefault = profile.parameters == null ? null : profile.parameters.get(TraceOperations.PARAMETER);
        if (profileDefault == null) {
            return null;
        }
        ServiceMonitoringSpec spec = sm.getSpec();
        return TraceOperations.choose(
                profileDefault,
                spec.parameters == null ? null : spec.parameters.get(TraceOperations.PARAMETER),
                TraceOperations.seenOrRecorded(
                        telemetry.operationsOf(spec.service, spec.env),
                        sm.getStatus() == null ? null : sm.getStatus().traceOperation,
                        ServiceMonitoringStatusBuilder.foundForCurrentSpec(sm, Conditions.TELEMETRY_FOUND)));
    }

    /** The spec as rendered: a detected operation is filled in as if the service had set it. */
    private static ServiceMonitoringSpec withOperation(ServiceMonitoringSpec spec, TraceOperations.Choice operation) {
        if (operation == null || operation.source() != TraceOperations.Source.detected) {
            return spec;
        }
        ServiceMonitoringSpec copy = Serialization.unmarshal(Serialization.asJson(spec), ServiceMonitoringSpec.class);
        copy.parameters = new java.util.HashMap<>(spec.parameters == null ? Map.of() : spec.parameters);
        copy.parameters.put(TraceOperations.PARAMETER, operation.used());
        return copy;
    }

    /** Judged before rendering: a profile's queries and messages are trusted, so who may use it is the check. */
    private PolicyCheck.Violation profileViolation(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        String namespace = sm.getMetadata().getNamespace();
        boolean shared = context.getSecondaryResource(MonitoringProfile.class)
                .map(p -> p.getSpec() != null && Boolean.TRUE.equals(p.getSpec().shared))
                .orElse(false);
        return PolicyCheck.profile(
                policies.rulesFor(namespace), namespace, sm.getSpec().profileName(), shared);
    }

    private PolicyCheck.Violation violation(
            ServiceMonitoring sm, Rendering rendering, Context<ServiceMonitoring> context) {
        String namespace = sm.getMetadata().getNamespace();
        TenantRules rules = policies.rulesFor(namespace);
        PolicyCheck.Violation violation = PolicyCheck.serviceMonitoring(rules, namespace, sm.getSpec(), rendering);
        if (violation != null || rules.maxServiceMonitorings() == null) {
            return violation;
        }
        return PolicyCheck.count(
                rules,
                "maxServiceMonitorings",
                rules.maxServiceMonitorings(),
                context.getPrimaryCache().list(namespace).toList(),
                sm,
                "ServiceMonitorings");
    }

    private DashboardStatus dashboardStatus(ServiceMonitoring sm, String id) {
        if (id == null) {
            return null;
        }
        return new DashboardStatus(
                id, datadog.dashboardUrl(id, Map.of("service", sm.getSpec().service, "env", sm.getSpec().env)));
    }

    private static List<String> queries(Rendering rendering, ServiceSync.Outcome outcome) {
        List<String> queries = new ArrayList<>();
        rendering.monitors().forEach(m -> queries.add(m.definition().query()));
        outcome.slos().forEach(s -> {
            queries.add(s.desired().definition().numerator());
            queries.add(s.desired().definition().denominator());
        });
        return queries;
    }

    @Override
    public DeleteControl cleanup(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        try (var caller = DatadogCaller.actFor(sm.getMetadata().getNamespace())) {
            return remove(sm, context);
        }
    }

    private DeleteControl remove(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        String owner = sm.ownerKey();
        telemetry.forget(owner);
        contention.forget(owner);
        try {
            if (sm.getSpec() != null && sm.getSpec().effectiveDeletionPolicy() == DeletionPolicy.Orphan) {
                int released = sync.release(owner);
                events.record(
                        sm,
                        KubeEvents.NORMAL,
                        "MonitorsOrphaned",
                        "deletionPolicy is Orphan: " + released
                                + " monitors and SLOs stay in Datadog, no longer managed");
            } else {
                SyncRun.Report removed = sync.remove(owner);
                announce(sm, removed);
                if (!removed.problems().isEmpty()) {
                    return blocked(sm, context, removed.problems());
                }
            }
            sync.deleteUnusedDashboards(null, sm.getMetadata().getUid());
            wakeUps.forgetDashboardUse(sm);
            wakeUps.deletionDone(owner);
            statuses.forget(sm.getMetadata().getUid());
            announced.remove(sm.getMetadata().getUid());
            return DeleteControl.defaultDelete();
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.RATE_LIMITED) {
                // Not a problem and not an event, but a deletion that waits should say so where operators look.
                LOG.infof("%s: deletion %s: %s", owner, Reasons.QUEUED, e.getMessage());
            } else {
                events.record(
                        sm,
                        KubeEvents.WARNING,
                        Reasons.of(e),
                        "cannot delete the monitors yet, the finalizer stays until it succeeds: " + e.getMessage());
            }
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(retryDelay(e).toMillis());
        }
    }

    /** The finalizer stays; the status and a Warning say which objects block it and how to unblock them. */
    private DeleteControl blocked(
            ServiceMonitoring sm, Context<ServiceMonitoring> context, List<ObjectProblem> problems) {
        wakeUps.deletionBlocked(sm.ownerKey());
        var status = ServiceMonitoringStatusBuilder.deletionBlocked(sm, problems, clock.instant());
        String message = status.conditions.stream()
                .filter(c -> c.getType().equals("Ready"))
                .findFirst()
                .map(c -> c.getMessage())
                .orElse("");
        boolean changed = !Serialization.asJson(sm.getStatus()).equals(Serialization.asJson(status));
        if (changed) {
            // A deletion returns no status of its own, so the reason is written here, once per change.
            events.record(sm, KubeEvents.WARNING, Reasons.DELETION_BLOCKED, message);
            sm.setStatus(status);
            context.getClient().resource(sm).patchStatus();
        }
        return DeleteControl.noFinalizerRemoval()
                .rescheduleAfter(
                        RateLimitBudget.withJitter(BLOCKED_DELETION_RETRY).toMillis());
    }

    private MonitoringProfileSpec profileFor(ServiceMonitoring sm, Context<ServiceMonitoring> context) {
        var found = context.getSecondaryResource(MonitoringProfile.class);
        if (found.isPresent()) {
            MonitoringProfile profile = found.get();
            return profile.getSpec() == null ? new MonitoringProfileSpec() : profile.getSpec();
        }
        return BuiltInProfile.NAME.equals(sm.getSpec().profileName()) ? BuiltInProfile.spec() : null;
    }

    /** One Normal event per kind of object and change, one Warning listing the objects Datadog would not change. */
    private void announce(ServiceMonitoring sm, SyncRun.Report report) {
        announce(sm, "Created", "created in Datadog", report.created());
        announce(sm, "Updated", "updated in Datadog", report.updated());
        announce(sm, "Deleted", "deleted from Datadog", report.deleted());
        if (!report.problems().isEmpty()) {
            events.record(
                    sm,
                    KubeEvents.WARNING,
                    Reasons.of(report.problems().get(0).problem()),
                    report.problems().stream().map(ObjectProblem::describe).collect(Collectors.joining("; ")));
        }
        if (report.changedAnything()) {
            LOG.infof(
                    "%s: created %s, updated %s, deleted %s",
                    sm.ownerKey(), report.created(), report.updated(), report.deleted());
        }
    }

    private void announce(ServiceMonitoring sm, String verb, String what, List<SyncRun.Named> changed) {
        changed.stream()
                .collect(Collectors.groupingBy(
                        SyncRun.Named::kind,
                        java.util.TreeMap::new,
                        Collectors.mapping(SyncRun.Named::name, Collectors.toList())))
                .forEach((kind, names) -> {
                    String plural = switch (kind) {
                        case "monitor" -> "Monitors";
                        case "SLO" -> "Slos";
                        default -> Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
                    };
                    events.record(sm, KubeEvents.NORMAL, plural + verb, kind + "s " + what + ": " + names);
                });
    }

    private UpdateControl<ServiceMonitoring> failOnDatadog(ServiceMonitoring sm, DatadogException e) {
        if (e.kind() == DatadogException.Kind.RATE_LIMITED) {
            return queued(sm, e);
        }
        return fail(sm, Reasons.of(e), e.getMessage(), retryDelay(e));
    }

    /**
     * Waiting for a rate-limit window is pacing, not failure: Ready=False Queued, and one Normal event when the
     * resource starts waiting, not a Warning at every window.
     */
    private UpdateControl<ServiceMonitoring> queued(ServiceMonitoring sm, DatadogException e) {
        Duration retry = retryDelay(e);
        if (firstAnnouncement(sm, Reasons.QUEUED)) {
            events.record(
                    sm,
                    KubeEvents.NORMAL,
                    Reasons.QUEUED,
                    "waiting for Datadog's rate limit; the changes " + "not made yet follow when its window resets ("
                            + e.getMessage() + ")");
            LOG.infof("%s: %s: %s", sm.ownerKey(), Reasons.QUEUED, e.getMessage());
        }
        return statuses.write(
                sm, ServiceMonitoringStatusBuilder.queued(sm, e.getMessage(), retry, clock.instant()), retry);
    }

    private UpdateControl<ServiceMonitoring> fail(ServiceMonitoring sm, String reason, String message, Duration retry) {
        if (firstAnnouncement(sm, reason)) {
            events.record(sm, KubeEvents.WARNING, reason, message);
            LOG.warnf("%s: %s: %s", sm.ownerKey(), reason, message);
        }
        return statuses.write(sm, ServiceMonitoringStatusBuilder.failed(sm, reason, message, clock.instant()), retry);
    }

    /** Whether this reason is new for the resource: neither in its status nor announced by this process since. */
    private boolean firstAnnouncement(ServiceMonitoring sm, String reason) {
        String uid = sm.getMetadata().getUid();
        String before = uid == null ? null : announced.put(uid, reason);
        return !reason.equals(ServiceMonitoringStatusBuilder.readyReason(sm.getStatus())) && !reason.equals(before);
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
