package dev.mimamori.datadog;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A dashboard that exists in Datadog. {@code stored} is the whole dashboard as Datadog answered a create, update or
 * read (what it holds after its own normalisation), or null where only a list summary was read. {@code modifiedAt}
 * is Datadog's last-modified time, which the list gives too: a dashboard whose time did not move need not be read.
 */
public record ManagedDashboard(
        String id, String title, String description, String url, String modifiedAt, JsonNode stored) {}
