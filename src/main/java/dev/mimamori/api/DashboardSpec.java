package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * The unified performance dashboard of a profile. Datadog shows one layout for many services through template
 * variables, so the operator keeps one dashboard per profile, cluster and value of the parameters its queries use (the
 * trace operation), and each ServiceMonitoring links to its own with its service and env preset.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DashboardSpec {
    @JsonPropertyDescription("false: no dashboard for this profile (an existing one is deleted). Default true.")
    public Boolean enabled;

    @Size(max = 200)
    @JsonPropertyDescription(
            "Dashboard title. Default: \"Service performance: <profile> (<cluster>)\". A dashboard for other values than the profile's defaults of the parameters its queries use gets them appended, e.g. \" with traceOperation servlet.request\".")
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
            "The widgets, in order. Queries use Datadog's template variables $service, $env and $version (e.g. avg:trace.${params.traceOperation}.hits{$service,$env} by {version}). The only placeholder allowed is ${params.NAME}: services with different values of a parameter the queries use get one dashboard per value.")
    public List<DashboardWidget> widgets;

    public boolean isEnabled() {
        return !Boolean.FALSE.equals(enabled);
    }
}
