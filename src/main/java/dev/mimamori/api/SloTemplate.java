package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One service level objective as a template: a metric-based Datadog SLO (good events over all events) with burn-rate
 * alerts. In a ServiceMonitoring an entry with a profile SLO's name overrides only the fields it sets, and
 * {@code enabled: false} drops it; a new name adds an SLO (then target, good and total are required).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloTemplate {
    @Required
    @Pattern(TagRules.NAME)
    @Size(max = 63)
    @JsonPropertyDescription("SLO name, unique in its list, e.g. availability; becomes the tag mimamori-slo:<name>.")
    public String name;

    @JsonPropertyDescription("In a ServiceMonitoring: false drops the profile SLO of this name. Default true.")
    public Boolean enabled;

    @Size(max = 500)
    @JsonPropertyDescription("SLO title in Datadog. Placeholders allowed. Default: \"[<env>] <service>: <name>\".")
    public String title;

    @Size(max = 1000)
    @JsonPropertyDescription("What the SLO promises, for people reading it in Datadog. Placeholders allowed.")
    public String description;

    @Size(max = 100)
    @JsonPropertyDescription("Target in percent, e.g. \"99.9\" or \"${params.availabilityTarget}\".")
    public String target;

    @Size(max = 100)
    @JsonPropertyDescription("Optional warning level in percent, above the target.")
    public String warning;

    @Size(max = 3)
    @Pattern("^(7d|30d|90d)$")
    @JsonPropertyDescription("Rolling time window: 7d, 30d (default) or 90d. Burn-rate alert factors are scaled to it.")
    public String timeframe;

    @Size(max = 5000)
    @JsonPropertyDescription(
            "Query counting good events (numerator), e.g. requests that did not fail. Placeholders allowed.")
    public String good;

    @Size(max = 5000)
    @JsonPropertyDescription("Query counting all events (denominator). Placeholders allowed.")
    public String total;

    @JsonPropertyDescription(
            "Multi-window, multi-burn-rate alerts on this SLO (Datadog's SLO burn-rate monitors): a fast pair (1h and 5m) and a slow pair (6h and 30m). Default true.")
    public Boolean burnRateAlerts;
}
