package dev.mimamori.gate;

import dev.mimamori.api.OnFailure;
import dev.mimamori.api.OnInconclusive;
import java.util.List;

/** How a verdict reads and what it leads to. Pure. */
public final class Verdicts {

    private Verdicts() {}

    /** The verdict after onInconclusive has had its say. */
    public static Outcome treatedAs(Verdict verdict, OnInconclusive onInconclusive) {
        if (verdict == Verdict.Inconclusive) {
            return switch (onInconclusive) {
                case Pass -> Outcome.PASSED;
                case Fail -> Outcome.FAILED;
                case Flag -> Outcome.INCONCLUSIVE;
            };
        }
        return verdict == Verdict.Failed ? Outcome.FAILED : Outcome.PASSED;
    }

    /** The action recorded in status with the verdict: onFailure for a failure, else Flag. */
    public static OnFailure actionFor(Outcome outcome, OnFailure onFailure) {
        return outcome == Outcome.FAILED ? onFailure : OnFailure.Flag;
    }

    /** One line: the decisive metric's reason and the verdict, e.g. "p95 latency +38% (212 -> 293, p=0.0004): failed". */
    public static String summary(GateAnalysis.Outcome outcome, List<ResolvedMetric> metrics) {
        Verdict verdict = outcome.verdict();
        MetricComparison.MetricResult decisive = outcome.results().stream()
                .filter(r -> r.verdict() == verdict)
                .findFirst()
                .orElse(outcome.results().isEmpty() ? null : outcome.results().get(0));
        String verdictWord = verdict.name().toLowerCase() + (outcome.early() ? " early" : "");
        if (decisive == null) {
            return verdictWord;
        }
        if (verdict == Verdict.Passed) {
            return "all " + metrics.size() + " metrics within bounds (" + decisive.reason() + "): " + verdictWord;
        }
        return decisive.reason() + ": " + verdictWord;
    }
}
