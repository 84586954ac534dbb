package dev.mimamori.sim;

import static dev.mimamori.sim.DatadogSimulator.CREATE_DASHBOARD;
import static dev.mimamori.sim.DatadogSimulator.CREATE_EVENT;
import static dev.mimamori.sim.DatadogSimulator.CREATE_MONITOR;
import static dev.mimamori.sim.DatadogSimulator.CREATE_SLO;
import static dev.mimamori.sim.DatadogSimulator.DELETE_DASHBOARD;
import static dev.mimamori.sim.DatadogSimulator.DELETE_MONITOR;
import static dev.mimamori.sim.DatadogSimulator.DELETE_SLO;
import static dev.mimamori.sim.DatadogSimulator.GET_DASHBOARD;
import static dev.mimamori.sim.DatadogSimulator.GET_MONITOR;
import static dev.mimamori.sim.DatadogSimulator.GET_SLO;
import static dev.mimamori.sim.DatadogSimulator.LIST_DASHBOARDS;
import static dev.mimamori.sim.DatadogSimulator.LIST_MONITORS;
import static dev.mimamori.sim.DatadogSimulator.LIST_SLOS;
import static dev.mimamori.sim.DatadogSimulator.QUERY_SCALAR;
import static dev.mimamori.sim.DatadogSimulator.QUERY_TIMESERIES;
import static dev.mimamori.sim.DatadogSimulator.SEARCH_AUDIT;
import static dev.mimamori.sim.DatadogSimulator.UPDATE_DASHBOARD;
import static dev.mimamori.sim.DatadogSimulator.UPDATE_MONITOR;
import static dev.mimamori.sim.DatadogSimulator.UPDATE_SLO;
import static dev.mimamori.sim.DatadogSimulator.VALIDATE_EXISTING_MONITOR;
import static dev.mimamori.sim.DatadogSimulator.VALIDATE_MONITOR;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okio.ByteString;

/**
 * The HTTP side of the simulator: routes each request to an endpoint key, applies outage,
 * injected faults, API keys and rate limits in that order, then answers from the simulator's
 * state with Datadog's JSON and headers. Called concurrently by mockwebserver.
 */
final class SimulatorDispatcher extends Dispatcher {

    private static final Set<String> TEMPLATES = Set.of(
            "/api/v1/monitor",
            "/api/v1/monitor/validate",
            "/api/v1/monitor/{id}",
            "/api/v1/monitor/{id}/validate",
            "/api/v1/events",
            "/api/v2/query/timeseries",
            "/api/v2/query/scalar",
            "/api/v2/audit/events/search",
            "/api/v1/dashboard",
            "/api/v1/dashboard/{id}",
            "/api/v1/slo",
            "/api/v1/slo/{id}");
    // Resources of their own under /{id}-looking paths, which are not simulated: a plain 404.
    private static final Map<String, Set<String>> NOT_IDS = Map.of(
            "/api/v1/dashboard/", Set.of("lists", "public"),
            "/api/v1/slo/", Set.of("search", "can_delete", "bulk_delete", "correction"));
    // Event intake takes the API key alone; the client sends no application key there.
    private static final Set<String> API_KEY_ONLY = Set.of(CREATE_EVENT);
    // Never copied into the call log, should a caller pass keys as query parameters.
    private static final Set<String> SECRET_PARAMS = Set.of("api_key", "application_key");
    // Cut off mid-string, so no JSON parser accepts it.
    private static final String MALFORMED_BODY = "{\"id\": 1000001, \"name\": \"trunc";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatadogSimulator sim;

    SimulatorDispatcher(DatadogSimulator sim) {
        this.sim = sim;
    }

    /** What to send back; the dispatcher adds the common headers (no rate-limit headers when limits is null). */
    private record Answer(int status, String body, RateLimits.Decision limits) {}

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String method = request.getMethod() == null ? "GET" : request.getMethod();
        HttpUrl url = request.getUrl();
        String path = url.encodedPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String template = template(path);
        String key = method + " " + (template != null ? template : path);
        JsonNode body = readBody(request);

        // Changed state and its log entry become visible together (see DatadogSimulator.settled).
        Answer answer;
        sim.answering.readLock().lock();
        try {
            answer = answer(key, template, path, url, request, body);
            sim.callLog.record(
                    new CallLog.Call(sim.clock().instant(), key, method, path, queryOf(url), body, answer.status()));
        } finally {
            sim.answering.readLock().unlock();
        }
        return toMockResponse(answer);
    }

    private Answer answer(
            String key, String template, String path, HttpUrl url, RecordedRequest request, JsonNode body) {
        RateLimits.Decision limits = sim.rateLimits.acquire(key);
        try {
            if (sim.faults.outage()) {
                return error(503, List.of("Service Unavailable"), limits);
            }
            Faults.Fault fault = sim.faults.next(key);
            if (fault != null) {
                return switch (fault.kind()) {
                    case FAIL -> error(fault.status(), List.of(reason(fault.status())), limits);
                    case RATE_LIMIT ->
                        error(429, List.of("Rate limit exceeded"), limits.exhausted(fault.resetSeconds()));
                    case RATE_LIMIT_WITHOUT_HEADERS -> error(429, List.of("Rate limit exceeded"), null);
                    case MALFORMED -> new Answer(200, MALFORMED_BODY, limits);
                };
            }
            if (!authorized(key, request)) {
                return error(403, List.of("Forbidden"), limits);
            }
            if (!limits.allowed()) {
                return error(429, List.of("Rate limit exceeded"), limits);
            }
            return handle(key, template, path, url, body, limits);
        } catch (ApiError e) {
            return e.body() != null ? ok(e.status(), e.body(), limits) : error(e.status(), e.errors(), limits);
        } catch (RuntimeException e) {
            // A bug in a script or in the simulator: answer like a server error, but say why.
            e.printStackTrace();
            return error(500, List.of("Simulator error: " + e), limits);
        }
    }

    /** Both keys, except where Datadog (and the client) use the API key alone. */
    private boolean authorized(String key, RecordedRequest request) {
        DatadogSimulator.Keys keys = sim.keys();
        boolean apiKeyOk = keys.api().equals(request.getHeaders().get("DD-API-KEY"));
        return apiKeyOk
                && (API_KEY_ONLY.contains(key)
                        || keys.app().equals(request.getHeaders().get("DD-APPLICATION-KEY")));
    }

    private Answer handle(
            String key, String template, String path, HttpUrl url, JsonNode body, RateLimits.Decision limits) {
        switch (key) {
            case LIST_MONITORS -> {
                ArrayNode list = JSON.createArrayNode();
                sim.monitors.list(firstValues(url)).forEach(list::add);
                return ok(200, list, limits);
            }
            case CREATE_MONITOR -> {
                ObjectNode created = sim.monitors.create(object(body));
                sim.audit.record("monitor", created.path("id").asText(), "created");
                return ok(200, created, limits);
            }
            case GET_MONITOR -> {
                return ok(200, sim.monitors.get(idOf(path)), limits);
            }
            case UPDATE_MONITOR -> {
                ObjectNode updated = sim.monitors.update(idOf(path), object(body));
                sim.audit.record("monitor", String.valueOf(idOf(path)), "modified");
                return ok(200, updated, limits);
            }
            case DELETE_MONITOR -> {
                long id = sim.monitors.delete(idOf(path), "true".equalsIgnoreCase(url.queryParameter("force")));
                sim.audit.record("monitor", String.valueOf(id), "deleted");
                return ok(200, JSON.createObjectNode().put("deleted_monitor_id", id), limits);
            }
            case VALIDATE_MONITOR -> {
                sim.monitors.validate(object(body));
                return ok(200, JSON.createObjectNode(), limits);
            }
            case VALIDATE_EXISTING_MONITOR -> {
                sim.monitors.validateExisting(idOf(path), object(body));
                return ok(200, JSON.createObjectNode(), limits);
            }
            case CREATE_EVENT -> {
                ObjectNode answer = JSON.createObjectNode();
                answer.put("status", "ok");
                answer.set("event", sim.events.create(object(body), sim.clock().instant()));
                return ok(202, answer, limits);
            }
            case QUERY_TIMESERIES -> {
                return ok(200, sim.metrics.query(object(body), sim.clock().instant()), limits);
            }
            case QUERY_SCALAR -> {
                return ok(200, sim.telemetry.query(object(body), sim.clock().instant()), limits);
            }
            case LIST_DASHBOARDS -> {
                return ok(200, sim.dashboards.list(firstValues(url)), limits);
            }
            case CREATE_DASHBOARD -> {
                ObjectNode created = sim.dashboards.create(object(body));
                sim.audit.record("dashboard", created.path("id").asText(), "created");
                return ok(200, created, limits);
            }
            case GET_DASHBOARD -> {
                return ok(200, sim.dashboards.get(segment(path)), limits);
            }
            case UPDATE_DASHBOARD -> {
                ObjectNode updated = sim.dashboards.update(segment(path), object(body));
                sim.audit.record("dashboard", segment(path), "modified");
                return ok(200, updated, limits);
            }
            case DELETE_DASHBOARD -> {
                String id = sim.dashboards.delete(segment(path));
                sim.audit.record("dashboard", id, "deleted");
                return ok(200, JSON.createObjectNode().put("deleted_dashboard_id", id), limits);
            }
            case SEARCH_AUDIT -> {
                return ok(200, sim.audit.search(object(body)), limits);
            }
            case LIST_SLOS -> {
                return ok(200, sim.slos.list(firstValues(url)), limits);
            }
            case CREATE_SLO -> {
                ObjectNode created = sim.slos.create(object(body));
                sim.audit.record("slo", created.path("id").asText(), "created");
                return ok(200, sloList(created), limits);
            }
            case GET_SLO -> {
                ObjectNode answer = JSON.createObjectNode();
                answer.set("data", sim.slos.get(segment(path)));
                answer.putNull("error");
                return ok(200, answer, limits);
            }
            case UPDATE_SLO -> {
                ObjectNode updated = sim.slos.update(segment(path), object(body));
                sim.audit.record("slo", segment(path), "modified");
                return ok(200, sloList(updated), limits);
            }
            case DELETE_SLO -> {
                boolean force = "true".equalsIgnoreCase(url.queryParameter("force"));
                ObjectNode answer = JSON.createObjectNode();
                answer.putArray("data").add(sim.slos.delete(segment(path), force));
                sim.audit.record("slo", segment(path), "deleted");
                answer.putNull("error");
                return ok(200, answer, limits);
            }
            default -> {
                return template != null
                        ? error(405, List.of("Method Not Allowed"), limits)
                        : error(404, List.of("Not found"), limits);
            }
        }
    }

    /** Path template for a known path, or null. */
    private static String template(String path) {
        if (TEMPLATES.contains(path)) {
            return path;
        }
        for (Map.Entry<String, Set<String>> e : NOT_IDS.entrySet()) {
            String prefix = e.getKey();
            if (path.startsWith(prefix)) {
                String rest = path.substring(prefix.length());
                return !rest.isEmpty() && !rest.contains("/") && !e.getValue().contains(rest) ? prefix + "{id}" : null;
            }
        }
        String prefix = "/api/v1/monitor/";
        if (path.startsWith(prefix)) {
            String rest = path.substring(prefix.length());
            if (!rest.isEmpty() && !rest.contains("/")) {
                return "/api/v1/monitor/{id}";
            }
            if (rest.endsWith("/validate") && rest.indexOf('/') == rest.length() - "/validate".length()) {
                return "/api/v1/monitor/{id}/validate";
            }
        }
        return null;
    }

    private static long idOf(String path) {
        String[] segments = path.split("/");
        // /api/v1/monitor/{id}[/validate] -> "", "api", "v1", "monitor", id, ...
        try {
            return Long.parseLong(segments[4]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw ApiError.notFound("Monitor not found");
        }
    }

    /** The {id} of /api/v1/dashboard/{id} and /api/v1/slo/{id}, as sent. */
    private static String segment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Datadog's SLO answers: a list under "data", and "error" (singular) null. */
    private static ObjectNode sloList(ObjectNode slo) {
        ObjectNode answer = JSON.createObjectNode();
        answer.putArray("data").add(slo);
        answer.putNull("error");
        return answer;
    }

    private static ObjectNode object(JsonNode body) {
        if (body instanceof ObjectNode o) {
            return o.deepCopy();
        }
        throw ApiError.badRequest(
                body.isTextual() ? "Invalid JSON in request body" : "A JSON object is required as request body");
    }

    private static JsonNode readBody(RecordedRequest request) {
        ByteString raw = request.getBody();
        if (raw == null || raw.size() == 0) {
            return NullNode.getInstance();
        }
        byte[] bytes = raw.toByteArray();
        try {
            String encoding = request.getHeaders().get("Content-Encoding");
            if ("gzip".equalsIgnoreCase(encoding)) {
                bytes = inflate(new GZIPInputStream(new ByteArrayInputStream(bytes)));
            } else if ("deflate".equalsIgnoreCase(encoding)) {
                bytes = inflate(new InflaterInputStream(new ByteArrayInputStream(bytes)));
            }
        } catch (IOException e) {
            return TextNode.valueOf("<undecodable body: " + e.getMessage() + ">");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            JsonNode parsed = JSON.readTree(text);
            return parsed == null ? NullNode.getInstance() : parsed;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    private static byte[] inflate(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static Map<String, List<String>> queryOf(HttpUrl url) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            if (!SECRET_PARAMS.contains(name)) {
                query.put(name, Collections.unmodifiableList(url.queryParameterValues(name)));
            }
        }
        return Collections.unmodifiableMap(query);
    }

    private static Map<String, String> firstValues(HttpUrl url) {
        Map<String, String> first = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            first.put(name, url.queryParameter(name));
        }
        return first;
    }

    private static Answer ok(int status, JsonNode body, RateLimits.Decision limits) {
        try {
            return new Answer(status, JSON.writeValueAsString(body), limits);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static Answer error(int status, List<String> errors, RateLimits.Decision limits) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("errors");
        errors.forEach(list::add);
        return ok(status, body, limits);
    }

    private static String reason(int status) {
        return switch (status) {
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            case 429 -> "Rate limit exceeded";
            default -> "Error " + status;
        };
    }

    private MockResponse toMockResponse(Answer answer) {
        RateLimits.Decision limits = answer.limits();
        MockResponse.Builder response = new MockResponse.Builder()
                .code(answer.status())
                .setHeader("Content-Type", "application/json")
                .body(answer.body());
        if (limits != null) {
            // Lower-case names, as Datadog sends them (the client looks up "x-ratelimit-reset").
            response.setHeader("x-ratelimit-limit", limits.limit())
                    .setHeader("x-ratelimit-period", limits.period())
                    .setHeader("x-ratelimit-remaining", limits.remaining())
                    .setHeader("x-ratelimit-reset", limits.reset())
                    .setHeader("x-ratelimit-name", limits.name());
        }
        Duration latency = sim.faults.latency();
        if (!latency.isZero()) {
            response.headersDelay(latency.toMillis(), TimeUnit.MILLISECONDS);
        }
        return response.build();
    }
}
