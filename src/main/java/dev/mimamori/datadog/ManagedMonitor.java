package dev.mimamori.datadog;

/** A monitor that exists in Datadog, with its id. */
public record ManagedMonitor(long id, MonitorDefinition definition) {}
