package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * One monitor as a template. In a MonitoringProfile every field but {@code enabled} describes the standard monitor; in
 * a ServiceMonitoring an entry with the name of a profile monitor overrides only the fields it sets, {@code enabled:
 * false} drops it, and an entry with a new name adds a monitor (then type, query and message are required).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitorTemplate {
    @Required
    @Pattern(TagRules.NAME)
    @Size(max = 63)
    @JsonPropertyDescription("Template name, unique in its list; becomes the tag mimamori-monitor:<name>.")
    public String name;

    @JsonPropertyDescription(
            "In a ServiceMonitoring: false drops the profile monitor of this name, true turns on one the profile ships off. In a profile: false ships the template off, for services to turn on. Default true.")
    public Boolean enabled;

    @Size(max = 500)
    @JsonPropertyDescription(
            "Monitor title in Datadog. Placeholders ${service}, ${env}, ${team}, ${params.NAME} allowed. Default: \"[<env>] <service>: <name>\".")
    public String title;

    @Size(max = 50)
    @JsonPropertyDescription(
            "Datadog monitor type, e.g. \"query alert\", \"metric alert\", \"service check\", \"event-v2 alert\".")
    public String type;

    @Size(max = 5000)
    @JsonPropertyDescription("Datadog monitor query with placeholders ${service}, ${env}, ${team}, ${params.NAME}.")
    public String query;

    @Size(max = 10000)
    @JsonPropertyDescription(
            "Notification message. Placeholders are replaced; Datadog's own {{...}} template variables pass through untouched.")
    public String message;

    @Min(1)
    @Max(5)
    @JsonPropertyDescription("Datadog priority, 1 (highest) to 5.")
    public Integer priority;

    @Size(max = 50)
    @ValidationRule(
            value = "self.all(t, !(t == 'managed-by' || t.startsWith('managed-by:') || t.startsWith('mimamori-')))",
            message = "tag keys managed-by and mimamori-* are reserved for the operator's ownership tags")
    @JsonPropertyDescription(
            "Extra tags for this monitor (key:value), lowercase. The keys managed-by and mimamori-* are reserved.")
    public List<@Size(max = 200) String> tags;

    @JsonPropertyDescription("Alert and warning thresholds.")
    public MonitorThresholds thresholds;

    @JsonPropertyDescription("Common Datadog monitor options.")
    public MonitorOptions options;
}
