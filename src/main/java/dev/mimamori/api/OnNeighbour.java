package dev.mimamori.api;

/** What a regression the data pins on a neighbour (not on the release) leads to. */
public enum OnNeighbour {
    /** End the check Inconclusive with a Warning event naming the nodes and neighbours; onInconclusive applies (default). */
    Inconclusive,
    /** Keep the Failed verdict: onFailure applies as if no neighbour had been seen. */
    Fail
}
