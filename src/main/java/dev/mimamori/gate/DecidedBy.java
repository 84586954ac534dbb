package dev.mimamori.gate;

/** What decided a verdict; written to status.decidedBy by name. */
public enum DecidedBy {
    /** Both windows compared once the verdict was due. */
    Windows,
    /** A regression beyond doubt before the verdict was due. */
    EarlyFail,
    /** No data from Datadog by the deadline: Inconclusive. */
    Deadline
}
