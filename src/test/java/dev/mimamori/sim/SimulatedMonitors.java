package dev.mimamori.sim;

import com.datadog.api.client.v1.model.Monitor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitors of one simulated Datadog organisation, as Datadog's v1 monitor API stores and
 * returns them. Every method is synchronized; nodes handed out are copies.
 */
final class SimulatedMonitors {

    static final long FIRST_ID = 1_000_001L;
    static final long ORG_ID = 321_813L;

    /** Datadog's timestamp shape: microseconds and a numeric offset. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ROOT);

    /** Fields a client may set; everything else in a request body is read-only and ignored. */
    private static final List<String> WRITABLE = List.of(
            "name",
            "type",
            "query",
            "message",
            "tags",
            "options",
            "priority",
            "restricted_roles",
            "draft_status",
            "assets");

    private static final int DEFAULT_PAGE_SIZE = 100;
    private static final int MAX_PAGE_SIZE = 1000;
    private static final Pattern SCOPE = Pattern.compile("\\{([^}]*)}");
    private static final Pattern GROUPED = Pattern.compile("\\bby\\s*\\{");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Supplier<Instant> now;
    // Read while this object's lock is held: it must never take the SLOs' lock (see SimulatedSlos).
    private final MonitorValidator.SloLookup slos;
    private final TreeMap<Long, ObjectNode> monitors = new TreeMap<>();
    private long nextId = FIRST_ID;

    SimulatedMonitors(Supplier<Instant> now) {
        this(now, sloId -> null);
    }

    /** The ids of monitor-based SLOs that use a monitor; set once the SLOs exist. */
    private volatile java.util.function.LongFunction<List<String>> sloUsers = id -> List.of();

    void useSloUsers(java.util.function.LongFunction<List<String>> users) {
        this.sloUsers = users;
    }

    SimulatedMonitors(Supplier<Instant> now, MonitorValidator.SloLookup slos) {
        this.now = now;
        this.slos = slos;
    }

    // ---- API operations -------------------------------------------------------------------

    synchronized ObjectNode create(ObjectNode request) {
        ObjectNode fields = writable(request);
        MonitorValidator.check(fields, true, slos);
        ClientModels.refuseUnparsable(fields, Monitor.class);
        checkCompositeMembers(fields, -1);
        long id = nextId++;
        ObjectNode stored = template(id, now.get());
        stored.setAll(fields);
        completeDefaults(stored);
        monitors.put(id, stored);
        return stored.deepCopy();
    }

    synchronized ObjectNode get(long id) {
        return require(id).deepCopy();
    }

    /** Partial update: only fields present in the request replace the stored ones. */
    synchronized ObjectNode update(long id, ObjectNode request) {
        refuseIfRestricted(require(id));
        ObjectNode merged = require(id).deepCopy();
        merged.setAll(writable(request));
        // A replaced options object is checked as sent, before Datadog's defaults are refilled.
        MonitorValidator.check(merged, false, slos);
        ClientModels.refuseUnparsable(merged, Monitor.class);
        checkCompositeMembers(merged, id);
        completeDefaults(merged);
        touch(merged);
        monitors.put(id, merged);
        return merged.deepCopy();
    }

    /**
     * Deletes a monitor unless a composite monitor or a monitor-based SLO uses it: Datadog answers 400 then, unless
     * {@code force}. A monitor restricted to roles the caller lacks answers 403.
     */
    long delete(long id, boolean force) {
        // Asked before taking this lock: an SLO delete holds the SLOs' lock and then takes this one.
        List<String> usedBy = force ? List.of() : sloUsers.apply(id);
        synchronized (this) {
            return deleteUnlessUsed(id, force, usedBy);
        }
    }

    private long deleteUnlessUsed(long id, boolean force, List<String> usedBy) {
        ObjectNode monitor = require(id);
        refuseIfRestricted(monitor);
        if (!force) {
            List<String> composites = new ArrayList<>();
            for (ObjectNode m : monitors.values()) {
                if ("composite".equals(m.path("type").asText())
                        && compositeMembers(m).contains(id)) {
                    composites.add(Long.toString(m.path("id").asLong()));
                }
            }
            if (!composites.isEmpty()) {
                throw ApiError.badRequest(
                        "monitor [" + id + "," + monitor.path("name").asText()
                                + "] is referenced in composite monitors: [" + String.join(", ", composites) + "]");
            }
            if (!usedBy.isEmpty()) {
                throw ApiError.badRequest(
                        "monitor [" + id + "," + monitor.path("name").asText() + "] is referenced in slos: " + usedBy);
            }
        }
        monitors.remove(id);
        return id;
    }

    /**
     * A composite combines monitors that exist, by id, with only ids, && || ! and parentheses; Datadog refuses a
     * composite naming a monitor it does not have.
     */
    private void checkCompositeMembers(ObjectNode monitor, long self) {
        if (!"composite".equals(monitor.path("type").asText())) {
            return;
        }
        String query = monitor.path("query").asText("");
        if (!query.matches("[0-9&|!() ]+")) {
            throw ApiError.badRequest("The value provided for parameter 'query' is invalid: a composite query "
                    + "combines monitor ids with &&, || and !");
        }
        for (long member : compositeMembers(monitor)) {
            if (member == self || !monitors.containsKey(member)) {
                throw ApiError.badRequest(
                        "The value provided for parameter 'query' is invalid: monitor " + member + " does not exist");
            }
        }
    }

    /** The monitor ids a composite monitor's query combines, e.g. {@code 12 && !34}. */
    static Set<Long> compositeMembers(ObjectNode composite) {
        Set<Long> ids = new java.util.HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b\\d+\\b")
                .matcher(composite.path("query").asText(""));
        while (m.find()) {
            ids.add(Long.parseLong(m.group()));
        }
        return ids;
    }

    /**
     * Datadog lets only the listed roles edit a monitor with restricted_roles; the simulator's key has no role, as
     * an operator's service account usually has none of the teams' roles.
     */
    private static void refuseIfRestricted(ObjectNode monitor) {
        JsonNode roles = monitor.path("restricted_roles");
        if (roles.isArray() && !roles.isEmpty()) {
            throw new ApiError(403, "Forbidden");
        }
    }

    /** Validates a new definition without storing it. */
    synchronized void validate(ObjectNode request) {
        ObjectNode fields = writable(request);
        MonitorValidator.check(fields, true, slos);
        ClientModels.refuseUnparsable(fields, Monitor.class);
    }

    /** Validates an update of an existing monitor without applying it. */
    synchronized void validateExisting(long id, ObjectNode request) {
        ObjectNode merged = require(id).deepCopy();
        merged.setAll(writable(request));
        MonitorValidator.check(merged, false, slos);
        ClientModels.refuseUnparsable(merged, Monitor.class);
    }

    /**
     * GET /api/v1/monitor with its filters and paging, sorted by id.
     *
     * @param params first value of each query parameter
     */
    synchronized List<ObjectNode> list(Map<String, String> params) {
        Set<String> monitorTags = csv(params.get("monitor_tags"));
        Set<String> scopeTags = csv(params.get("tags"));
        String name = params.get("name");
        String nameLower = name == null ? null : name.toLowerCase(Locale.ROOT);
        long idOffset = parseLong(params.get("id_offset"), "id_offset", 0L);
        String pageParam = params.get("page");
        long page = parseLong(pageParam, "page", 0L);
        long pageSize = parseLong(params.get("page_size"), "page_size", DEFAULT_PAGE_SIZE);
        if (page < 0) {
            throw ApiError.badRequest("page must be greater than or equal to 0");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw ApiError.badRequest("page_size must be between 1 and " + MAX_PAGE_SIZE);
        }

        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode m : monitors.tailMap(idOffset, false).values()) {
            String monitorName = m.path("name").asText().toLowerCase(Locale.ROOT);
            if (tagsOf(m).containsAll(monitorTags)
                    && scopeTagsOf(m).containsAll(scopeTags)
                    && (nameLower == null || monitorName.contains(nameLower))) {
                matching.add(m);
            }
        }
        // Without "page" Datadog returns every match in one answer.
        List<ObjectNode> window = matching;
        if (pageParam != null) {
            // page is capped first so page * pageSize cannot overflow.
            long from = Math.min(Math.min(page, matching.size()) * pageSize, matching.size());
            long to = Math.min(from + pageSize, matching.size());
            window = matching.subList((int) from, (int) to);
        }
        List<ObjectNode> copies = new ArrayList<>(window.size());
        window.forEach(m -> copies.add(m.deepCopy()));
        return copies;
    }

    // ---- out-of-band hooks ("the Datadog UI") ----------------------------------------------

    synchronized List<ObjectNode> snapshot() {
        List<ObjectNode> copies = new ArrayList<>(monitors.size());
        monitors.values().forEach(m -> copies.add(m.deepCopy()));
        return copies;
    }

    synchronized ObjectNode find(long id) {
        ObjectNode m = monitors.get(id);
        return m == null ? null : m.deepCopy();
    }

    synchronized List<ObjectNode> tagged(String... tags) {
        Set<String> wanted = new HashSet<>(Arrays.asList(tags));
        List<ObjectNode> copies = new ArrayList<>();
        for (ObjectNode m : monitors.values()) {
            if (tagsOf(m).containsAll(wanted)) {
                copies.add(m.deepCopy());
            }
        }
        return copies;
    }

    /** Applies an edit as a user in the UI would; no validation, but modified moves on. */
    synchronized ObjectNode edit(long id, Consumer<ObjectNode> edit) {
        ObjectNode copy = require(id).deepCopy();
        edit.accept(copy);
        copy.put("id", id);
        touch(copy);
        monitors.put(id, copy);
        return copy.deepCopy();
    }

    synchronized boolean remove(long id) {
        return monitors.remove(id) != null;
    }

    /**
     * Runs an action on copies of the "slo alert" monitors pointing at an SLO, holding this lock
     * throughout, so no such monitor can appear before the action (an SLO delete) completes.
     */
    synchronized <T> T withSloAlerts(String sloId, Function<List<ObjectNode>, T> action) {
        List<ObjectNode> referencing = new ArrayList<>();
        for (ObjectNode m : monitors.values()) {
            if (MonitorValidator.SLO_ALERT.equals(m.path("type").asText())
                    && sloId.equals(
                            MonitorValidator.referencedSlo(m.path("query").asText("")))) {
                referencing.add(m.deepCopy());
            }
        }
        return action.apply(referencing);
    }

    /**
     * Stores a monitor that exists before the test starts. Missing read-only fields and option
     * defaults are filled in; nothing is validated, so odd legacy monitors can be seeded too.
     *
     * @return the monitor's id (the one given, or a newly assigned one)
     */
    synchronized long put(ObjectNode seed) {
        JsonNode givenId = seed.get("id");
        long id = givenId != null && givenId.canConvertToLong() ? givenId.asLong() : nextId;
        nextId = Math.max(nextId, id + 1);
        ObjectNode stored = template(id, now.get());
        stored.setAll(seed.deepCopy());
        stored.put("id", id);
        completeDefaults(stored);
        monitors.put(id, stored);
        return id;
    }

    /** Forgets every monitor. Ids keep increasing so they are never reused within a run. */
    synchronized void clear() {
        monitors.clear();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private ObjectNode require(long id) {
        ObjectNode m = monitors.get(id);
        if (m == null) {
            throw ApiError.notFound("Monitor not found");
        }
        return m;
    }

    private static ObjectNode writable(ObjectNode request) {
        ObjectNode fields = NODES.objectNode();
        for (String name : WRITABLE) {
            JsonNode value = request.get(name);
            if (value != null) {
                fields.set(name, value.deepCopy());
            }
        }
        return fields;
    }

    /** A new monitor with Datadog's read-only fields, in the order Datadog returns them. */
    private static ObjectNode template(long id, Instant created) {
        ObjectNode m = NODES.objectNode();
        m.put("id", id);
        m.put("org_id", ORG_ID);
        m.put("name", "");
        m.putNull("type");
        m.putNull("query");
        m.put("message", "");
        m.putArray("tags");
        m.putObject("options");
        m.put("multi", false);
        m.put("created", format(created));
        m.put("modified", format(created));
        m.putNull("deleted");
        ObjectNode creator = m.putObject("creator");
        creator.put("email", "simulator@example.com");
        creator.put("handle", "simulator@example.com");
        creator.put("name", "Datadog Simulator");
        creator.put("id", 1);
        m.put("overall_state", "No Data");
        m.putNull("priority");
        m.putNull("restricted_roles");
        m.put("draft_status", "published");
        return m;
    }

    /**
     * Fills what Datadog adds to a stored monitor: option defaults where the client did not set
     * them, a critical threshold taken from the query when no thresholds were sent, and "multi".
     */
    private static void completeDefaults(ObjectNode m) {
        JsonNode given = m.get("options");
        ObjectNode options = given instanceof ObjectNode o ? o : m.putObject("options");
        if (!options.has("notify_audit")) {
            options.put("notify_audit", false);
        }
        if (!options.has("include_tags")) {
            options.put("include_tags", true);
        }
        if (!options.has("new_host_delay")) {
            options.put("new_host_delay", 300);
        }
        if (!options.has("notify_no_data")) {
            options.put("notify_no_data", false);
        }
        if (!options.has("silenced")) {
            options.putObject("silenced");
        }
        String type = m.path("type").asText("");
        String query = m.path("query").asText("");
        JsonNode thresholds = options.get("thresholds");
        if (MonitorValidator.needsThreshold(type) && (thresholds == null || thresholds.isNull())) {
            MonitorValidator.QueryThreshold t = MonitorValidator.queryThreshold(query);
            if (t != null) {
                options.putObject("thresholds").put("critical", t.value().doubleValue());
            }
        }
        if (m.path("tags").isNull() || !m.has("tags")) {
            m.putArray("tags");
        }
        m.put("multi", GROUPED.matcher(query).find());
    }

    /** Moves "modified" forward, strictly, even when the clock is frozen. */
    private void touch(ObjectNode m) {
        Instant next = now.get();
        try {
            Instant previous =
                    OffsetDateTime.parse(m.path("modified").asText(), TIMESTAMP).toInstant();
            if (!next.isAfter(previous)) {
                next = previous.plusMillis(1);
            }
        } catch (DateTimeParseException e) {
            // An edit may have broken the field; the current time is the best answer then.
        }
        m.put("modified", format(next));
    }

    static String format(Instant instant) {
        return TIMESTAMP.format(instant.atOffset(ZoneOffset.UTC));
    }

    private static Set<String> tagsOf(ObjectNode m) {
        Set<String> tags = new HashSet<>();
        m.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    /** Tags in the query's {...} scopes, which is what the "tags" list filter matches. */
    private static Set<String> scopeTagsOf(ObjectNode m) {
        Set<String> tags = new HashSet<>();
        Matcher scope = SCOPE.matcher(m.path("query").asText(""));
        while (scope.find()) {
            for (String part : scope.group(1).split(",")) {
                tags.add(part.trim());
            }
        }
        return tags;
    }

    private static Set<String> csv(String value) {
        Set<String> parts = new HashSet<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    parts.add(part.trim());
                }
            }
        }
        return parts;
    }

    private static long parseLong(String value, String name, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("Invalid value for parameter '" + name + "': " + value);
        }
    }
}
