package dev.mimamori.datadog;


import com.fasterxml.jackson.databind.JsonNode;

/**
 * A dashboard that exists in Datadog. {@code stored} is the whole dashboard as Datadog answered a create or update
 * (what it holds after its own normalisation), or null where only a list summary was read.
 */
public record ManagedDashboard(String id, String title, String description, String url, JsonNode stored) {
}
