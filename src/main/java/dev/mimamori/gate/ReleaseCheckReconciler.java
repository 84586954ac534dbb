package dev.mimamori.gate;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckPhase;
import dev.mimamori.api.ReleaseCheckStatus;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogCaller;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.status.Conditions;
import dev.mimamori.status.KubeEvents;
import dev.mimamori.status.Reason;
import dev.mimamori.status.StatusWriter;
import dev.mimamori.tenancy.PolicyCheck;
import dev.mimamori.tenancy.TenantPolicies;
import dev.mimamori.tenancy.TenantRules;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Runs {@link ReleaseCheckStep}: gathers what a step needs (the Deployment and its ReplicaSets from the rollout
 * controller's caches, the gate metrics, Datadog's series), carries out the action a verdict recorded, writes the
 * status and reschedules. Waiting is a reschedule, never a sleep.
 */
@ControllerConfiguration(name = "releasecheck")
public class ReleaseCheckReconciler implements Reconciler<ReleaseCheck> {
    private final DatadogApi datadog;
    private final RolloutActions actions;
    private final GateProfiles profiles;
    private final Workloads workloads;
    private final KubeEvents events;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration pollInterval;
    private final TenantPolicies policies;
    private final AttributionReader attribution;

    public ReleaseCheckReconciler(
            DatadogApi datadog,
            RolloutActions actions,
            GateProfiles profiles,
            Workloads workloads,
            KubeEvents events,
            MeterRegistry registry,
            Clock clock,
            MimamoriConfig config,
            TenantPolicies policies) {
        this.policies = policies;
        this.datadog = datadog;
        this.actions = actions;
        this.profiles = profiles;
        this.workloads = workloads;
        this.events = events;
        this.registry = registry;
        this.clock = clock;
        this.pollInterval = config.gatePollInterval();
        this.attribution = new AttributionReader(datadog, config.contention().scope());
    }

    @Override
    public UpdateControl<ReleaseCheck> reconcile(ReleaseCheck check, Context<ReleaseCheck> context) {
        // Datadog's rate limits are shared fairly between namespaces: these calls count for this one.
        try (var caller = DatadogCaller.actFor(check.getMetadata().getNamespace())) {
            return step(check, context);
        }
    }

    private UpdateControl<ReleaseCheck> step(ReleaseCheck check, Context<ReleaseCheck> context) {
        registry.counter("mimamori.reconciles", "kind", "ReleaseCheck").increment();
        Instant now = clock.instant();
        String workload =
                check.getSpec() == null || check.getSpec().workload == null ? null : check.getSpec().workload.name;
        // a check without a workload still gets a step, which answers it with Ready=False InvalidSpec
        Deployment deployment = workload == null
                ? null
                : workloads
                        .deployment(check.getMetadata().getNamespace(), workload)
                        .orElse(null);
        Observations observations = Observations.of(
                check,
                deployment,
                deployment == null ? List.of() : workloads.replicaSetsOf(deployment),
                tenancy(check, context));
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(check.getStatus(), observations, now);
        while (step.action() != null) {
            observations = answer(check, step.action(), observations);
            step = ReleaseCheckStep.next(check.getStatus(), observations, now);
        }
        for (ReleaseCheckStep.Notice notice : step.notices()) {
            if (notice.verdict() != null) {
                registry.counter(
                                "mimamori.gate.verdicts",
                                "verdict",
                                notice.verdict().name())
                        .increment();
            }
            events.record(
                    check,
                    notice.warning() ? KubeEvents.WARNING : KubeEvents.NORMAL,
                    notice.reason(),
                    notice.message());
        }
        return write(check, step.status(), step.lookAgainIn());
    }

    /** The namespace's rules, and the quota violation when older unfinished checks already fill its share. */
    private Observations.Tenancy tenancy(ReleaseCheck check, Context<ReleaseCheck> context) {
        String namespace = check.getMetadata().getNamespace();
        TenantRules rules = policies.rulesFor(namespace);
        PolicyCheck.Violation quota = null;
        if (rules.maxReleaseChecks() != null && (check.getStatus() == null || check.getStatus().release == null)) {
            List<ReleaseCheck> running = context.getPrimaryCache()
                    .list(namespace)
                    .filter(c -> c.getStatus() != null
                            && c.getStatus().release != null
                            && !ReleaseCheckPhase.of(c.getStatus().phase).finished())
                    .toList();
            quota = PolicyCheck.count(
                    rules, "maxReleaseChecks", rules.maxReleaseChecks(), running, check, "unfinished ReleaseChecks");
        }
        return new Observations.Tenancy(rules, quota);
    }

    /** The observations with the answer to what the step asked for. */
    private Observations answer(ReleaseCheck check, ReleaseCheckStep.Action action, Observations observations) {
        if (action instanceof ReleaseCheckStep.FindGateMetrics find) {
            return observations.withGateMetrics(profiles.lookUp(
                    check, find.service(), observations.tenancy().rules()));
        }
        if (action instanceof ReleaseCheckStep.Query query) {
            try {
                return observations.withDatadog(new Observations.DatadogReply(
                        datadog.queryMetrics(query.queries(), query.from(), query.to(), query.interval()), null));
            } catch (DatadogException e) {
                return observations.withDatadog(new Observations.DatadogReply(null, e));
            }
        }
        if (action instanceof ReleaseCheckStep.HoldRollout hold) {
            return observations.withHoldDone(
                    actions.hold(observations.deployment(), check.getMetadata().getName(), hold.revision()));
        }
        if (action instanceof ReleaseCheckStep.LiftHold lift) {
            return observations.withHoldDone(
                    actions.lift(observations.deployment(), check.getMetadata().getName(), lift.revision()));
        }
        if (action instanceof ReleaseCheckStep.Attribute attribute) {
            return observations.withAttribution(attribution.read(attribute.request()));
        }
        ActionPlan plan = ((ReleaseCheckStep.CarryOut) action).plan();
        return observations.withActionDone(actions.carryOut(plan, observations.deployment()));
    }

    /** A Kubernetes failure the reconcile did not expect: Ready says so while JOSDK retries. */
    @Override
    public ErrorStatusUpdateControl<ReleaseCheck> updateErrorStatus(
            ReleaseCheck check, Context<ReleaseCheck> context, Exception e) {
        ReleaseCheckStatus status =
                check.getStatus() == null ? new ReleaseCheckStatus() : Serialization.clone(check.getStatus());
        status.conditions = Conditions.with(
                status.conditions,
                Conditions.READY,
                Conditions.FALSE,
                Reason.ReconcileError.name(),
                "will retry: " + e.getMessage(),
                check.getMetadata().getGeneration(),
                clock.instant());
        return StatusWriter.writeError(check, status);
    }

    private UpdateControl<ReleaseCheck> write(ReleaseCheck check, ReleaseCheckStatus status, Duration wait) {
        Duration next = wait == null || wait.compareTo(pollInterval) <= 0 ? wait : pollInterval;
        return StatusWriter.write(check, status, next);
    }
}
