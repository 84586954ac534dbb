package dev.mimamori.sync;

/**
 * One object Datadog would not change, with the reason status shows for it. The rest of its owner's objects still
 * converge; this one is tried again at the next sync.
 */
public record ObjectProblem(String kind, String name, String id, Problem problem, String message) {

    /** Why an object could not be brought in line. Each has a stable condition reason (see Reasons). */
    public enum Problem {
        /** Datadog refused the definition (400/422). */
        REJECTED,
        /** Datadog refused to delete it because another object refers to it (a monitor, an SLO, a dashboard). */
        REFERENCED,
        /** Datadog refused this object to our key (403), e.g. a monitor restricted to roles the key lacks. */
        FORBIDDEN
    }

    /** One line for a person: which object, and what Datadog said. */
    public String describe() {
        return kind + " " + name + (id == null ? "" : " (" + id + ")") + ": " + message;
    }
}
