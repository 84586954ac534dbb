package dev.mimamori.datadog;

/** An SLO that exists in Datadog, with its id and creation time (seconds), which orders duplicates. */
public record ManagedSlo(String id, long createdAt, SloDefinition definition) {

    /** The template name from the {@code mimamori-slo} tag, or null. */
    public String templateName() {
        return definition.tagValue(OwnershipTags.SLO);
    }

    public String owner() {
        return definition.tagValue(OwnershipTags.OWNER);
    }
}
