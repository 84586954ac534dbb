package dev.mimamori.api;

/** Which way a metric moves when the service gets worse. */
public enum Direction {
    /** Latency, error rate: a rise is a regression. */
    LowerIsBetter,
    /** Throughput, success rate: a fall is a regression. */
    HigherIsBetter
}
