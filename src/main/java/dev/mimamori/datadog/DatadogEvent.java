package dev.mimamori.datadog;

import java.util.List;

/** An event for Datadog's event stream. {@code alertType} is one of info, warning, error, success. */
public record DatadogEvent(String title, String text, List<String> tags, String alertType) {}
