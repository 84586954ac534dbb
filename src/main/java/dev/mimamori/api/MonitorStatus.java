package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One managed monitor as it stands in Datadog. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitorStatus {
    @JsonPropertyDescription("Template name (the mimamori-monitor tag).")
    public String name;

    @JsonPropertyDescription("Datadog monitor id.")
    public Long id;

    @JsonPropertyDescription("Link to the monitor in Datadog.")
    public String url;

    public MonitorStatus() {}

    public MonitorStatus(String name, Long id, String url) {
        this.name = name;
        this.id = id;
        this.url = url;
    }
}
