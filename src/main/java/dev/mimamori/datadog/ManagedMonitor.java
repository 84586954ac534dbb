package dev.mimamori.datadog;

/** A monitor that exists in Datadog, with its id. */
public record ManagedMonitor(long id, MonitorDefinition definition) {

    /** The template name from the {@code mimamori-monitor} tag, or null for a monitor without one. */
    public String templateName() {
        return definition.tagValue(OwnershipTags.MONITOR);
    }

    public String owner() {
        return definition.tagValue(OwnershipTags.OWNER);
    }
}
