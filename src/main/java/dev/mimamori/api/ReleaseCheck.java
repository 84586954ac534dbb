package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A post-deploy performance gate: compares a Deployment's new version with the previous one in Datadog, and acts. */
@Group(ServiceMonitoring.GROUP)
@Version(ServiceMonitoring.VERSION)
@ShortNames("rchk")
@Categories("mimamori")
@AdditionalPrinterColumn(
        name = "Workload",
        jsonPath = ".spec.workload.name",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Candidate",
        jsonPath = ".status.release.candidateVersion",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Verdict", jsonPath = ".status.verdict", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Message",
        jsonPath = ".status.message",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class ReleaseCheck extends CustomResource<ReleaseCheckSpec, ReleaseCheckStatus> implements Namespaced {

    @Override
    @Required
    @JsonPropertyDescription("Which Deployment to check, against what, and what to do with the verdict.")
    public ReleaseCheckSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Phase, verdict, per-metric comparison and the action taken.")
    public ReleaseCheckStatus getStatus() {
        return super.getStatus();
    }
}
