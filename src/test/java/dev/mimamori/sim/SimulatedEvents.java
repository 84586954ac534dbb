package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Events posted through v1 POST /api/v1/events. Thread-safe. */
final class SimulatedEvents {

    // Real event ids are large 64-bit numbers; starting high catches int truncation early.
    private static final long FIRST_ID = 7_000_000_000_000_000_001L;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int MAX_TEXT = 4000;
    static final int MAX_AGGREGATION_KEY = 100;

    private final List<ObjectNode> events = new ArrayList<>();
    private long nextId = FIRST_ID;

    /**
     * Stores an event the way Datadog echoes it back.
     *
     * @return the stored event (a copy), with id, id_str and url
     */
    synchronized ObjectNode create(JsonNode request, Instant now) {
        JsonNode title = request.get("title");
        JsonNode text = request.get("text");
        if (title == null || !title.isTextual() || title.asText().isBlank()) {
            throw ApiError.badRequest("Event title is required");
        }
        if (text == null || !text.isTextual()) {
            throw ApiError.badRequest("Event text is required");
        }
        // Published limits (v1 EventCreateRequest: text maxLength 4000, aggregation_key maxLength 100); the title has
        // none.
        if (text.asText().length() > MAX_TEXT) {
            throw ApiError.badRequest("Event text is limited to " + MAX_TEXT + " characters");
        }
        if (request.path("aggregation_key").asText("").length() > MAX_AGGREGATION_KEY) {
            throw ApiError.badRequest("Event aggregation_key is limited to " + MAX_AGGREGATION_KEY + " characters");
        }
        long id = nextId++;
        ObjectNode event = NODES.objectNode();
        event.put("id", id);
        event.put("id_str", Long.toString(id));
        event.put("title", title.asText());
        event.put("text", text.asText());
        JsonNode happened = request.get("date_happened");
        event.put(
                "date_happened",
                happened != null && happened.canConvertToLong() ? happened.asLong() : now.getEpochSecond());
        event.putNull("handle");
        copyOrNull(request, event, "priority");
        event.putNull("related_event_id");
        if (request.path("tags").isArray()) {
            event.set("tags", request.get("tags").deepCopy());
        } else {
            event.putArray("tags");
        }
        for (String optional : List.of("alert_type", "aggregation_key", "source_type_name", "host")) {
            if (request.hasNonNull(optional)) {
                event.set(optional, request.get(optional).deepCopy());
            }
        }
        event.put("url", "https://app.datadoghq.com/event/event?id=" + id);
        events.add(event);
        return event.deepCopy();
    }

    synchronized List<ObjectNode> snapshot() {
        List<ObjectNode> copies = new ArrayList<>(events.size());
        events.forEach(e -> copies.add(e.deepCopy()));
        return copies;
    }

    synchronized void clear() {
        events.clear();
    }

    private static void copyOrNull(JsonNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value == null) {
            to.putNull(field);
        } else {
            to.set(field, value.deepCopy());
        }
    }
}
