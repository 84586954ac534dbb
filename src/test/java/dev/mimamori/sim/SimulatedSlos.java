package dev.mimamori.sim;

import com.datadog.api.client.v1.model.ServiceLevelObjective;
import com.datadog.api.client.v1.model.ServiceLevelObjectiveRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The service level objectives of one simulated Datadog organisation, as Datadog's v1 SLO API
 * stores and returns them. Every method is synchronized; nodes handed out are copies.
 *
 * <p>Locks are only ever taken in the order SLOs, then monitors or dashboards: a delete checks
 * for referencing monitors under the monitors' lock, and the monitor validator reads SLO
 * targets from a concurrent index instead of taking this object's lock.
 */
final class SimulatedSlos {

    private static final Map<String, Integer> TYPE_IDS = Map.of("monitor", 0, "metric", 1, "time_slice", 2);
    private static final long DEFAULT_LIMIT = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Supplier<Instant> now;
    private final SimulatedMonitors monitors;
    private final SimulatedDashboards dashboards;
    // Insertion order is creation order, which the list answers in.
    private final Map<String, ObjectNode> slos = new LinkedHashMap<>();
    // Targets by timeframe of every SLO, readable without this object's lock.
    private final Map<String, Map<String, BigDecimal>> targets = new ConcurrentHashMap<>();
    private final Set<String> issuedIds = new HashSet<>();
    // Seeded, so a test run sees the same ids every time.
    private final Random idSource = new Random(0x5105L);

    /** SLOs under a restriction policy that gives the simulator's key no editing role. */
    private final java.util.Set<String> restricted = new java.util.HashSet<>();

    synchronized void restrict(String id, boolean on) {
        if (on) {
            restricted.add(id);
        } else {
            restricted.remove(id);
        }
    }

    private void refuseIfRestricted(String id) {
        if (restricted.contains(id)) {
            throw new ApiError(403, "Forbidden");
        }
    }

    /** The ids of monitor-based SLOs built on this monitor. */
    synchronized List<String> usingMonitor(long monitorId) {
        List<String> ids = new ArrayList<>();
        for (ObjectNode slo : slos.values()) {
            for (JsonNode m : slo.path("monitor_ids")) {
                if (m.asLong() == monitorId) {
                    ids.add(slo.path("id").asText());
                }
            }
        }
        return ids;
    }

    SimulatedSlos(Supplier<Instant> now, SimulatedMonitors monitors, SimulatedDashboards dashboards) {
        this.now = now;
        this.monitors = monitors;
        this.dashboards = dashboards;
    }

    // ---- API operations -------------------------------------------------------------------

    synchronized ObjectNode create(ObjectNode request) {
        SloValidator.check(request, id -> monitors.find(id) != null);
        ClientModels.refuseUnparsable(request, ServiceLevelObjectiveRequest.class);
        String id = newId();
        long created = now.get().getEpochSecond();
        ObjectNode stored = build(id, request, created, created);
        store(stored);
        return stored.deepCopy();
    }

    synchronized ObjectNode get(String id) {
        return require(id).deepCopy();
    }

    /** PUT replaces the whole SLO; id, creator and creation time stay. */
    synchronized ObjectNode update(String id, ObjectNode request) {
        ObjectNode previous = require(id);
        refuseIfRestricted(id);
        SloValidator.check(request, monitorId -> monitors.find(monitorId) != null);
        ClientModels.refuseUnparsable(request, ServiceLevelObjective.class);
        ObjectNode stored = build(id, request, previous.path("created_at").asLong(), next(previous));
        store(stored);
        return stored.deepCopy();
    }

    /**
     * Deletes an SLO unless something still uses it: Datadog answers 409 while an "slo alert"
     * monitor points at it (always) or a dashboard shows it (unless force).
     *
     * @return the deleted id
     */
    synchronized String delete(String id, boolean force) {
        ObjectNode slo = require(id);
        refuseIfRestricted(id);
        if (!force) {
            List<ObjectNode> showing = dashboards.showingSlo(id);
            if (!showing.isEmpty()) {
                List<String> refs = new ArrayList<>();
                showing.forEach(d ->
                        refs.add(d.path("id").asText() + "," + d.path("title").asText()));
                throw conflict(
                        id,
                        sloRef(slo) + " is referenced in dashboards: [" + String.join(", ", refs)
                                + "]; delete it with force=true to remove it anyway");
            }
        }
        // Under the monitors' lock, so no burn-rate monitor can be created for it meanwhile.
        return monitors.withSloAlerts(id, alerts -> {
            if (!alerts.isEmpty()) {
                List<String> refs = new ArrayList<>();
                alerts.forEach(m ->
                        refs.add(m.path("id").asLong() + "," + m.path("name").asText()));
                throw conflict(
                        id,
                        sloRef(slo) + " is referenced in monitors: [" + String.join(", ", refs)
                                + "]; delete those monitors first");
            }
            forget(id);
            return id;
        });
    }

    /**
     * GET /api/v1/slo with its filters and paging, in creation order.
     *
     * @param params first value of each query parameter
     * @return an SLOListResponse
     */
    synchronized ObjectNode list(Map<String, String> params) {
        Set<String> ids = csv(params.get("ids"));
        String nameQuery = lower(params.get("query"));
        String metricsQuery = params.get("metrics_query");
        List<String> tagTerms = tagTerms(params.get("tags_query"));
        long limit = nonNegative(params, "limit", DEFAULT_LIMIT);
        long offset = nonNegative(params, "offset", 0);

        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode slo : slos.values()) {
            if ((ids.isEmpty() || ids.contains(slo.path("id").asText()))
                    && (nameQuery == null || lower(slo.path("name").asText()).contains(nameQuery))
                    && (metricsQuery == null || usesMetric(slo, metricsQuery))
                    && hasTags(slo, tagTerms)) {
                matching.add(slo);
            }
        }
        ObjectNode answer = NODES.objectNode();
        ArrayNode data = answer.putArray("data");
        long from = Math.min(offset, matching.size());
        long to = Math.min(from + limit, matching.size());
        for (int i = (int) from; i < to; i++) {
            data.add(matching.get(i).deepCopy());
        }
        answer.putNull("error");
        // Datadog adds the page metadata only when the caller pages.
        if (params.containsKey("limit") || params.containsKey("offset")) {
            ObjectNode page = answer.putObject("metadata").putObject("page");
            page.put("total_count", slos.size());
            page.put("total_filtered_count", matching.size());
        }
        return answer;
    }

    // ---- out-of-band hooks ("the Datadog UI") ----------------------------------------------

    synchronized List<ObjectNode> snapshot() {
        List<ObjectNode> copies = new ArrayList<>(slos.size());
        slos.values().forEach(s -> copies.add(s.deepCopy()));
        return copies;
    }

    synchronized ObjectNode find(String id) {
        ObjectNode s = slos.get(id);
        return s == null ? null : s.deepCopy();
    }

    /**
     * Applies an edit as a user in the UI would: no validation; the display fields Datadog derives
     * (target_display, type_id, sorted tags) follow the edit, and modified_at moves on.
     */
    synchronized ObjectNode edit(String id, Consumer<ObjectNode> edit) {
        ObjectNode previous = require(id);
        ObjectNode copy = previous.deepCopy();
        edit.accept(copy);
        copy.put("id", id);
        derive(copy);
        copy.put("modified_at", next(previous));
        store(copy);
        return copy.deepCopy();
    }

    /** Deletes behind the API's back, as with force and no monitor check. */
    synchronized boolean remove(String id) {
        if (!slos.containsKey(id)) {
            return false;
        }
        forget(id);
        return true;
    }

    /** The SLO's targets by timeframe, or null when there is none; takes no lock. */
    Map<String, BigDecimal> targets(String id) {
        return targets.get(id);
    }

    /** Forgets every SLO. Ids are never reused within a run. */
    synchronized void clear() {
        slos.clear();
        targets.clear();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private ObjectNode require(String id) {
        ObjectNode s = slos.get(id);
        if (s == null) {
            throw ApiError.notFound("SLO not found: " + id + " not found");
        }
        return s;
    }

    private void store(ObjectNode slo) {
        String id = slo.path("id").asText();
        slos.put(id, slo);
        Map<String, BigDecimal> byTimeframe = new HashMap<>();
        for (JsonNode t : slo.path("thresholds")) {
            BigDecimal target = SloValidator.number(t.get("target"));
            if (t.path("timeframe").isTextual() && target != null) {
                byTimeframe.put(t.get("timeframe").asText(), target);
            }
        }
        targets.put(id, Map.copyOf(byTimeframe));
    }

    private void forget(String id) {
        slos.remove(id);
        targets.remove(id);
    }

    /** 32 lowercase hex digits, unique in the run. */
    private String newId() {
        while (true) {
            String id = String.format(Locale.ROOT, "%016x%016x", idSource.nextLong(), idSource.nextLong());
            if (issuedIds.add(id)) {
                return id;
            }
        }
    }

    /** A stored SLO, with its fields in the order Datadog returns them. */
    private ObjectNode build(String id, ObjectNode request, long created, long modified) {
        String type = request.get("type").asText();
        ObjectNode s = NODES.objectNode();
        s.put("id", id);
        s.put("name", request.get("name").asText());
        JsonNode tags = request.path("tags");
        s.set("tags", tags.isArray() ? tags.deepCopy() : NODES.arrayNode());
        s.putArray("monitor_tags");
        ArrayNode thresholds = s.putArray("thresholds");
        for (JsonNode t : request.get("thresholds")) {
            ObjectNode threshold = thresholds.addObject();
            threshold.put("timeframe", t.get("timeframe").asText());
            threshold.put("target", t.get("target").asDouble());
            if (t.hasNonNull("warning")) {
                threshold.put("warning", t.get("warning").asDouble());
            }
        }
        s.put("type", type);
        s.put("type_id", TYPE_IDS.get(type));
        s.put("description", request.path("description").asText(""));
        // The primary timeframe: the one named, else the first threshold's.
        JsonNode primary = thresholds.get(0);
        if (request.hasNonNull("timeframe")) {
            for (JsonNode t : thresholds) {
                if (t.get("timeframe").asText().equals(request.get("timeframe").asText())) {
                    primary = t;
                }
            }
        }
        s.put("timeframe", primary.get("timeframe").asText());
        if (primary.has("warning")) {
            s.put("warning_threshold", primary.get("warning").asDouble());
        }
        s.put("target_threshold", primary.get("target").asDouble());
        switch (type) {
            case "metric" -> {
                ObjectNode query = s.putObject("query");
                query.put("denominator", request.get("query").get("denominator").asText());
                query.put("numerator", request.get("query").get("numerator").asText());
            }
            case "monitor" -> {
                ArrayNode ids = s.putArray("monitor_ids");
                Set<String> monitorTags = new TreeSet<>();
                for (JsonNode monitorId : request.get("monitor_ids")) {
                    ids.add(monitorId.asLong());
                    ObjectNode monitor = monitors.find(monitorId.asLong());
                    if (monitor != null) {
                        monitor.path("tags").forEach(tag -> monitorTags.add(tag.asText()));
                    }
                }
                ArrayNode tagsNode = (ArrayNode) s.get("monitor_tags");
                monitorTags.forEach(tagsNode::add);
            }
            default -> {}
        }
        ObjectNode creator = s.putObject("creator");
        creator.putNull("name");
        creator.put("handle", SimulatedDashboards.AUTHOR);
        creator.put("email", SimulatedDashboards.AUTHOR);
        s.put("created_at", created);
        s.put("modified_at", modified);
        if (request.path("groups").isArray() && !request.get("groups").isEmpty()) {
            s.set("groups", request.get("groups").deepCopy());
        }
        if ("time_slice".equals(type)) {
            ObjectNode spec = request.get("sli_specification").deepCopy();
            ObjectNode slice = (ObjectNode) spec.get("time_slice");
            if (!slice.hasNonNull("query_interval_seconds")) {
                slice.put("query_interval_seconds", 300);
            }
            s.set("sli_specification", spec);
        }
        derive(s);
        return s;
    }

    /** Fields Datadog derives from the others: displays, the numeric type and sorted tags. */
    private static void derive(ObjectNode s) {
        Integer typeId = TYPE_IDS.get(s.path("type").asText());
        if (typeId != null) {
            s.put("type_id", typeId);
        }
        if (s.path("tags").isArray()) {
            Set<String> sorted = new TreeSet<>();
            s.get("tags").forEach(t -> sorted.add(t.asText()));
            ArrayNode tags = NODES.arrayNode();
            sorted.forEach(tags::add);
            s.set("tags", tags);
        }
        for (JsonNode t : s.path("thresholds")) {
            if (!(t instanceof ObjectNode threshold)) {
                continue;
            }
            BigDecimal target = SloValidator.number(threshold.get("target"));
            BigDecimal warning = SloValidator.number(threshold.get("warning"));
            // Rebuilt so target_display follows target, and warning_display follows warning.
            ObjectNode ordered = NODES.objectNode();
            ordered.set("timeframe", threshold.get("timeframe"));
            ordered.set("target", threshold.get("target"));
            if (target != null) {
                ordered.put("target_display", display(target));
            }
            if (warning != null) {
                ordered.set("warning", threshold.get("warning"));
                ordered.put("warning_display", display(warning));
            }
            threshold.removeAll();
            threshold.setAll(ordered);
        }
    }

    /** Datadog's display of a target: trailing zeros dropped but the point kept, as in "99." */
    static String display(BigDecimal value) {
        String plain = value.stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".";
    }

    /** The next modified_at (epoch seconds): now, but strictly after the previous one. */
    private long next(ObjectNode previous) {
        return Math.max(now.get().getEpochSecond(), previous.path("modified_at").asLong() + 1);
    }

    private static String sloRef(ObjectNode slo) {
        return "slo [" + slo.path("id").asText() + "," + slo.path("name").asText() + "]";
    }

    /** 409 in the SLODeleteResponse shape: nothing deleted, the reason keyed by SLO id. */
    private static ApiError conflict(String id, String reason) {
        ObjectNode body = NODES.objectNode();
        body.putArray("data");
        body.putObject("errors").put(id, reason);
        return ApiError.withBody(409, body, reason);
    }

    private static boolean usesMetric(ObjectNode slo, String metricsQuery) {
        JsonNode query = slo.path("query");
        return query.path("numerator").asText("").contains(metricsQuery)
                || query.path("denominator").asText("").contains(metricsQuery);
    }

    /**
     * tags_query as tags joined by " AND ", all required; "key:*" matches any value. Datadog
     * documents a single tag here; richer syntax is refused rather than misread.
     */
    private static List<String> tagTerms(String tagsQuery) {
        List<String> terms = new ArrayList<>();
        if (tagsQuery == null || tagsQuery.isBlank()) {
            return terms;
        }
        for (String part : tagsQuery.trim().split("\\s+AND\\s+")) {
            String term = part.trim();
            if (term.isEmpty()
                    || term.matches(".*[\\s()\"].*")
                    || term.startsWith("-")
                    || term.startsWith("!")
                    || term.equals("OR")
                    || term.equals("NOT")) {
                throw ApiError.badRequest("tags_query '" + tagsQuery + "' is not supported by the "
                        + "simulator: use tags joined by ' AND ', e.g. 'service:checkout AND env:prod'");
            }
            terms.add(term);
        }
        return terms;
    }

    private static boolean hasTags(ObjectNode slo, List<String> terms) {
        Set<String> tags = new HashSet<>();
        slo.path("tags").forEach(t -> tags.add(t.asText()));
        for (String term : terms) {
            boolean found = term.endsWith("*")
                    ? tags.stream().anyMatch(t -> t.startsWith(term.substring(0, term.length() - 1)))
                    : tags.contains(term);
            if (!found) {
                return false;
            }
        }
        return true;
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

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
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
}
