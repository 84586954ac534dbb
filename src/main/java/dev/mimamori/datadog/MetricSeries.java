package dev.mimamori.datadog;

/** One metric query's points: bucket start times (epoch ms) and values, NaN where Datadog had no point. */
public record MetricSeries(String query, long[] times, double[] values) {}
