package dev.mimamori.tenancy;

import dev.mimamori.api.TenantPolicy;
import dev.mimamori.api.TenantPolicyStatus;
import dev.mimamori.status.Conditions;
import dev.mimamori.status.Reason;
import dev.mimamori.status.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Tells the platform team, on the policy itself, whether every rule is well formed; a malformed one allows nothing. */
@ControllerConfiguration(name = "tenantpolicy")
public class TenantPolicyReconciler implements Reconciler<TenantPolicy> {
    private final Clock clock;

    public TenantPolicyReconciler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public UpdateControl<TenantPolicy> reconcile(TenantPolicy policy, Context<TenantPolicy> context) {
        TenantPolicyStatus status = new TenantPolicyStatus();
        status.observedGeneration = policy.getMetadata().getGeneration();
        status.conditions = policy.getStatus() == null || policy.getStatus().conditions == null
                ? new ArrayList<>()
                : new ArrayList<>(policy.getStatus().conditions);
        List<String> problems =
                policy.getSpec() == null ? List.of("spec is missing") : TenantRules.problems(policy.getSpec());
        status.conditions = problems.isEmpty()
                ? Conditions.with(
                        status.conditions,
                        Conditions.READY,
                        Conditions.TRUE,
                        Reason.PolicyValid.name(),
                        "every rule is well formed",
                        status.observedGeneration,
                        clock.instant())
                : Conditions.with(
                        status.conditions,
                        Conditions.READY,
                        Conditions.FALSE,
                        Reason.InvalidPolicy.name(),
                        String.join("; ", problems) + "; until fixed, the selected namespaces may do nothing",
                        status.observedGeneration,
                        clock.instant());
        return StatusWriter.write(policy, status, null);
    }
}
