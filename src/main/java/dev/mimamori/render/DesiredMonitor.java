package dev.mimamori.render;

import dev.mimamori.datadog.MonitorDefinition;

/** A monitor as the profile and the ServiceMonitoring want it, under its template name. */
public record DesiredMonitor(String templateName, MonitorDefinition definition) {}
