package dev.mimamori.sim;

import com.datadog.api.client.v1.model.Dashboard;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The dashboards of one simulated Datadog organisation, as Datadog's v1 dashboard API stores and
 * returns them. Every method is synchronized; nodes handed out are copies.
 */
final class SimulatedDashboards {

    static final String AUTHOR = "simulator@example.com";

    /** Fields a client may set; the read-only ones in a request body are ignored. */
    private static final List<String> WRITABLE = List.of(
            "title",
            "description",
            "layout_type",
            "reflow_type",
            "is_read_only",
            "notify_list",
            "restricted_roles",
            "tags",
            "template_variables",
            "template_variable_presets",
            "widgets",
            "default_timeframe",
            "tabs");

    private static final int DEFAULT_COUNT = 100;
    // Datadog cuts the title slug in dashboard URLs at 80 characters.
    private static final int MAX_SLUG = 80;
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    // Datadog widget ids are large numbers; staying below 2^53 keeps them exact in JavaScript.
    private static final long FIRST_WIDGET_ID = 4_000_000_000_000_001L;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Supplier<Instant> now;
    // Insertion order is creation order, which the list answers in.
    private final Map<String, ObjectNode> dashboards = new LinkedHashMap<>();
    // Deleted dashboards stay restorable in Datadog and are listed with filter[deleted]=true.
    private final Map<String, ObjectNode> deleted = new LinkedHashMap<>();
    private final Set<String> issuedIds = new HashSet<>();
    // Seeded, so a test run sees the same ids every time.
    private final Random idSource = new Random(0xDA5B0A4DL);
    private long nextWidgetId = FIRST_WIDGET_ID;

    SimulatedDashboards(Supplier<Instant> now) {
        this.now = now;
    }

    // ---- API operations -------------------------------------------------------------------

    synchronized ObjectNode create(ObjectNode request) {
        DashboardValidator.check(request);
        ClientModels.refuseUnparsable(request, Dashboard.class);
        String id = newId();
        Instant created = now.get();
        ObjectNode stored = build(id, writable(request), created, created);
        dashboards.put(id, stored);
        return stored.deepCopy();
    }

    /** Only the listed roles may edit a dashboard with restricted_roles; the simulator's key has none. */
    private static void refuseIfRestricted(ObjectNode dashboard) {
        JsonNode roles = dashboard.path("restricted_roles");
        if (roles.isArray() && !roles.isEmpty()) {
            throw new ApiError(403, "Forbidden");
        }
    }

    synchronized ObjectNode get(String id) {
        return require(id).deepCopy();
    }

    /** PUT replaces the whole definition; id, author and creation time stay. */
    synchronized ObjectNode update(String id, ObjectNode request) {
        // Datadog checks the body before it looks the dashboard up.
        DashboardValidator.check(request);
        ClientModels.refuseUnparsable(request, Dashboard.class);
        ObjectNode previous = require(id);
        refuseIfRestricted(previous);
        ObjectNode stored = build(id, writable(request), createdAt(previous), next(previous));
        dashboards.put(id, stored);
        return stored.deepCopy();
    }

    synchronized String delete(String id) {
        ObjectNode removed = require(id);
        refuseIfRestricted(removed);
        dashboards.remove(id);
        ObjectNode summary = summary(removed);
        summary.put("deleted_at", SimulatedMonitors.format(now.get()));
        deleted.put(id, summary);
        return id;
    }

    /**
     * GET /api/v1/dashboard: summaries in creation order, paged by "count" and "start".
     *
     * @param params first value of each query parameter
     */
    synchronized ObjectNode list(Map<String, String> params) {
        long count = nonNegative(params, "count", DEFAULT_COUNT);
        long start = nonNegative(params, "start", 0);
        boolean shared = flag(params, "filter[shared]");
        boolean onlyDeleted = flag(params, "filter[deleted]");
        if (shared && onlyDeleted) {
            throw ApiError.badRequest("filter[deleted] cannot be used together with filter[shared]");
        }
        List<ObjectNode> matching = new ArrayList<>();
        if (onlyDeleted) {
            deleted.values().forEach(matching::add);
        } else if (!shared) {
            // Sharing is not simulated, so no dashboard is shared.
            dashboards.values().forEach(d -> matching.add(summary(d)));
        }
        ObjectNode answer = NODES.objectNode();
        ArrayNode list = answer.putArray("dashboards");
        long from = Math.min(start, matching.size());
        long to = Math.min(from + count, matching.size());
        for (int i = (int) from; i < to; i++) {
            list.add(matching.get(i).deepCopy());
        }
        return answer;
    }

    // ---- out-of-band hooks ("the Datadog UI") ----------------------------------------------

    synchronized List<ObjectNode> snapshot() {
        List<ObjectNode> copies = new ArrayList<>(dashboards.size());
        dashboards.values().forEach(d -> copies.add(d.deepCopy()));
        return copies;
    }

    synchronized ObjectNode find(String id) {
        ObjectNode d = dashboards.get(id);
        return d == null ? null : d.deepCopy();
    }

    /**
     * Applies an edit as a user in the UI would: no validation, but the UI gives new widgets an
     * id, keeps the URL in step with the title, and modified_at moves on.
     */
    synchronized ObjectNode edit(String id, Consumer<ObjectNode> edit) {
        ObjectNode previous = require(id);
        ObjectNode copy = previous.deepCopy();
        edit.accept(copy);
        copy.put("id", id);
        copy.put("url", url(id, copy.path("title").asText("")));
        assignWidgetIds(copy.get("widgets"));
        copy.put("modified_at", SimulatedMonitors.format(next(previous)));
        dashboards.put(id, copy);
        return copy.deepCopy();
    }

    /** Deletes as a user would in the UI; the dashboard is then listed as deleted. */
    synchronized boolean remove(String id) {
        if (!dashboards.containsKey(id)) {
            return false;
        }
        delete(id);
        return true;
    }

    /** Ids and titles of dashboards with an SLO widget showing this SLO. */
    synchronized List<ObjectNode> showingSlo(String sloId) {
        List<ObjectNode> found = new ArrayList<>();
        for (ObjectNode d : dashboards.values()) {
            if (showsSlo(d.get("widgets"), sloId)) {
                found.add(summary(d));
            }
        }
        return found;
    }

    /** Forgets every dashboard, deleted ones included. Ids are never reused within a run. */
    synchronized void clear() {
        dashboards.clear();
        deleted.clear();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private ObjectNode require(String id) {
        ObjectNode d = dashboards.get(id);
        if (d == null) {
            throw ApiError.notFound("Dashboard with ID " + id + " not found");
        }
        return d;
    }

    /** "abc-def-ghi": three groups of three lowercase letters and digits, unique in the run. */
    private String newId() {
        while (true) {
            StringBuilder id = new StringBuilder(11);
            for (int i = 0; i < 9; i++) {
                if (i > 0 && i % 3 == 0) {
                    id.append('-');
                }
                id.append(ID_ALPHABET.charAt(idSource.nextInt(ID_ALPHABET.length())));
            }
            if (issuedIds.add(id.toString())) {
                return id.toString();
            }
        }
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

    /** A stored dashboard, with its fields in the order Datadog returns them. */
    private ObjectNode build(String id, ObjectNode fields, Instant created, Instant modified) {
        String title = fields.get("title").asText();
        ObjectNode d = NODES.objectNode();
        d.put("id", id);
        d.put("title", title);
        copyOrNull(fields, d, "description");
        d.put("author_handle", AUTHOR);
        d.putNull("author_name");
        d.set("layout_type", fields.get("layout_type"));
        copyIfPresent(fields, d, "reflow_type");
        d.put("url", url(id, title));
        JsonNode readOnly = fields.get("is_read_only");
        d.put("is_read_only", readOnly != null && readOnly.asBoolean(false));
        copyOrNull(fields, d, "template_variables");
        copyIfPresent(fields, d, "template_variable_presets");
        ArrayNode widgets = (ArrayNode) fields.get("widgets");
        assignWidgetIds(widgets);
        d.set("widgets", widgets);
        copyOrNull(fields, d, "notify_list");
        d.put("created_at", SimulatedMonitors.format(created));
        d.put("modified_at", SimulatedMonitors.format(modified));
        copyIfPresent(fields, d, "tags");
        JsonNode roles = fields.get("restricted_roles");
        if (roles != null && roles.isArray()) {
            d.set("restricted_roles", roles);
        } else {
            d.putArray("restricted_roles");
        }
        copyIfPresent(fields, d, "default_timeframe");
        copyIfPresent(fields, d, "tabs");
        return d;
    }

    /** Datadog numbers every widget, inside groups too; ids a client sends are kept. */
    private void assignWidgetIds(JsonNode widgets) {
        if (widgets == null || !widgets.isArray()) {
            return;
        }
        for (JsonNode w : widgets) {
            if (!(w instanceof ObjectNode widget)) {
                continue;
            }
            if (!widget.hasNonNull("id")) {
                widget.put("id", nextWidgetId++);
            }
            JsonNode definition = widget.get("definition");
            if (definition != null && "group".equals(definition.path("type").asText())) {
                assignWidgetIds(definition.get("widgets"));
            }
        }
    }

    private static boolean showsSlo(JsonNode widgets, String sloId) {
        if (widgets == null || !widgets.isArray()) {
            return false;
        }
        for (JsonNode w : widgets) {
            JsonNode definition = w.path("definition");
            String type = definition.path("type").asText();
            if (("slo".equals(type) && sloId.equals(definition.path("slo_id").asText(null)))
                    || ("group".equals(type) && showsSlo(definition.get("widgets"), sloId))) {
                return true;
            }
        }
        return false;
    }

    /** The list entry for a dashboard: no widgets, and the fields in Datadog's order. */
    private static ObjectNode summary(ObjectNode d) {
        ObjectNode s = NODES.objectNode();
        for (String field : List.of(
                "id",
                "title",
                "description",
                "layout_type",
                "url",
                "is_read_only",
                "created_at",
                "modified_at",
                "author_handle")) {
            JsonNode value = d.get(field);
            s.set(field, value == null ? NODES.nullNode() : value.deepCopy());
        }
        s.putNull("deleted_at");
        return s;
    }

    /** "/dashboard/abc-def-ghi/my-title": lowercase letters, digits and dashes, at most 80. */
    static String url(String id, String title) {
        String slug = title.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9\\s-]", "")
                .trim()
                .replaceAll("[\\s-]+", "-");
        if (slug.length() > MAX_SLUG) {
            slug = slug.substring(0, MAX_SLUG);
        }
        return "/dashboard/" + id + "/" + slug;
    }

    private static Instant createdAt(ObjectNode d) {
        return OffsetDateTime.parse(d.get("created_at").asText(), SimulatedMonitors.TIMESTAMP)
                .toInstant();
    }

    /** The next modified_at: now, but strictly after the previous one even with a frozen clock. */
    private Instant next(ObjectNode previous) {
        Instant next = now.get();
        try {
            Instant last = OffsetDateTime.parse(previous.path("modified_at").asText(), SimulatedMonitors.TIMESTAMP)
                    .toInstant();
            if (!next.isAfter(last)) {
                next = last.plusMillis(1);
            }
        } catch (DateTimeParseException e) {
            // A UI edit may have broken the field; the current time is the best answer then.
        }
        return next;
    }

    private static void copyOrNull(ObjectNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        to.set(field, value == null ? NODES.nullNode() : value);
    }

    private static void copyIfPresent(ObjectNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value != null) {
            to.set(field, value);
        }
    }

    private static long nonNegative(Map<String, String> params, String name, long fallback) {
        String value = params.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest("Invalid value for parameter '" + name + "': " + value);
    }

    private static boolean flag(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            return false;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw ApiError.badRequest("Invalid value for parameter '" + name + "': " + value);
        }
        return Boolean.parseBoolean(value);
    }
}
