package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * The unified performance dashboard of a profile. Datadog shows one layout for many services through template
 * variables, so the operator keeps one dashboard per profile and cluster, and each ServiceMonitoring links to it with
 * its own service and env preset.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DashboardSpec {
    @JsonPropertyDescription("false: no dashboard for this profile (an existing one is deleted). Default true.")
    public Boolean enabled;

    @Size(max = 200)
    @JsonPropertyDescription("Dashboard title. Default: \"Service performance: <profile> (<cluster>)\".")
    public String title;

    @Size(max = 2000)
    @JsonPropertyDescription(
            "Text shown under the title in Datadog. The operator adds a line saying it manages the dashboard.")
    public String description;

    @Size(max = 500)
    @JsonPropertyDescription(
            "Datadog event query drawn as markers on every timeseries widget, so a change lines up with the deploy that caused it. Template variables such as $service and $env are allowed. Default: \"$service $env\".")
    public String deployMarkers;

    @Size(max = 40)
    @JsonPropertyDescription(
            "The widgets, in order. Queries use Datadog's template variables $service, $env and $version (e.g. avg:trace.http.request.hits{$service,$env} by {version}); ${...} placeholders are not allowed, because one dashboard serves every service.")
    public List<DashboardWidget> widgets;

    public boolean isEnabled() {
        return !Boolean.FALSE.equals(enabled);
    }
}
