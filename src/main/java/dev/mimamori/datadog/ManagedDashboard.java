package dev.mimamori.datadog;

/** A dashboard that exists in Datadog, as its list shows it. */
public record ManagedDashboard(String id, String title, String description, String url) {
}
