package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Automatic release checks: one ReleaseCheck per rollout of the selected Deployments, made from these settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReleaseCheckTemplate {
    @JsonPropertyDescription(
            "Gate every rollout of the selected Deployments (default true once this section is present).")
    public Boolean enabled;

    @JsonPropertyDescription(
            "Deployments in this namespace to gate; default: those labelled tags.datadoghq.com/service=<spec.service>.")
    public WorkloadSelector workloadSelector;

    @JsonPropertyDescription(
            "Sequential (default) or Concurrent: hold each rollout while both versions serve and compare them over the same minutes.")
    public Comparison comparison;

    @JsonPropertyDescription("Analysis settings of every check.")
    public AnalysisSpec analysis;

    @Size(max = 20)
    @JsonPropertyDescription("Metrics to compare; default: the profile's gate metrics.")
    public List<GateMetric> metrics;

    @JsonPropertyDescription("Flag (default), Pause or Rollback.")
    public OnFailure onFailure;

    @JsonPropertyDescription("Flag (default), Pass or Fail.")
    public OnInconclusive onInconclusive;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("ReleaseChecks kept per Deployment; older ones are deleted (default 5).")
    public Integer historyLimit;

    /** Not a getter: Jackson and the CRD generator would take it for the property {@code enabled} and hide it. */
    public boolean gatesRollouts() {
        return enabled == null || enabled;
    }

    public int effectiveHistoryLimit() {
        return historyLimit == null ? 5 : historyLimit;
    }
}
