package dev.mimamori.servicemonitoring;

import dev.mimamori.api.TraceOperationStatus;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which span operation a service's trace metrics ({@code trace.<operation>.hits}) are named after. Datadog's tracers
 * name the entry span per framework (dd-trace-java {@code servlet.request}, Django {@code django.request}, ...), and
 * {@code http.request} is an outgoing client span in every tracer but Go's, where it is also the server span. Pure.
 */
public final class TraceOperations {
    /** The profile parameter that names the operation. */
    public static final String PARAMETER = "traceOperation";
    /** Ambiguous: Go's net/http server span, and every other tracer's HTTP client span. */
    static final String HTTP_REQUEST = "http.request";

    /**
     * Entry (server) span names of Datadog's tracers, default naming schema v0, and v1's http.server.request; as
     * metric names spell them (Datadog turns a '-' of a span name into '_', e.g. undertow-http.request).
     */
    static final List<String> SERVER_OPERATIONS = List.of(
            "servlet.request",
            "netty.request",
            "undertow_http.request",
            "akka_http.request",
            "pekko_http.request",
            "spray_http.request",
            "restlet_http.request",
            "finatra.request",
            "grpc.server",
            "django.request",
            "flask.request",
            "fastapi.request",
            "asgi.request",
            "wsgi.request",
            "aiohttp.request",
            "tornado.request",
            "falcon.request",
            "rack.request",
            "sinatra.request",
            "web.request",
            "express.request",
            "koa.request",
            "fastify.request",
            "hapi.request",
            "restify.request",
            "next.request",
            "aspnet_core.request",
            "aspnet.request",
            "http.server.request");

    /** Every operation whose hits are looked for: the server ones and the ambiguous http.request. */
    static final List<String> LOOKED_FOR = concat(SERVER_OPERATIONS, HTTP_REQUEST);

    /** Where the operation in use came from. */
    public enum Source {
        /** spec.parameters.traceOperation of the ServiceMonitoring. */
        spec,
        /** The only entry operation with data in Datadog, used because the spec names none. */
        detected,
        /** The profile's default: nothing set, nothing (or more than one operation) detected. */
        profile
    }

    /**
     * The choice for one service. {@code detected} is every looked-for operation with data (null before the first
     * check); {@code hint} names what to set when the operation in use has no data but another entry operation has.
     */
    public record Choice(String configured, String used, Source source, List<String> detected, String hint) {}

    private TraceOperations() {}

    /** The metric whose presence tells that a service emits spans of this operation. */
    static String hitsMetric(String operation) {
        return "trace." + operation + ".hits";
    }

    /**
     * The operations to choose from: those this process's checks saw, else (before its first check) those the status
     * recorded when it was written for the current spec. A restarted operator then renders with the operation it had
     * detected, instead of the profile's default until its first check, which rewrote the monitors twice.
     */
    public static Set<String> seenOrRecorded(Set<String> seen, TraceOperationStatus recorded, boolean ofCurrentSpec) {
        if (seen != null) {
            return seen;
        }
        return ofCurrentSpec && recorded != null && recorded.detected != null ? Set.copyOf(recorded.detected) : null;
    }

    /**
     * The operation to render with: the service's own setting, else the one entry operation with data, else the
     * profile's. {@code seen} holds the looked-for operations with data, null while not checked yet.
     */
    public static Choice choose(String profileDefault, String fromSpec, Set<String> seen) {
        List<String> detected = seen == null ? null : List.copyOf(new TreeSet<>(seen));
        List<String> entry = entryOperations(seen);
        String used;
        Source source;
        if (fromSpec != null && !fromSpec.isBlank()) {
            used = fromSpec;
            source = Source.spec;
        } else if (entry.size() == 1) {
            used = entry.get(0);
            source = Source.detected;
        } else {
            used = profileDefault;
            source = Source.profile;
        }
        String hint = null;
        if (seen != null && !seen.contains(used) && !entry.isEmpty()) {
            hint = "no spans of operation " + used + " reached Datadog in the last hour, but "
                    + String.join(", ", entry) + (entry.size() == 1 ? " did" : " did (one of them is the entry span)")
                    + ": set spec.parameters." + PARAMETER + ": " + entry.get(0);
        }
        String configured = source == Source.spec ? fromSpec : profileDefault;
        return new Choice(configured, used, source, detected, hint);
    }

    /**
     * The entry operations among those with data: server spans; http.request only when no server span of another
     * name has data (then it is Go's server span, not a client's).
     */
    static List<String> entryOperations(Set<String> seen) {
        if (seen == null) {
            return List.of();
        }
        List<String> servers =
                SERVER_OPERATIONS.stream().filter(seen::contains).sorted().toList();
        return !servers.isEmpty() ? servers : seen.contains(HTTP_REQUEST) ? List.of(HTTP_REQUEST) : List.of();
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> all = new java.util.ArrayList<>(list);
        all.add(last);
        return List.copyOf(all);
    }
}
