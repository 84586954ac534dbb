package dev.mimamori.api;

/** What a failed check does to the Deployment. Every action also flags (annotation, events). */
public enum OnFailure {
    /** Annotate the Deployment, emit a Warning event, post a Datadog event. */
    Flag,
    /** Flag, and set spec.paused on the Deployment so the rollout goes no further. */
    Pause,
    /** Flag, and restore the previous revision's pod template, as kubectl rollout undo does. */
    Rollback
}
