package dev.mimamori.api;

/** How an inconclusive check (too little data) is treated. */
public enum OnInconclusive {
    /** Report it as inconclusive and act on nothing (default). */
    Flag,
    /** Treat it as passed. */
    Pass,
    /** Treat it as failed: onFailure applies. */
    Fail
}
