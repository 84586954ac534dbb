package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitoringProfileSpec {
    @JsonPropertyDescription("What this profile is for, for people reading it.")
    public String description;

    @Size(max = 100)
    @JsonPropertyDescription("Parameters with their default values, used in templates as ${params.NAME}; a ServiceMonitoring may override them.")
    public Map<String, String> parameters = new LinkedHashMap<>();

    @Size(max = 100)
    @ValidationRule(value = "self.all(m, self.exists_one(n, n.name == m.name))", message = "monitor names must be unique")
    @JsonPropertyDescription("The standard monitors, each a named template.")
    public List<MonitorTemplate> monitors = new ArrayList<>();

    @JsonPropertyDescription("The release gate: metrics every ReleaseCheck of this profile's services compares by default.")
    public GateSpec gate;

    @JsonPropertyDescription("The unified performance dashboard, one per profile and cluster, shared by every service of the profile.")
    public DashboardSpec dashboard;

    @Size(max = 10)
    @ValidationRule(value = "self.all(s, self.exists_one(n, n.name == s.name))", message = "SLO names must be unique")
    @JsonPropertyDescription("Service level objectives every service of the profile gets, each with burn-rate alerts.")
    public List<SloTemplate> slos = new ArrayList<>();
}
