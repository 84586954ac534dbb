package dev.mimamori.api;

/** What happens to the Datadog monitors when their ServiceMonitoring is deleted. */
public enum DeletionPolicy {
    /** The monitors are deleted from Datadog with the ServiceMonitoring. */
    Delete,
    /** The monitors stay in Datadog, untouched; a new ServiceMonitoring with the same name adopts them. */
    Orphan
}
