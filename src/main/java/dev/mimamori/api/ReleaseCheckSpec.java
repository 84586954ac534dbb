package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.workload == oldSelf.workload",
        message = "spec.workload cannot change; create a new ReleaseCheck")
public class ReleaseCheckSpec {
    @Required
    @JsonPropertyDescription("The Deployment whose latest rollout is checked.")
    public WorkloadRef workload;

    @Size(max = 100)
    @Pattern(TagRules.TAG_VALUE)
    @JsonPropertyDescription("Datadog service tag; default: the workload's tags.datadoghq.com/service label.")
    public String service;

    @Size(max = 100)
    @Pattern(TagRules.TAG_VALUE)
    @JsonPropertyDescription("Datadog env tag; default: the workload's tags.datadoghq.com/env label.")
    public String env;

    @Size(max = 128)
    @Pattern(TagRules.VERSION)
    @JsonPropertyDescription("Version under test; default: the pod template's tags.datadoghq.com/version label.")
    public String candidateVersion;

    @Size(max = 128)
    @Pattern(TagRules.VERSION)
    @JsonPropertyDescription(
            "Version compared against; default: the version label of the previous ReplicaSet revision. Without one, the window before the rollout is the baseline.")
    public String baselineVersion;

    @Size(max = 63)
    @Pattern(TagRules.PROFILE_NAME)
    @JsonPropertyDescription(
            "Profile whose gate metrics are used when metrics is empty; default: the profile of the namespace's ServiceMonitoring for this service, else `default`.")
    public String profile;

    @JsonPropertyDescription(
            "Sequential (default): the window after the rollout against the window before it. Concurrent: the operator pauses the Deployment while old and new pods serve side by side, compares both versions over the same minutes, then resumes the rollout or acts; it falls back to Sequential when the versions cannot overlap (one replica with maxSurge 0, Recreate, no previous version).")
    public Comparison comparison;

    @JsonPropertyDescription("When and how much to measure.")
    public AnalysisSpec analysis;

    @Size(max = 20)
    @JsonPropertyDescription(
            "Metrics to compare; default: the profile's gate metrics (p95 latency and error rate in the built-in profile).")
    public List<GateMetric> metrics;

    @JsonPropertyDescription("Flag (default), Pause or Rollback.")
    public OnFailure onFailure;

    @JsonPropertyDescription("Flag (default), Pass or Fail.")
    public OnInconclusive onInconclusive;

    @JsonPropertyDescription(
            "What a regression the node data pins on a neighbour does: Inconclusive (default: the check ends Inconclusive with a Warning event naming the nodes and neighbours, and onInconclusive applies) or Fail (onFailure applies as for any regression).")
    public OnNeighbour onNeighbour;
}
