package dev.mimamori.gate;

import java.util.Collection;
import java.util.Objects;

/** Combines per-metric verdicts into the verdict of a release. */
public final class GateVerdicts {

    private GateVerdicts() {}

    /**
     * Any Failed gives Failed; otherwise any Inconclusive gives Inconclusive; otherwise Passed.
     * No verdicts at all is Inconclusive, because nothing was checked.
     */
    public static Verdict combine(Collection<Verdict> verdicts) {
        Objects.requireNonNull(verdicts, "verdicts");
        if (verdicts.isEmpty()) {
            return Verdict.Inconclusive;
        }
        boolean inconclusive = false;
        for (Verdict verdict : verdicts) {
            switch (Objects.requireNonNull(verdict, "verdict")) {
                case Failed -> {
                    return Verdict.Failed;
                }
                case Inconclusive -> inconclusive = true;
                case Passed -> {}
            }
        }
        return inconclusive ? Verdict.Inconclusive : Verdict.Passed;
    }

    /** {@link #combine(Collection)} over the verdicts of metric results. */
    public static Verdict combineResults(Collection<MetricComparison.MetricResult> results) {
        Objects.requireNonNull(results, "results");
        return combine(
                results.stream().map(MetricComparison.MetricResult::verdict).toList());
    }
}
