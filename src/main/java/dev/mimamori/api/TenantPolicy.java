package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The platform team's rules for the namespaces it selects: which services, envs, teams and notification handles
 * their ServiceMonitorings and ReleaseChecks may use, whether they may write their own queries, and how many
 * resources they may hold. Cluster-scoped, so only cluster administrators write it.
 */
@Group(ServiceMonitoring.GROUP)
@Version(ServiceMonitoring.VERSION)
@ShortNames("tpol")
@Categories("mimamori")
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class TenantPolicy extends CustomResource<TenantPolicySpec, TenantPolicyStatus> {

    @Override
    @JsonPropertyDescription("Which namespaces the policy applies to and what they may do.")
    @io.fabric8.generator.annotation.Required
    public TenantPolicySpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Whether every rule of the policy is well formed.")
    public TenantPolicyStatus getStatus() {
        return super.getStatus();
    }
}
