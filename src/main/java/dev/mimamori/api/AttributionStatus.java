package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Which explanation of a regression the node and container data supports, with the figures behind it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttributionStatus {
    @JsonPropertyDescription(
            "Release (the new pods cost more CPU per request, or nothing else explains the regression), Neighbour (CPU used by other workloads on the new pods' nodes rose while the service's own cost per request did not), Capacity (the service's own CPU wait rose with its load) or Unknown (no node or container data).")
    public String cause;

    @JsonPropertyDescription("Why, in a sentence, with the figures.")
    public String message;

    @JsonPropertyDescription("The nodes the new pods ran on during the candidate window.")
    public List<String> nodes = new ArrayList<>();

    @JsonPropertyDescription("Requests per second of the service, baseline window.")
    public Double baselineRequestsPerSecond;

    @JsonPropertyDescription("Requests per second of the service, candidate window.")
    public Double candidateRequestsPerSecond;

    @JsonPropertyDescription(
            "CPU per request of the service (millicores per request per second), baseline window; CPU cores when requests are unknown.")
    public Double baselineCpuPerRequest;

    @JsonPropertyDescription("CPU per request of the new pods, candidate window, in the same unit.")
    public Double candidateCpuPerRequest;

    @JsonPropertyDescription("Mean percentage of time the service's containers waited for a CPU, baseline window.")
    public Double baselineCpuWaitPercent;

    @JsonPropertyDescription("The same for the new pods, candidate window.")
    public Double candidateCpuWaitPercent;

    @JsonPropertyDescription("Mean busy CPU percentage of the new pods' nodes, baseline window.")
    public Double baselineNodeBusyPercent;

    @JsonPropertyDescription("Mean busy CPU percentage of the new pods' nodes, candidate window.")
    public Double candidateNodeBusyPercent;

    @JsonPropertyDescription("CPU cores used by other workloads on the new pods' nodes, baseline window.")
    public Double baselineNeighbourCores;

    @JsonPropertyDescription("CPU cores used by other workloads on the new pods' nodes, candidate window.")
    public Double candidateNeighbourCores;

    @JsonPropertyDescription("The heaviest other workloads on those nodes in the candidate window, heaviest first.")
    public List<NeighbourStatus> neighbours = new ArrayList<>();

    /** One co-located workload. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NeighbourStatus {
        @JsonPropertyDescription("Its service tag, or \"workloads without a service tag\".")
        public String name;

        @JsonPropertyDescription("The node it shares with the service.")
        public String node;

        @JsonPropertyDescription("CPU cores it used there, baseline window.")
        public Double baselineCores;

        @JsonPropertyDescription("CPU cores it used there, candidate window.")
        public Double candidateCores;
    }
}
