package dev.mimamori.datadog;

import java.util.List;
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

    /**
     * True when {@code actual}, as read back from Datadog, already says everything this definition says: the same
     * tags as a set, the same target, and the same name, description, timeframe, warning and queries, compared by
     * {@link #fingerprint()}.
     */
    public boolean isSatisfiedBy(ManagedSlo actual) {
        return tags.equals(actual.tags()) && target == actual.target() && fingerprint() == actual.fingerprint();
    }

    /** The name, description, timeframe, warning and queries in 64 bits: what a listed SLO keeps of them. */
    public long fingerprint() {
        return new Fingerprint()
                .text(name)
                .text(description)
                .text(timeframe)
                .decimal(warning)
                .text(numerator)
                .text(denominator)
                .value();
    }

    /** The same SLO with other tags. */
    public SloDefinition withTags(List<String> otherTags) {
        return new SloDefinition(name, description, otherTags, timeframe, target, warning, numerator, denominator);
    }
}
