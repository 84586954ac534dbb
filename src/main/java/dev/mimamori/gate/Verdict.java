package dev.mimamori.gate;

/** Outcome of the gate for one metric, or for a whole release. */
public enum Verdict {
    /** No regression beyond what is allowed. */
    Passed,
    /** A regression that is both statistically significant and larger than allowed. */
    Failed,
    /** Not enough data to tell; never to be read as a pass. */
    Inconclusive
}
