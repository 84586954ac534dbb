package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One metric's comparison, as last computed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricStatus {
    @JsonPropertyDescription("Metric name.")
    public String name;

    @JsonPropertyDescription("Samples (complete buckets) of the baseline.")
    public Integer baselineCount;

    @JsonPropertyDescription("Samples (complete buckets) of the candidate.")
    public Integer candidateCount;

    @JsonPropertyDescription("Baseline mean.")
    public Double baselineMean;

    @JsonPropertyDescription("Candidate mean.")
    public Double candidateMean;

    @JsonPropertyDescription("Baseline median.")
    public Double baselineMedian;

    @JsonPropertyDescription("Candidate median.")
    public Double candidateMedian;

    @JsonPropertyDescription("Relative change of the median, in percent (positive = higher).")
    public Double changePercent;

    @JsonPropertyDescription("One-sided Mann-Whitney p-value that the candidate is worse.")
    public Double pValue;

    @JsonPropertyDescription("Passed, Failed or Inconclusive.")
    public String verdict;

    @JsonPropertyDescription("Why, in a sentence.")
    public String reason;
}
