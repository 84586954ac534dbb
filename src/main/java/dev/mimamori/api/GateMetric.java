package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One metric the gate compares between the baseline and the candidate version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GateMetric {
    @Required
    @Size(max = 100)
    @JsonPropertyDescription("Name shown in the status and the verdict message, e.g. \"p95 latency (ms)\".")
    public String name;

    @Required
    @Size(max = 2000)
    @JsonPropertyDescription(
            "Datadog metric query with ${service}, ${env} and ${version}, e.g. p95:trace.http.request{service:${service},env:${env},version:${version}} * 1000.")
    public String query;

    @Size(max = 2000)
    @JsonPropertyDescription(
            "For a metric that is a share of requests (errors / hits): a Datadog query with the same placeholders for the requests per bucket, e.g. sum:trace.http.request.hits{service:${service},env:${env},version:${version}}.as_count(). The gate then compares each side's events over its requests, weighting every bucket by its traffic, instead of the per-bucket values.")
    public String requests;

    @JsonPropertyDescription("LowerIsBetter (latency, errors; default) or HigherIsBetter (throughput, success rate).")
    public Direction direction;

    @Min(0)
    @JsonPropertyDescription("Largest relative worsening of the median that still passes, in percent.")
    public Double maxRegressionPercent;

    @Min(0)
    @JsonPropertyDescription(
            "Absolute change below which a difference is ignored, in the metric's unit (e.g. 2 for 2 ms).")
    public Double absoluteFloor;
}
