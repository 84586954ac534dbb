package dev.mimamori.sim;

import com.datadog.api.client.v2.model.AuditLogsSearchEventsRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Datadog's Audit Trail for monitors, SLOs and dashboards: every create, update and delete, whether through the API or
 * "the UI" of the simulator, and {@code POST /api/v2/audit/events/search} over them. Searches understand the
 * {@code @asset.type} filter only and refuse any other query, so a test never passes on a filter the simulator ignored.
 * An organisation without the Audit Trail (or a key without {@code audit_logs_read}) answers 403.
 */
final class SimulatedAuditTrail {
    /** Datadog's documented default and maximum {@code page.limit}. */
    static final int DEFAULT_LIMIT = 10;

    static final int MAX_LIMIT = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ASSET_TYPE =
            Pattern.compile("@asset\\.type:(?:\\(([a-z_]+(?: OR [a-z_]+)*)\\)|([a-z_]+))");
    private static final Pattern RELATIVE = Pattern.compile("now(?:-(\\d+)([smhd]))?");

    private record Entry(String id, Instant at, String assetType, String assetId, String action) {}

    private final Supplier<Instant> clock;
    private final List<Entry> entries = new ArrayList<>();
    private long nextId = 1;
    private volatile boolean enabled = true;

    SimulatedAuditTrail(Supplier<Instant> clock) {
        this.clock = clock;
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    synchronized void record(String assetType, String assetId, String action) {
        entries.add(new Entry(String.format("AQAAAZ%012d", nextId++), clock.get(), assetType, assetId, action));
    }

    synchronized void clear() {
        entries.clear();
        enabled = true;
    }

    synchronized ObjectNode search(JsonNode body) {
        if (!enabled) {
            throw new ApiError(403, List.of("Forbidden"));
        }
        ClientModels.refuseUnparsable(body, AuditLogsSearchEventsRequest.class);
        Instant now = clock.get();
        JsonNode filter = body.path("filter");
        Set<String> types = assetTypes(filter.path("query").asText("*"));
        Instant from = time(filter.path("from").asText("now-15m"), now);
        Instant to = time(filter.path("to").asText("now"), now);
        int limit = body.path("page").path("limit").asInt(DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiError.badRequest("page[limit] must be between 1 and " + MAX_LIMIT);
        }
        int offset = cursor(body.path("page").path("cursor").asText(""));
        Comparator<Entry> order = Comparator.comparing(Entry::at).thenComparing(Entry::id);
        if (!"timestamp".equals(body.path("sort").asText("-timestamp"))) {
            order = order.reversed();
        }
        List<Entry> matching = entries.stream()
                .filter(e -> types == null || types.contains(e.assetType()))
                .filter(e -> !e.at().isBefore(from) && e.at().isBefore(to))
                .sorted(order)
                .toList();
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode data = answer.putArray("data");
        matching.stream().skip(offset).limit(limit).forEach(e -> data.add(event(e)));
        ObjectNode meta = answer.putObject("meta");
        meta.put("status", "done");
        meta.put("elapsed", 1);
        if (offset + limit < matching.size()) {
            String next = String.valueOf(offset + limit);
            meta.putObject("page").put("after", next);
            answer.putObject("links").put("next", "/api/v2/audit/events?page[cursor]=" + next);
        }
        return answer;
    }

    private static ObjectNode event(Entry e) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", e.id());
        event.put("type", "audit");
        ObjectNode attributes = event.putObject("attributes");
        attributes.put("timestamp", e.at().toString());
        attributes.put("service", e.assetType());
        attributes.put("message", e.assetType() + " " + e.assetId() + " " + e.action());
        attributes.putArray("tags").add("source:audit");
        ObjectNode custom = attributes.putObject("attributes");
        custom.putObject("evt").put("name", e.assetType());
        custom.putObject("asset").put("type", e.assetType()).put("id", e.assetId());
        custom.put("action", e.action());
        return event;
    }

    /** Null for every type ({@code *} or no query). */
    private static Set<String> assetTypes(String query) {
        String q = query.trim();
        if (q.isEmpty() || q.equals("*")) {
            return null;
        }
        Matcher m = ASSET_TYPE.matcher(q);
        if (!m.matches()) {
            throw ApiError.badRequest("the simulator's audit search understands only @asset.type filters: " + q);
        }
        String list = m.group(1) != null ? m.group(1) : m.group(2);
        return Set.of(list.split(" OR "));
    }

    /** Milliseconds, ISO-8601, or date math relative to now ({@code now-15m}). */
    private static Instant time(String text, Instant now) {
        if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
            return Instant.ofEpochMilli(Long.parseLong(text));
        }
        Matcher m = RELATIVE.matcher(text);
        if (m.matches()) {
            if (m.group(1) == null) {
                return now;
            }
            long amount = Long.parseLong(m.group(1));
            Duration unit = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return now.minus(unit.multipliedBy(amount));
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("invalid time: " + text);
        }
    }

    private static int cursor(String cursor) {
        if (cursor.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid page[cursor]");
        }
    }
}
