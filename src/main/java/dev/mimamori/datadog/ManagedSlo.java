package dev.mimamori.datadog;

import java.util.List;

/**
 * An SLO that exists in Datadog, as an inventory keeps it: its id, its creation time (seconds, which orders
 * duplicates), its tags (shared copies; ownership is read from them), its target, and a
 * {@link SloDefinition#fingerprint() fingerprint} of the rest of what mimamori compares.
 */
public record ManagedSlo(String id, long createdAt, List<String> tags, double target, long fingerprint) {

    /** The SLO as {@code definition} describes it, kept compact. */
    public static ManagedSlo of(String id, long createdAt, SloDefinition definition) {
        return new ManagedSlo(
                id, createdAt, Shared.tags(definition.tags()), definition.target(), definition.fingerprint());
    }
}
