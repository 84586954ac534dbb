package dev.mimamori.datadog;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A metric-based Datadog SLO as mimamori sees it: good events over all events, one target over one rolling window.
 * Only the fields the operator manages; what Datadog adds is not modelled, so it can never look like drift.
 */
public record SloDefinition(
        String name,
        String description,
        List<String> tags,
        String timeframe,
        double target,
        Double warning,
        String numerator,
        String denominator) {

    public SloDefinition {
        tags = tags == null ? List.of() : List.copyOf(new TreeSet<>(tags));
        description = description == null ? "" : description;
    }

    public String tagValue(String key) {
        String prefix = key + ":";
        return tags.stream()
                .filter(t -> t.startsWith(prefix))
                .map(t -> t.substring(prefix.length()))
                .findFirst()
                .orElse(null);
    }

    /** True when {@code actual}, as read back from Datadog, already says everything this definition says. */
    public boolean isSatisfiedBy(SloDefinition actual) {
        return Objects.equals(name, actual.name)
                && Objects.equals(description, actual.description)
                && tags.equals(actual.tags)
                && Objects.equals(timeframe, actual.timeframe)
                && target == actual.target
                && Objects.equals(warning, actual.warning)
                && Objects.equals(numerator, actual.numerator)
                && Objects.equals(denominator, actual.denominator);
    }
}
