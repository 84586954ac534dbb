package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
// list maps keyed by name: the API server refuses a duplicate name at linear cost, where a CEL rule would be quadratic
@SchemaCustomizer(value = ListMapKeys.class, input = "monitors:name,slos:name")
public class MonitoringProfileSpec {
    @Size(max = 2000)
    @JsonPropertyDescription("What this profile is for, for people reading it.")
    public String description;

    @JsonPropertyDescription(
            "Whether namespaces whose TenantPolicy does not list their profiles (spec.profiles), and namespaces with no TenantPolicy, may use this profile. Default false: such namespaces may use only the built-in default profile and profiles marked shared. Leave it false for a profile that pages one team or reads one team's data.")
    public Boolean shared;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Parameters with their default values, used in templates as ${params.NAME}; a ServiceMonitoring may override them.")
    public Map<String, @Size(max = 100) String> parameters = new LinkedHashMap<>();

    @Size(max = 100)
    @JsonPropertyDescription("The standard monitors, each a named template.")
    public List<MonitorTemplate> monitors = new ArrayList<>();

    @JsonPropertyDescription(
            "The release gate: metrics every ReleaseCheck of this profile's services compares by default.")
    public GateSpec gate;

    @JsonPropertyDescription(
            "The unified performance dashboard, shared by the profile's services: one per cluster and value in use of the parameters its queries use (the trace operation).")
    public DashboardSpec dashboard;

    @Size(max = 10)
    @JsonPropertyDescription("Service level objectives every service of the profile gets, each with burn-rate alerts.")
    public List<SloTemplate> slos = new ArrayList<>();
}
