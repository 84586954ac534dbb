package dev.mimamori.gate;

import dev.mimamori.api.AnalysisSpec;
import java.time.Duration;

/** A check's analysis settings with every default applied (GateDefaults is the one place defaults live). */
public record AnalysisSettings(
        Duration warmup,
        Duration duration,
        Duration interval,
        Duration dataDelay,
        double confidence,
        int minSamples,
        Duration deadline) {

    public static AnalysisSettings of(AnalysisSpec spec) {
        AnalysisSpec s = spec == null ? new AnalysisSpec() : spec;
        Duration interval = duration("interval", s.interval, GateDefaults.INTERVAL);
        if (interval.toSeconds() < 10) {
            throw new IllegalArgumentException("analysis.interval must be at least 10s");
        }
        Duration deadline = duration("deadline", s.deadline, GateDefaults.DEADLINE);
        if (deadline.compareTo(GateDefaults.MAX_DEADLINE) > 0) {
            throw new IllegalArgumentException("analysis.deadline must be at most 24h");
        }
        return new AnalysisSettings(
                duration("warmup", s.warmup, GateDefaults.WARMUP),
                duration("duration", s.duration, GateDefaults.DURATION),
                interval,
                duration("dataDelay", s.dataDelay, GateDefaults.DATA_LATENESS),
                s.confidence == null ? GateDefaults.CONFIDENCE : s.confidence,
                s.minSamples == null ? GateDefaults.MIN_SAMPLES : s.minSamples,
                deadline);
    }

    private static Duration duration(String field, String text, Duration fallback) {
        try {
            return Durations.parse(text, fallback);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("analysis." + field + ": " + e.getMessage(), e);
        }
    }

    /** These settings written out in full, as status.analysis keeps them. */
    public AnalysisSpec frozen() {
        AnalysisSpec s = new AnalysisSpec();
        s.warmup = Durations.format(warmup);
        s.duration = Durations.format(duration);
        s.interval = Durations.format(interval);
        s.dataDelay = Durations.format(dataDelay);
        s.deadline = Durations.format(deadline);
        s.confidence = confidence;
        s.minSamples = minSamples;
        return s;
    }
}
