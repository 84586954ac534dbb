package dev.mimamori.bench;

import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.sim.DatadogSimulator;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Datadog calls per hour in steady state, for mimamori (extrapolated from one measured resync) and for the model of
 * the best-known alternative: one custom resource per monitor, each read with a GET every minute and validated and
 * PUT in full every hour.
 */
final class SteadyCost {
    /** The alternative, per monitor and hour. */
    static final int ALTERNATIVE_GETS_PER_HOUR = 60;

    static final int ALTERNATIVE_VALIDATES_PER_HOUR = 1;
    static final int ALTERNATIVE_PUTS_PER_HOUR = 1;

    /** The operator's own defaults, read from its configuration interface so they cannot drift from it. */
    static final Duration DEFAULT_RESYNC = defaultOf("resyncInterval");

    static final Duration DEFAULT_TELEMETRY_INTERVAL = defaultOf("telemetryInterval");

    static final Duration DEFAULT_FULL_RESYNC = defaultOf("fullResyncInterval");

    /**
     * @param fullResyncCalls  calls of one full resync (measured)
     * @param fullResyncWrites writes of one full resync (measured)
     * @param lookCalls        calls of one Audit Trail look, the lists it caused included (measured)
     * @param telemetryRound   scalar requests of one telemetry round of every service
     * @param telemetryRoundSeen whether a round fell in the steady window; if not, the figure is every request of
     *                         convergence, an upper bound
     * @param telemetryPerHour telemetry requests per hour at the default interval
     * @param perHour          mimamori: looks and full resyncs at the default intervals, plus telemetry
     * @param perHourWithoutAuditTrail the same where the Audit Trail answers 403: full resyncs, one refused look
     *                         after each, telemetry
     * @param writesPerHour    mimamori writes per hour at the default intervals
     * @param monitors         monitors the ServiceMonitorings ask for
     * @param alternativePerHour       the alternative's calls per hour for as many monitors
     * @param alternativeWritesPerHour of which PUTs
     */
    record Figures(
            double fullResyncCalls,
            double fullResyncWrites,
            double lookCalls,
            double telemetryRound,
            boolean telemetryRoundSeen,
            double telemetryPerHour,
            double perHour,
            double perHourWithoutAuditTrail,
            double writesPerHour,
            long monitors,
            long alternativePerHour,
            long alternativeWritesPerHour) {

        double ratio() {
            return alternativePerHour / perHour;
        }
    }

    private SteadyCost() {}

    static double perHour(Duration interval) {
        return Duration.ofHours(1).toMillis() / (double) interval.toMillis();
    }

    /** Full resyncs per hour at the defaults; every other tick of the resync interval is an Audit Trail look. */
    static double fullResyncsPerHour() {
        return perHour(DEFAULT_FULL_RESYNC.compareTo(DEFAULT_RESYNC) < 0 ? DEFAULT_RESYNC : DEFAULT_FULL_RESYNC);
    }

    static double looksPerHour() {
        return perHour(DEFAULT_RESYNC) - fullResyncsPerHour();
    }

    static Figures of(ScaleResult result) {
        ScaleResult.SteadyResync steady = result.steady();
        double fulls = Math.max(1, steady.driftChecks());
        double perFull = steady.callsPerDriftCheck();
        double writesPerFull = steady.writes() / fulls;
        // One search per look: it asks for at most 100 events and never pages.
        double perLook = 1;
        boolean roundSeen = steady.telemetryRounds() > 0;
        double telemetryRound = roundSeen
                ? steady.telemetryCalls() / (double) steady.telemetryRounds()
                : result.convergenceCalls().getOrDefault(DatadogSimulator.QUERY_SCALAR, 0)
                        - result.convergenceRefused().getOrDefault(DatadogSimulator.QUERY_SCALAR, 0);
        double telemetryPerHour = telemetryRound * perHour(DEFAULT_TELEMETRY_INTERVAL);
        long monitors = result.wantedMonitors();
        long alternative =
                monitors * (ALTERNATIVE_GETS_PER_HOUR + ALTERNATIVE_VALIDATES_PER_HOUR + ALTERNATIVE_PUTS_PER_HOUR);
        return new Figures(
                perFull,
                writesPerFull,
                perLook,
                telemetryRound,
                roundSeen,
                telemetryPerHour,
                perFull * fullResyncsPerHour() + perLook * looksPerHour() + telemetryPerHour,
                (perFull + 1) * fullResyncsPerHour() + telemetryPerHour,
                writesPerFull * fullResyncsPerHour(),
                monitors,
                alternative,
                monitors * ALTERNATIVE_PUTS_PER_HOUR);
    }

    private static Duration defaultOf(String setting) {
        try {
            String text = MimamoriConfig.class
                    .getMethod(setting)
                    .getAnnotation(WithDefault.class)
                    .value()
                    .trim();
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new IllegalStateException("unexpected default " + text + " of " + setting);
            };
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("MimamoriConfig has no " + setting, e);
        }
    }
}
