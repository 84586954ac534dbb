package dev.mimamori.datadog;

import java.util.Map;

/** One row of a grouped scalar answer: the row's value of each grouped tag, and the query's number. */
public record GroupedValue(Map<String, String> tags, double value) {
    public GroupedValue {
        tags = Map.copyOf(tags);
    }
}
