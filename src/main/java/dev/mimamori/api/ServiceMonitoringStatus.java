package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceMonitoringStatus {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription(
            "Conditions; Ready tells whether Datadog holds exactly the monitors this resource asks for.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The monitors managed for this service, with their Datadog ids and links.")
    public List<MonitorStatus> monitors = new ArrayList<>();

    @JsonPropertyDescription("Monitors in sync over monitors wanted, e.g. 6/6.")
    public String monitorsInSync;

    @JsonPropertyDescription("The profile's unified performance dashboard, with a link preset to this service.")
    public DashboardStatus dashboard;

    @JsonPropertyDescription("The SLOs managed for this service, with their Datadog ids and links.")
    public List<SloStatus> slos;

    @JsonPropertyDescription(
            "Datadog objects that could not be brought in line (refused, still referenced, or forbidden to the key), each with its reason; every other object converges regardless.")
    public List<ObjectProblemStatus> problems;

    @JsonPropertyDescription("Whether Datadog receives the metrics this service's monitors and SLOs depend on.")
    public TelemetryStatus telemetry;

    @JsonPropertyDescription(
            "The span operation the trace metrics are read from (profiles with a traceOperation parameter): configured, detected in Datadog, and the one in use.")
    public TraceOperationStatus traceOperation;
}
