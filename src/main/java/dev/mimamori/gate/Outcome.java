package dev.mimamori.gate;

import java.util.Locale;

/** A verdict after onInconclusive has had its say: what the Deployment is told and what is done to it. */
public enum Outcome {
    PASSED,
    FAILED,
    INCONCLUSIVE;

    /** The lowercase word of the mimamori.dev/release-check annotation and status.action.outcome. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome ofWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
