package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where this service's view of its profile's shared dashboard is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DashboardStatus {
    @JsonPropertyDescription("Datadog dashboard id, shared by every service of the profile in this cluster.")
    public String id;

    @JsonPropertyDescription("Link that opens the dashboard preset to this service and env.")
    public String url;

    public DashboardStatus() {}

    public DashboardStatus(String id, String url) {
        this.id = id;
        this.url = url;
    }
}
