package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The Datadog monitor options teams most often set. Anything left empty keeps Datadog's default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitorOptions {
    @JsonPropertyDescription("Notify when the query reports no data.")
    public Boolean notifyNoData;

    @JsonPropertyDescription(
            "Minutes without data before a no-data notification (Datadog: at least 2x the evaluation window).")
    public Integer noDataTimeframe;

    @JsonPropertyDescription("Minutes after which an unresolved alert notifies again; 0 or empty for never.")
    public Integer renotifyInterval;

    @JsonPropertyDescription("Seconds to delay evaluation, for metrics that arrive late (e.g. cloud integrations).")
    public Integer evaluationDelay;

    @JsonPropertyDescription("Seconds a new group (e.g. a new pod) is ignored after it first reports.")
    public Integer newGroupDelay;

    @JsonPropertyDescription("Evaluate only when the evaluation window is full of data.")
    public Boolean requireFullWindow;

    @JsonPropertyDescription("Include the triggering tags in the notification title.")
    public Boolean includeTags;
}
