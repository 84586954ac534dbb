package dev.mimamori.gate;

import dev.mimamori.api.GateMetric;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.MetricSeries;
import dev.mimamori.tenancy.PolicyCheck;
import dev.mimamori.tenancy.TenantRules;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the reconciler saw for one look at a check, for {@link ReleaseCheckStep}: the check itself, its Deployment and
 * ReplicaSets as cached, and the answers to what a step asked for (the gate metrics before they are frozen,
 * Datadog's series or failure, the action's result, the result of holding or resuming the rollout, the node data of a
 * regression); null where not asked for.
 */
public record Observations(
        ReleaseCheckSpec spec,
        String namespace,
        String checkName,
        Long generation,
        Instant created,
        Long intendedRevision,
        Deployment deployment,
        List<ReplicaSet> replicaSets,
        Tenancy tenancy,
        GateMetricsLookup gateMetrics,
        DatadogReply datadog,
        ActionPlan.Done actionDone,
        ActionPlan.Done holdDone,
        GateAttribution.Reply attribution) {

    /**
     * The namespace's rules and, when the namespace already runs as many unfinished checks as it may, the
     * violation that refuses this one.
     */
    public record Tenancy(TenantRules rules, PolicyCheck.Violation quota) {}

    /** The profile's or spec's gate metrics, or why there are none. */
    public record GateMetricsLookup(List<GateMetric> metrics, String problem, PolicyCheck.Violation refused) {}

    /** Datadog's answer to a query: the series, or the classified failure. */
    public record DatadogReply(List<MetricSeries> series, DatadogException failure) {}

    /** The first observations of a look: the check itself and what the caches hold. */
    public static Observations of(
            ReleaseCheck check, Deployment deployment, List<ReplicaSet> replicaSets, Tenancy tenancy) {
        String created = check.getMetadata().getCreationTimestamp();
        Map<String, String> labels = check.getMetadata().getLabels();
        String revision = labels == null ? null : labels.get(Revisions.CHECK_REVISION_LABEL);
        return new Observations(
                check.getSpec(),
                check.getMetadata().getNamespace(),
                check.getMetadata().getName(),
                check.getMetadata().getGeneration(),
                created == null ? null : Instant.parse(created),
                parse(revision),
                deployment,
                replicaSets,
                tenancy,
                null,
                null,
                null,
                null,
                null);
    }

    public Observations withGateMetrics(GateMetricsLookup lookup) {
        return new Observations(
                spec,
                namespace,
                checkName,
                generation,
                created,
                intendedRevision,
                deployment,
                replicaSets,
                tenancy,
                lookup,
                datadog,
                actionDone,
                holdDone,
                attribution);
    }

    public Observations withDatadog(DatadogReply reply) {
        return new Observations(
                spec,
                namespace,
                checkName,
                generation,
                created,
                intendedRevision,
                deployment,
                replicaSets,
                tenancy,
                gateMetrics,
                reply,
                actionDone,
                holdDone,
                attribution);
    }

    public Observations withActionDone(ActionPlan.Done done) {
        return new Observations(
                spec,
                namespace,
                checkName,
                generation,
                created,
                intendedRevision,
                deployment,
                replicaSets,
                tenancy,
                gateMetrics,
                datadog,
                done,
                holdDone,
                attribution);
    }

    public Observations withHoldDone(ActionPlan.Done done) {
        return new Observations(
                spec,
                namespace,
                checkName,
                generation,
                created,
                intendedRevision,
                deployment,
                replicaSets,
                tenancy,
                gateMetrics,
                datadog,
                actionDone,
                done,
                attribution);
    }

    public Observations withAttribution(GateAttribution.Reply reply) {
        return new Observations(
                spec,
                namespace,
                checkName,
                generation,
                created,
                intendedRevision,
                deployment,
                replicaSets,
                tenancy,
                gateMetrics,
                datadog,
                actionDone,
                holdDone,
                reply);
    }

    private static Long parse(String revision) {
        try {
            return revision == null ? null : Long.valueOf(revision);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
