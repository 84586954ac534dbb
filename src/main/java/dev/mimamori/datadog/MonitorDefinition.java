package dev.mimamori.datadog;

import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Datadog monitor as mimamori sees it: only the fields the operator manages. Datadog adds defaults of its own to
 * what it stores; they are not modelled here, so they can never look like drift.
 */
public record MonitorDefinition(
        String name,
        String type,
        String query,
        String message,
        Integer priority,
        List<String> tags,
        SortedMap<String, Double> thresholds,
        MonitorSettings settings) {

    public MonitorDefinition {
        tags = tags == null ? List.of() : List.copyOf(new TreeSet<>(tags));
        thresholds = thresholds == null ? new TreeMap<>() : new TreeMap<>(thresholds);
        settings = settings == null ? MonitorSettings.NONE : settings;
    }

    /** The value of the first tag {@code key:value} with this key, or null. */
    public String tagValue(String key) {
        String prefix = key + ":";
        return tags.stream()
                .filter(t -> t.startsWith(prefix))
                .map(t -> t.substring(prefix.length()))
                .findFirst()
                .orElse(null);
    }

    /**
     * True when {@code actual} (as read back from Datadog) already says everything this desired definition says: the
     * same type, the same tags as a set, the same settings where this definition sets them (the others are Datadog's
     * to choose), and the same name, query, message, priority and thresholds, compared by {@link #fingerprint()}.
     */
    public boolean isSatisfiedBy(ManagedMonitor actual) {
        return Objects.equals(type, actual.type())
                && tags.equals(actual.tags())
                && settings.isSatisfiedBy(actual.settings())
                && fingerprint() == actual.fingerprint();
    }

    /** The name, query, message, priority and thresholds in 64 bits: what a listed monitor keeps of them. */
    public long fingerprint() {
        return new Fingerprint()
                .text(name)
                .text(query)
                .text(message)
                .integer(priority)
                .decimals(thresholds)
                .value();
    }
}
