package dev.mimamori.sim;

import java.util.List;

/**
 * A Datadog-style error answer ({@code {"errors":[...]}}) raised by the simulated endpoints and
 * turned into an HTTP response by the dispatcher.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final List<String> errors;

    ApiError(int status, List<String> errors) {
        super(status + " " + errors);
        this.status = status;
        this.errors = List.copyOf(errors);
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

    int status() {
        return status;
    }

    List<String> errors() {
        return errors;
    }
}
