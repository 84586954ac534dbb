package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** One widget of the unified dashboard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DashboardWidget {

    /** What the widget shows. */
    public enum Kind {
        /** Lines over time, one per query (and per group of a "by {...}" query). */
        timeseries,
        /** The current value of the first query. */
        value,
        /** This service's monitors and their states. */
        monitors,
        /** Markdown text. */
        note
    }

    @Required
    @Size(min = 1, max = 200)
    @JsonPropertyDescription("Widget title.")
    public String title;

    @JsonPropertyDescription(
            "timeseries (default), value, monitors (the service's mimamori monitors and their states) or note.")
    public Kind type;

    @Size(max = 10)
    @JsonPropertyDescription(
            "Metric queries for timeseries and value widgets, using $service, $env and $version, and ${params.NAME}.")
    public List<@Size(max = 2000) String> queries;

    @Size(max = 2000)
    @JsonPropertyDescription("Markdown text of a note widget.")
    public String text;

    public Kind kind() {
        return type == null ? Kind.timeseries : type;
    }
}
