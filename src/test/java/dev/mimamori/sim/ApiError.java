package dev.mimamori.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A Datadog-style error answer ({@code {"errors":[...]}}) raised by the simulated endpoints and
 * turned into an HTTP response by the dispatcher. A few endpoints answer errors in their own
 * shape (an SLO delete conflict is an SLODeleteResponse); those carry the whole body.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final List<String> errors;
    private final transient JsonNode body;

    ApiError(int status, List<String> errors) {
        this(status, errors, null);
    }

    private ApiError(int status, List<String> errors, JsonNode body) {
        super(status + " " + (body != null ? body : errors));
        this.status = status;
        this.errors = List.copyOf(errors);
        this.body = body;
    }

    ApiError(int status, String error) {
        this(status, List.of(error));
    }

    static ApiError badRequest(String error) {
        return new ApiError(400, error);
    }

    static ApiError notFound(String error) {
        return new ApiError(404, error);
    }

    /** An error answered with this exact body instead of {@code {"errors":[...]}}. */
    static ApiError withBody(int status, JsonNode body, String summary) {
        return new ApiError(status, List.of(summary), body.deepCopy());
    }

    int status() {
        return status;
    }

    List<String> errors() {
        return errors;
    }

    /** The body to answer, or null for the usual {@code {"errors":[...]}}. */
    JsonNode body() {
        return body;
    }
}
