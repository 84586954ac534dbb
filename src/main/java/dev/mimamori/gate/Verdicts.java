package dev.mimamori.gate;

import dev.mimamori.api.OnFailure;
import dev.mimamori.api.OnInconclusive;

import java.util.List;

/** How a verdict reads and what it leads to. Pure. */
public final class Verdicts {

    private Verdicts() {
    }

    /** passed, failed or inconclusive, after onInconclusive has had its say. */
    public static String treatedAs(Verdict verdict, OnInconclusive onInconclusive) {
        if (verdict == Verdict.Inconclusive) {
            return switch (onInconclusive) {
                case Pass -> "passed";
                case Fail -> "failed";
                case Flag -> "inconclusive";
            };
        }
        return verdict == Verdict.Failed ? "failed" : "passed";
    }

    /** The action type recorded in status: Flag, Pause or Rollback. */
    public static String actionFor(Verdict verdict, OnFailure onFailure, OnInconclusive onInconclusive) {
        return "failed".equals(treatedAs(verdict, onInconclusive)) ? onFailure.name() : OnFailure.Flag.name();
    }

    /** One line: the decisive metric's reason and the verdict, e.g. "p95 latency +38% (212 -> 293, p=0.0004): failed". */
    public static String summary(GateAnalysis.Outcome outcome, List<ResolvedMetric> metrics) {
        Verdict verdict = outcome.verdict();
        MetricComparison.MetricResult decisive = outcome.results().stream().filter(r -> r.verdict() == verdict)
                .findFirst().orElse(outcome.results().isEmpty() ? null : outcome.results().get(0));
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
