package dev.mimamori.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * fabric8's CRUD dispatcher applies JSON merge patches with Jackson's update reader: arrays are appended and nulls are
 * stored. A real API server follows RFC 7386. This dispatcher applies the merge patch per RFC 7386 itself and hands
 * the mock the equivalent JSON patch, so tests see what a cluster would store.
 */
public class MergePatchingCrudDispatcher extends KubernetesCrudDispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULES_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    private final Discovery discovery = new Discovery();
    /** Injected status conflicts still to answer, by "namespace/name"; guarded by itself. */
    private final Map<String, Integer> statusConflicts = new HashMap<>();
    /** In {@link #landBeforeNextJsonPatch}: instead of landing anything, the API server refuses the patch. */
    static final String FAIL = "fail";
    /** JSON patches to apply just before the next JSON patch of a resource, by its path; guarded by itself. */
    private final Map<String, String> landingFirst = new HashMap<>();

    private volatile Consumer<RecordedRequest> listener = request -> {};

    /** Hands every request to {@code listener} before it is served (the RBAC test records what the operator asks). */
    void onRequest(Consumer<RecordedRequest> listener) {
        this.listener = listener;
    }

    /** Makes a CRD's kind known to discovery (kubectl's `get`, short names, categories). */
    void discover(io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition crd) {
        discovery.add(crd);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        listener.accept(request);
        if ("POST".equals(request.getMethod()) && request.getPath().startsWith(RULES_REVIEWS)) {
            return rulesReview(request);
        }
        MockResponse conflict = statusConflict(request);
        if (conflict != null) {
            return conflict;
        }
        if ("POST".equals(request.getMethod())
                && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
            // Leader election asks what it may do with Leases first; the mock stores no such review, a cluster
            // answers it. The mock cluster allows everything (RBAC is checked against what the operator asks).
            return new MockResponse()
                    .setResponseCode(201)
                    .setHeader("Content-Type", "application/json")
                    .setBody("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                            + "\"metadata\":{},\"spec\":{\"namespace\":\"default\"},\"status\":{\"resourceRules\":"
                            + "[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}],"
                            + "\"nonResourceRules\":[],\"incomplete\":false}}");
        }
        if ("GET".equals(request.getMethod())) {
            String path = request.getPath().split("\\?")[0];
            String document = discovery.documentFor(path);
            if (document != null) {
                return new MockResponse()
                        .setResponseCode(200)
                        .setHeader("Content-Type", "application/json")
                        .setBody(document);
            }
            if (path.equals("/openapi/v2")) {
                // An OpenAPI v2 document without schemas (an empty protobuf message): a kubectl that validates on
                // the client, as 1.20 does, finds no schema for any kind and skips validation, as it does for CRs.
                return new MockResponse()
                        .setResponseCode(200)
                        .setHeader("Content-Type", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
                        .setBody("");
            }
            if (path.startsWith("/openapi/")) {
                return new MockResponse()
                        .setResponseCode(404)
                        .setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"reason\":\"NotFound\",\"code\":404}");
            }
        }
        if ("GET".equals(request.getMethod()) && request.getPath().contains("limit=")) {
            return paged(request, super.dispatch(request));
        }
        return super.dispatch(request);
    }

    /**
     * A list asked for with {@code limit} comes back in pages, as from a real API server: the CRUD dispatcher answers
     * every item at once, which would make a client that lists in pages hold them all at once.
     */
    private static MockResponse paged(RecordedRequest request, MockResponse full) {
        Map<String, String> query = queryOf(request.getPath());
        if ("true".equals(query.get("watch")) || full.code() != 200 || full.getBody() == null) {
            return full;
        }
        byte[] bytes = full.getBody().getBytes();
        try {
            JsonNode body = JSON.readTree(bytes);
            int limit = Integer.parseInt(query.get("limit"));
            int from = query.containsKey("continue") ? Integer.parseInt(query.get("continue")) : 0;
            if (!(body.path("items") instanceof ArrayNode items)
                    || !(body instanceof ObjectNode list)
                    || limit <= 0
                    || items.size() <= limit && from == 0) {
                return json(bytes);
            }
            ArrayNode page = JSON.createArrayNode();
            for (int i = from; i < Math.min(items.size(), from + limit); i++) {
                page.add(items.get(i));
            }
            list.set("items", page);
            ObjectNode metadata = list.with("metadata");
            if (from + limit < items.size()) {
                metadata.put("continue", String.valueOf(from + limit));
                metadata.put("remainingItemCount", items.size() - from - limit);
            } else {
                metadata.remove("continue");
            }
            return json(JSON.writeValueAsBytes(list));
        } catch (IOException | NumberFormatException e) {
            return json(bytes);
        }
    }

    private static MockResponse json(byte[] body) {
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "application/json")
                .setBody(body);
    }

    private static Map<String, String> queryOf(String path) {
        Map<String, String> query = new HashMap<>();
        int q = path.indexOf('?');
        if (q < 0) {
            return query;
        }
        for (String pair : path.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(
                        pair.substring(0, eq),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    /**
     * A PUT carrying a resourceVersion is refused with 409 when the object has moved on, as the API server does
     * (optimistic concurrency); the mock would otherwise take a write made from an old copy.
     */
    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        synchronized (this) {
            // Reading the body uses it up: the request is served with a fresh copy of it.
            String body = request.getUtf8Body();
            RecordedRequest unread = new RecordedRequest(
                    request.getRequestLine(),
                    request.method(),
                    request.getPath(),
                    request.getHeaders(),
                    new Buffer(body.getBytes(StandardCharsets.UTF_8)));
            try {
                String sent = JSON.readTree(body)
                        .path("metadata")
                        .path("resourceVersion")
                        .asText("");
                if (!sent.isEmpty()) {
                    // .../{plural}/{name}, or .../{plural}/{name}/status
                    String resourcePath = request.getPath().split("\\?")[0].replaceAll("/status$", "");
                    MockResponse current = handleGet(resourcePath);
                    if (current.code() == 200) {
                        String stored = JSON.readTree(current.getBody().readUtf8())
                                .path("metadata")
                                .path("resourceVersion")
                                .asText("");
                        if (!sent.equals(stored)) {
                            String[] segments = resourcePath.split("/");
                            return conflict(segments[segments.length - 2], segments[segments.length - 1]);
                        }
                    }
                }
            } catch (IOException e) {
                // Not JSON: the mock answers as it would.
            }
            return super.handleUpdate(unread);
        }
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || !contentType.contains("merge-patch")) {
            try {
                String first;
                synchronized (landingFirst) {
                    first = landingFirst.remove(request.getPath().split("\\?")[0]);
                }
                if (FAIL.equals(first)) {
                    // Not a 5xx: the client would retry that itself and the operator would never see it.
                    return new MockResponse()
                            .setResponseCode(403)
                            .setHeader("Content-Type", "application/json")
                            .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                                    + "\"status\":\"Failure\",\"message\":\"the operator may not patch this"
                                    + " Deployment\",\"reason\":\"Forbidden\",\"code\":403}");
                }
                if (first != null) {
                    super.handlePatch(new RecordedRequest(
                            request.getRequestLine(),
                            request.method(),
                            request.getPath(),
                            request.getHeaders(),
                            new Buffer(first.getBytes(StandardCharsets.UTF_8))));
                }
                return super.handlePatch(request);
            } catch (JsonPatchException e) {
                // A failed "test" operation: the API server refuses the whole JSON patch with 422 Unprocessable.
                return new MockResponse()
                        .setResponseCode(422)
                        .setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
                                + "\"Failure\",\"message\":\"" + e.getMessage().replace("\"", "'")
                                + "\",\"reason\":\"Invalid\",\"code\":422}");
            }
        }
        String path = request.getPath();
        String resourcePath = path.split("\\?")[0].replaceAll("/status$", "");
        MockResponse current = handleGet(resourcePath);
        if (current.code() != 200) {
            return current;
        }
        try {
            JsonNode before = JSON.readTree(current.getBody().readUtf8());
            JsonNode patch = JSON.readTree(request.getUtf8Body());
            JsonNode after = merge(before.deepCopy(), patch);
            JsonNode jsonPatch = JsonDiff.asJson(before, after);
            Headers headers = request.getHeaders()
                    .newBuilder()
                    .set("Content-Type", "application/json-patch+json")
                    .build();
            Buffer body = new Buffer(JSON.writeValueAsBytes(jsonPatch));
            return super.handlePatch(
                    new RecordedRequest(request.getRequestLine(), request.method(), path, headers, body));
        } catch (Exception e) {
            return new MockResponse()
                    .setResponseCode(422)
                    .setBody(("{\"kind\":\"Status\",\"message\":\"" + e.getMessage() + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Applies {@code jsonPatch} to the object at {@code path} just before the next JSON patch of it is served: another
     * writer (a rollout, a person) that gets there first, at the worst moment.
     */
    void landBeforeNextJsonPatch(String path, String jsonPatch) {
        synchronized (landingFirst) {
            landingFirst.put(path, jsonPatch);
        }
    }

    /** The next {@code times} writes (PATCH or PUT) of the status of namespace/name answer 409 Conflict (0 clears). */
    void conflictOnStatusPatch(String namespace, String name, int times) {
        synchronized (statusConflicts) {
            if (times <= 0) {
                statusConflicts.remove(namespace + "/" + name);
            } else {
                statusConflicts.put(namespace + "/" + name, times);
            }
        }
    }

    int pendingStatusConflicts() {
        synchronized (statusConflicts) {
            return statusConflicts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** A 409 as the API server sends it when another writer changed the object first; null to serve the request. */
    private MockResponse statusConflict(RecordedRequest request) {
        String path = request.getPath().split("\\?")[0];
        boolean write = "PATCH".equals(request.getMethod()) || "PUT".equals(request.getMethod());
        if (!write || !path.endsWith("/status")) {
            return null;
        }
        // .../namespaces/{namespace}/{plural}/{name}/status
        String[] segments = path.split("/");
        if (segments.length < 6 || !"namespaces".equals(segments[segments.length - 5])) {
            return null;
        }
        String plural = segments[segments.length - 3];
        String name = segments[segments.length - 2];
        String key = segments[segments.length - 4] + "/" + name;
        synchronized (statusConflicts) {
            Integer left = statusConflicts.get(key);
            if (left == null) {
                return null;
            }
            if (left <= 1) {
                statusConflicts.remove(key);
            } else {
                statusConflicts.put(key, left - 1);
            }
        }
        return conflict(plural, name);
    }

    private static MockResponse conflict(String plural, String name) {
        return new MockResponse()
                .setResponseCode(409)
                .setHeader("Content-Type", "application/json")
                .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"Operation cannot be fulfilled on " + plural + " \\\"" + name
                        + "\\\": the object has been modified; please apply your changes to the latest version and"
                        + " try again\",\"reason\":\"Conflict\",\"details\":{\"name\":\"" + name
                        + "\",\"kind\":\"" + plural + "\"},\"code\":409}");
    }

    /**
     * The API server answers a SelfSubjectRulesReview with what the caller may do; it stores nothing. The mock
     * authorizes every request, so the answer is: everything. (JOSDK asks before it starts leader election.)
     */
    private static MockResponse rulesReview(RecordedRequest request) {
        try {
            ObjectNode review = (ObjectNode) JSON.readTree(request.getUtf8Body());
            ObjectNode status = review.putObject("status").put("incomplete", false);
            ObjectNode everything = status.putArray("resourceRules").addObject();
            everything.putArray("verbs").add("*");
            everything.putArray("apiGroups").add("*");
            everything.putArray("resources").add("*");
            ObjectNode everyUrl = status.putArray("nonResourceRules").addObject();
            everyUrl.putArray("verbs").add("*");
            everyUrl.putArray("nonResourceURLs").add("*");
            return new MockResponse()
                    .setResponseCode(201)
                    .setHeader("Content-Type", "application/json")
                    .setBody(review.toString());
        } catch (Exception e) {
            return new MockResponse()
                    .setResponseCode(400)
                    .setHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"code\":400}");
        }
    }

    /** RFC 7386: objects merge recursively, null removes a key, anything else (arrays included) replaces. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
            }
        }
        return result;
    }
}
