package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** When and how much to measure. Empty fields take the defaults documented in docs/gate.md. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisSpec {
    /** Up to three parts such as 1h30m10s, each of at most 7 digits, so no duration can overflow. */
    public static final String DURATION_PATTERN = "^([0-9]{1,7}(s|m|h)){1,3}$";

    @Size(max = 24)
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Time after the rollout during which nothing is measured (default 2m).")
    public String warmup;

    @Size(max = 24)
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Length of the window measured on each side (default 15m).")
    public String duration;

    @Size(max = 24)
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Bucket length of the compared series, one sample per bucket (default 1m).")
    public String interval;

    @Size(max = 24)
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription(
            "How late Datadog's data arrives: buckets younger than this are not used yet (default 2m).")
    public String dataDelay;

    @Size(max = 24)
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription(
            "How long after the verdict is due a check that cannot get data from Datadog keeps trying (an outage, a key without the metrics scope); then it ends Inconclusive with reason DeadlineExceeded and onInconclusive decides (default 30m, at most 24h).")
    public String deadline;

    @Min(0.5)
    @Max(0.9999)
    @JsonPropertyDescription("Confidence of the one-sided Mann-Whitney test before a regression counts (default 0.99).")
    public Double confidence;

    @Min(3)
    @JsonPropertyDescription(
            "Fewest samples on each side for a verdict; with fewer the check is Inconclusive (default 8).")
    public Integer minSamples;
}
