package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReleaseCheckStatus {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Pending (warming up), Analyzing, Passed, Failed, Inconclusive, Error or Superseded.")
    public String phase;

    @JsonPropertyDescription("Passed, Failed or Inconclusive, once decided.")
    public String verdict;

    @JsonPropertyDescription(
            "The rollout time: windows are measured from here (for a concurrent comparison, the time the rollout was held).")
    public String startedAt;

    @JsonPropertyDescription("When the verdict was reached.")
    public String finishedAt;

    @JsonPropertyDescription(
            "One line for people, e.g. \"p95 latency +38% (212 -> 293, p=0.0004): failed; rolled back to revision 6\".")
    public String message;

    @JsonPropertyDescription(
            "What was compared, resolved once at the start so a later change to the Deployment cannot move it.")
    public ReleaseInfo release;

    @JsonPropertyDescription(
            "The analysis settings in force, every default filled in, frozen when the check started: later edits of spec.analysis do not move a running check.")
    public AnalysisSpec analysis;

    @JsonPropertyDescription(
            "The gate metrics compared, with their criteria, frozen when the check started from spec.metrics or the profile: later edits of either do not move a running check.")
    public List<GateMetric> gateMetrics;

    @JsonPropertyDescription(
            "What decided the verdict: Windows (both windows compared when the verdict was due), EarlyFail (a regression beyond doubt before then) or Deadline (no data from Datadog by spec.analysis.deadline; the verdict is Inconclusive).")
    public String decidedBy;

    @JsonPropertyDescription(
            "Concurrent comparison only: Held while the operator keeps the Deployment paused, Lifted once it resumed it, Kept when a failed verdict leaves it paused.")
    public String hold;

    @JsonPropertyDescription("Per-metric comparison.")
    public List<MetricStatus> metrics = new ArrayList<>();

    @JsonPropertyDescription(
            "Set when a metric regressed: whether the release, a neighbour on the new pods' nodes or the service's own capacity explains it, with the figures of both windows.")
    public AttributionStatus attribution;

    @JsonPropertyDescription("The action taken on the Deployment and its result.")
    public ActionStatus action;

    @JsonPropertyDescription("Conditions; Ready is True once the check has finished and acted.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonIgnore
    public boolean isFinished() {
        return ReleaseCheckPhase.of(phase).finished();
    }
}
