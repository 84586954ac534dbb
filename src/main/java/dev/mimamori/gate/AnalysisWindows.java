package dev.mimamori.gate;

import java.time.Instant;

/**
 * The two windows a check compares, fixed by the rollout time: the baseline is the {@code duration} before the
 * rollout, the candidate the {@code duration} after the warm-up. The verdict is due once the candidate window has
 * ended and Datadog's late data has arrived.
 */
public record AnalysisWindows(Instant baselineFrom, Instant baselineTo, Instant candidateFrom, Instant candidateTo,
        Instant decideAt) {

    public static AnalysisWindows of(Instant rollout, AnalysisSettings s) {
        Instant candidateFrom = rollout.plus(s.warmup());
        Instant candidateTo = candidateFrom.plus(s.duration());
        return new AnalysisWindows(rollout.minus(s.duration()), rollout, candidateFrom, candidateTo,
                candidateTo.plus(s.dataDelay()));
    }

    /** The first moment a complete candidate bucket can exist: before it, asking Datadog is pointless. */
    public Instant firstQueryAt(AnalysisSettings s) {
        return candidateFrom.plus(s.interval()).plus(s.dataDelay());
    }
}
