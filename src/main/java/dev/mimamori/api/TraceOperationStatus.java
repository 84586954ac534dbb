package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The span operation the trace metrics of this service's monitors, SLOs, gate and dashboard are named after. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TraceOperationStatus {
    @JsonPropertyDescription("The operation set by spec.parameters.traceOperation, else the profile's default.")
    public String configured;

    @JsonPropertyDescription(
            "The operation in use: trace.<used>.hits, .errors and the latency distribution trace.<used>.")
    public String used;

    @JsonPropertyDescription(
            "Where the operation in use comes from: spec, detected (the only entry operation with data, used because the spec sets none) or profile.")
    public String source;

    @JsonPropertyDescription(
            "Span operations of known entry (and http.request) spans that had data in Datadog in the hour before the last telemetry check.")
    public List<String> detected;

    public TraceOperationStatus() {}

    public TraceOperationStatus(String configured, String used, String source, List<String> detected) {
        this.configured = configured;
        this.used = used;
        this.source = source;
        this.detected = detected;
    }
}
