package dev.mimamori.datadog;

/** An SLO that exists in Datadog, with its id and creation time (seconds), which orders duplicates. */
public record ManagedSlo(String id, long createdAt, SloDefinition definition) {}
