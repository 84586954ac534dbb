package dev.mimamori.gate;

import java.time.Instant;

/**
 * The two windows a check compares, fixed by the rollout time and aligned to bucket boundaries (Datadog stamps a
 * bucket with its start, a multiple of the interval since the epoch): the baseline is the {@code duration} of whole
 * buckets that ended at or before the rollout, so it never holds a second of the new version; the candidate is the
 * {@code duration} from the first bucket boundary at or after the end of the warm-up. The verdict is due once the
 * candidate window has ended and Datadog's late data has arrived.
 */
public record AnalysisWindows(
        Instant baselineFrom, Instant baselineTo, Instant candidateFrom, Instant candidateTo, Instant decideAt) {

    public static AnalysisWindows of(Instant rollout, AnalysisSettings s) {
        long interval = s.interval().toMillis();
        Instant baselineTo = Instant.ofEpochMilli(Math.floorDiv(rollout.toEpochMilli(), interval) * interval);
        long warmedUp = rollout.plus(s.warmup()).toEpochMilli();
        Instant candidateFrom = Instant.ofEpochMilli(-Math.floorDiv(-warmedUp, interval) * interval);
        Instant candidateTo = candidateFrom.plus(s.duration());
        return new AnalysisWindows(
                baselineTo.minus(s.duration()),
                baselineTo,
                candidateFrom,
                candidateTo,
                candidateTo.plus(s.dataDelay()));
    }

    /**
     * The concurrent comparison's windows: both versions over the same minutes, the candidate window measured from
     * the hold as it is from the rollout, so old and new pods are compared while they serve side by side.
     */
    public static AnalysisWindows concurrent(Instant held, AnalysisSettings s) {
        AnalysisWindows w = of(held, s);
        return new AnalysisWindows(w.candidateFrom, w.candidateTo, w.candidateFrom, w.candidateTo, w.decideAt);
    }

    /**
     * Start of the history before the baseline window, {@value GateDefaults#HISTORY_WINDOWS} windows long: read only
     * to estimate how much neighbouring buckets move together, which the two windows alone show too noisily.
     */
    public Instant historyFrom() {
        return baselineFrom.minus(
                java.time.Duration.between(baselineFrom, baselineTo).multipliedBy(GateDefaults.HISTORY_WINDOWS));
    }

    /** The first moment a complete candidate bucket can exist: before it, asking Datadog is pointless. */
    public Instant firstQueryAt(AnalysisSettings s) {
        return candidateFrom.plus(s.interval()).plus(s.dataDelay());
    }
}
