package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The last check that Datadog receives the metrics this service's monitors and SLOs depend on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TelemetryStatus {
    @JsonPropertyDescription(
            "Metrics the monitors and SLOs query that had no data for this service and env in the hour before the last check.")
    public List<String> missing;

    @JsonPropertyDescription("Number of metrics checked.")
    public Integer checked;

    public TelemetryStatus() {}

    public TelemetryStatus(List<String> missing, Integer checked) {
        this.missing = missing;
        this.checked = checked;
    }
}
