package dev.mimamori.status;

import dev.mimamori.api.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds conditions the Kubernetes way, in one place: lastTransitionTime moves only when the status changes, so a
 * repeated reconcile leaves the condition, and therefore the status, byte for byte the same.
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String TELEMETRY_FOUND = "TelemetryFound";
    public static final String CONTENTION = "Contention";
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private Conditions() {}

    /** The conditions with {@code type} set as given, keeping its transition time when the status did not change. */
    public static List<Condition> with(
            List<Condition> current,
            String type,
            String status,
            String reason,
            String message,
            Long observedGeneration,
            Instant now) {
        Condition previous = find(current, type);
        String transition = previous != null
                        && Objects.equals(previous.getStatus(), status)
                        && previous.getLastTransitionTime() != null
                ? previous.getLastTransitionTime()
                : now.truncatedTo(ChronoUnit.SECONDS).toString();
        Condition next = new Condition(type, status, reason, message, observedGeneration, transition);
        List<Condition> result = new ArrayList<>();
        boolean placed = false;
        for (Condition c : current == null ? List.<Condition>of() : current) {
            if (type.equals(c.getType())) {
                if (!placed) {
                    result.add(next);
                    placed = true;
                }
            } else {
                result.add(c);
            }
        }
        if (!placed) {
            result.add(next);
        }
        return result;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    }
}
