package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReleaseCheckStatus {
    public static final String PENDING = "Pending";
    public static final String ANALYZING = "Analyzing";
    public static final String PASSED = "Passed";
    public static final String FAILED = "Failed";
    public static final String INCONCLUSIVE = "Inconclusive";
    public static final String ERROR = "Error";
    public static final String SUPERSEDED = "Superseded";

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Pending (warming up), Analyzing, Passed, Failed, Inconclusive, Error or Superseded.")
    public String phase;

    @JsonPropertyDescription("Passed, Failed or Inconclusive, once decided.")
    public String verdict;

    @JsonPropertyDescription("The rollout time: windows are measured from here.")
    public String startedAt;

    @JsonPropertyDescription("When the verdict was reached.")
    public String finishedAt;

    @JsonPropertyDescription("One line for people, e.g. \"p95 latency +38% (212 -> 293, p=0.0004): failed; rolled back to revision 6\".")
    public String message;

    @JsonPropertyDescription("What was compared, resolved once at the start so a later change to the Deployment cannot move it.")
    public ReleaseInfo release;

    @JsonPropertyDescription("Per-metric comparison.")
    public List<MetricStatus> metrics = new ArrayList<>();

    @JsonPropertyDescription("The action taken on the Deployment and its result.")
    public ActionStatus action;

    @JsonPropertyDescription("Conditions; Ready is True once the check has finished and acted.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonIgnore
    public boolean isFinished() {
        return PASSED.equals(phase) || FAILED.equals(phase) || INCONCLUSIVE.equals(phase) || ERROR.equals(phase)
                || SUPERSEDED.equals(phase);
    }
}
