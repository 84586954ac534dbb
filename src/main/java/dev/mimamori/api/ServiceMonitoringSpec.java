package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
// list maps keyed by name: the API server refuses a duplicate name at linear cost, where a CEL rule would be quadratic
@SchemaCustomizer(value = ListMapKeys.class, input = "monitors:name,slos:name")
public class ServiceMonitoringSpec {
    @Required
    @Size(max = 100)
    @Pattern(TagRules.TAG_VALUE)
    @JsonPropertyDescription(
            "The service, as Datadog's `service` tag spells it (unified service tagging). Lowercase letters, digits and _ . / -, starting with a letter or digit.")
    public String service;

    @Required
    @Size(max = 100)
    @Pattern(TagRules.TAG_VALUE)
    @JsonPropertyDescription("The environment, as Datadog's `env` tag spells it, e.g. prod.")
    public String env;

    @Size(max = 100)
    @Pattern(TagRules.TAG_VALUE)
    @JsonPropertyDescription("Owning team; adds the tag team:<team> and fills ${team} in templates.")
    public String team;

    @Size(max = 50)
    @ValidationRule(
            value = "self.all(t, !(t == 'managed-by' || t.startsWith('managed-by:') || t.startsWith('mimamori-')))",
            message = "tag keys managed-by and mimamori-* are reserved for the operator's ownership tags")
    @JsonPropertyDescription(
            "Extra tags (key:value, lowercase) put on every monitor of this service. The keys managed-by and mimamori-* are reserved.")
    public List<@Size(max = 200) String> tags;

    @Default("default")
    @Size(max = 63)
    @Pattern(TagRules.PROFILE_NAME)
    @JsonPropertyDescription(
            "Name of the MonitoringProfile to apply. `default` falls back to the operator's built-in profile when no MonitoringProfile has that name.")
    public String profile;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Overrides of the profile's parameters, e.g. latencyP95Ms: \"400\". Only parameters the profile declares are accepted.")
    public Map<String, @Size(max = 100) String> parameters;

    @Size(max = 20)
    @JsonPropertyDescription("Datadog handles notified by every monitor, e.g. @slack-payments, @pagerduty-checkout.")
    public List<@Size(max = 200) String> notify;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Extra monitors, overrides of profile monitors by name, or `enabled: false` to drop a profile monitor.")
    public List<MonitorTemplate> monitors;

    @Size(max = 10)
    @JsonPropertyDescription(
            "Overrides of the profile's SLOs by name (e.g. a different target), `enabled: false` to drop one, or extra SLOs.")
    public List<SloTemplate> slos;

    @Default("Delete")
    @JsonPropertyDescription(
            "Delete (default): the monitors and SLOs are deleted with this resource. Orphan: they stay in Datadog.")
    public DeletionPolicy deletionPolicy;

    @JsonPropertyDescription("Gate every rollout of this service's Deployments with a ReleaseCheck.")
    public ReleaseCheckTemplate releaseCheck;

    public String profileName() {
        return profile == null || profile.isBlank() ? "default" : profile;
    }

    public DeletionPolicy effectiveDeletionPolicy() {
        return deletionPolicy == null ? DeletionPolicy.Delete : deletionPolicy;
    }
}
