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

    /**
     * @param driftCheckCalls  calls of one drift check (measured)
     * @param driftCheckWrites writes of one drift check's resync (measured)
     * @param telemetryRound   scalar queries of one telemetry check of every service (measured during convergence)
     * @param perHour          mimamori: drift checks at the default interval plus telemetry at its default interval
     * @param writesPerHour    mimamori writes per hour at the default interval
     * @param monitors         monitors the ServiceMonitorings ask for
     * @param alternativePerHour       the alternative's calls per hour for as many monitors
     * @param alternativeWritesPerHour of which PUTs
     */
    record Figures(
            double driftCheckCalls,
            double driftCheckWrites,
            double telemetryRound,
            double perHour,
            double writesPerHour,
            long monitors,
            long alternativePerHour,
            long alternativeWritesPerHour) {

        double ratio() {
            return alternativePerHour / perHour;
        }
    }

    private SteadyCost() {}

    static Figures of(ScaleResult result) {
        ScaleResult.SteadyResync steady = result.steady();
        double checks = Math.max(1, steady.driftChecks());
        double perCheck = steady.callsPerDriftCheck();
        double writesPerCheck = steady.writes() / checks;
        double telemetryRound = result.convergenceCalls().getOrDefault(DatadogSimulator.QUERY_SCALAR, 0)
                - result.convergenceRefused().getOrDefault(DatadogSimulator.QUERY_SCALAR, 0);
        double checksPerHour = Duration.ofHours(1).toMillis() / (double) DEFAULT_RESYNC.toMillis();
        double telemetryPerHour =
                telemetryRound * Duration.ofHours(1).toMillis() / DEFAULT_TELEMETRY_INTERVAL.toMillis();
        long monitors = result.wantedMonitors();
        long alternative =
                monitors * (ALTERNATIVE_GETS_PER_HOUR + ALTERNATIVE_VALIDATES_PER_HOUR + ALTERNATIVE_PUTS_PER_HOUR);
        return new Figures(
                perCheck,
                writesPerCheck,
                telemetryRound,
                perCheck * checksPerHour + telemetryPerHour,
                writesPerCheck * checksPerHour,
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
