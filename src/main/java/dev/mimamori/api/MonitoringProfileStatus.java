package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitoringProfileStatus {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Conditions; Ready tells whether every template of the profile is well formed.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Number of monitor templates in the profile.")
    public Integer monitorCount;
}
