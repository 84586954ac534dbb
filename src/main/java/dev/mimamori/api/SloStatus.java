package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One managed SLO as it stands in Datadog. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloStatus {
    @JsonPropertyDescription("SLO template name (the mimamori-slo tag).")
    public String name;

    @JsonPropertyDescription("Datadog SLO id.")
    public String id;

    @JsonPropertyDescription("Link to the SLO in Datadog.")
    public String url;

    @JsonPropertyDescription("Target in percent.")
    public Double target;

    @JsonPropertyDescription("Rolling time window, e.g. 30d.")
    public String timeframe;

    public SloStatus() {}

    public SloStatus(String name, String id, String url, Double target, String timeframe) {
        this.name = name;
        this.id = id;
        this.url = url;
        this.target = target;
        this.timeframe = timeframe;
    }
}
