package dev.mimamori.api;

/** Where a ReleaseCheck is; written to status.phase by name. */
public enum ReleaseCheckPhase {
    /** Warming up: nothing is measured yet. */
    Pending(false),
    /** Comparing the windows at every look. */
    Analyzing(false),
    Passed(true),
    Failed(true),
    Inconclusive(true),
    /** Ended without a usable verdict or action; Ready's reason says why. */
    Error(true),
    /** A newer rollout replaced the revision under test before the check acted: nothing was done. */
    Superseded(true);

    private final boolean finished;

    ReleaseCheckPhase(boolean finished) {
        this.finished = finished;
    }

    public boolean finished() {
        return finished;
    }

    /** The phase a status names, Pending when it names none. */
    public static ReleaseCheckPhase of(String phase) {
        for (ReleaseCheckPhase p : values()) {
            if (p.name().equals(phase)) {
                return p;
            }
        }
        return Pending;
    }
}
