package dev.mimamori.api;

/** Which minutes of the two versions a ReleaseCheck compares. */
public enum Comparison {
    /** The candidate's window after the rollout against the window before it: the rollout is never held. */
    Sequential,
    /**
     * The rollout is held (the Deployment paused) while old and new pods serve side by side, and both versions are
     * compared over the same minutes, so drift and the time of day cancel out; the hold is lifted with the verdict.
     */
    Concurrent
}
