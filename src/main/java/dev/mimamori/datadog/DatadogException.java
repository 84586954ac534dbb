package dev.mimamori.datadog;

import java.time.Duration;

/**
 * A failed Datadog call, already classified. Whether to retry, and when, is decided here once, not at every call site.
 * Messages never contain keys: they are built from the status code and Datadog's own error text.
 */
public class DatadogException extends RuntimeException {

    public enum Kind {
        /** No API or application key configured: nothing is called. */
        NOT_CONFIGURED(false),
        /** 401 or 403: the keys are wrong or lack a permission. */
        FORBIDDEN(false),
        /** 429, or our own budget says the window is spent. */
        RATE_LIMITED(true),
        /** 5xx, timeouts, connection failures, unreadable answers. */
        UNAVAILABLE(true),
        /** 400 or 422: Datadog refused the definition. */
        REJECTED(false),
        /** 409, or a 400 on a delete because another object refers to this one: it stays until the reference goes. */
        REFERENCED(false),
        /** 404. */
        NOT_FOUND(false);

        public final boolean transientFailure;

        Kind(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }
    }

    private final Kind kind;
    private final Duration retryAfter;

    public DatadogException(Kind kind, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public DatadogException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isTransient() {
        return kind.transientFailure;
    }

    /** When to try again: the rate-limit reset when Datadog gave one, else null (the caller's backoff). */
    public Duration retryAfter() {
        return retryAfter;
    }
}
