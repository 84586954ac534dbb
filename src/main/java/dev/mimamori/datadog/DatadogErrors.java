package dev.mimamori.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The one place that decides what a failed Datadog call means. */
final class DatadogErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatadogErrors() {}

    static DatadogException translate(String endpoint, int status, String body, Duration retryAfter, Throwable cause) {
        String detail = errorsOf(body);
        String suffix = detail.isEmpty() ? "" : ": " + detail;
        if (status == 401) {
            return new DatadogException(
                    DatadogException.Kind.FORBIDDEN,
                    "Datadog refused the keys (HTTP 401) for " + endpoint
                            + "; check DD_API_KEY, DD_APP_KEY and DD_SITE");
        }
        if (status == 403) {
            // A 403 may concern the key (a missing permission) or one object (restricted_roles): the caller decides.
            return new DatadogException(
                    DatadogException.Kind.FORBIDDEN,
                    "Datadog refused access (HTTP 403) to " + endpoint + suffix
                            + "; check the key's permissions, and the object's restricted roles");
        }
        // Datadog's wording of a refused delete has varied over the years; on a delete, a 400 means "still used".
        if (status == 409 || (status == 400 && endpoint.startsWith("DELETE"))) {
            return new DatadogException(
                    DatadogException.Kind.REFERENCED,
                    "Datadog will not delete it while " + "something refers to it" + suffix);
        }
        if (status == 429) {
            return new DatadogException(
                    DatadogException.Kind.RATE_LIMITED, "Datadog rate limit reached for " + endpoint, retryAfter);
        }
        if (status == 404) {
            return new DatadogException(DatadogException.Kind.NOT_FOUND, "not found in Datadog (" + endpoint + ")");
        }
        if (status == 400 || status == 422) {
            return new DatadogException(DatadogException.Kind.REJECTED, "Datadog rejected the request" + suffix);
        }
        if (status >= 500) {
            return new DatadogException(
                    DatadogException.Kind.UNAVAILABLE,
                    "Datadog answered HTTP " + status + " for " + endpoint,
                    retryAfter);
        }
        if (status == 0 || status == 200) {
            return new DatadogException(
                    DatadogException.Kind.UNAVAILABLE,
                    "Datadog could not be reached or answered unreadably for " + endpoint + " (" + describe(cause)
                            + ")");
        }
        return new DatadogException(
                DatadogException.Kind.UNAVAILABLE, "Datadog answered HTTP " + status + " for " + endpoint + suffix);
    }

    /** Datadog's {@code {"errors": [...]}} as one line, or empty. */
    static String errorsOf(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isTextual()) {
                // An SLO delete conflict has been seen as {"errors": "slo ... is referenced in ..."}: one string.
                return errors.asText();
            }
            List<String> lines = new ArrayList<>();
            if (errors.isObject()) {
                // ... and is modelled by the client as SLODeleteResponse: the reason keyed by SLO id.
                errors.fields().forEachRemaining(e -> lines.add(e.getValue().asText()));
                return String.join("; ", lines);
            }
            errors.forEach(e -> lines.add(e.asText()));
            return String.join("; ", lines);
        } catch (Exception e) {
            return "";
        }
    }

    /** The exception's class and message, never its request: headers (keys) are not part of either. */
    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
