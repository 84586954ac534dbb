package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A profile's standard release gate: the metrics every ReleaseCheck of its services compares by default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GateSpec {
    @Size(max = 20)
    @JsonPropertyDescription("Metrics compared between versions, with ${service}, ${env} and ${version} placeholders.")
    public List<GateMetric> metrics;
}
