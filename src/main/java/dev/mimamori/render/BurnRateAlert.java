package dev.mimamori.render;

import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.MonitorSettings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One multi-window burn-rate alert on an SLO (Datadog's "slo alert" monitor): it fires when the error budget burns
 * {@code factor} times faster than the SLO allows, over both the long and the short window. Everything but the SLO's
 * id is known at render time; the id arrives when Datadog has created the SLO.
 */
public record BurnRateAlert(
        String templateName,
        String timeframe,
        String longWindow,
        String shortWindow,
        double factor,
        String title,
        String message,
        int priority,
        List<String> tags) {

    /** One alert pair of Datadog's table: the factor that spends {@code budgetShare} of the budget in the long window. */
    record Pair(String longWindow, String shortWindow, double factor, String budgetShare, String span) {}

    /** A fast pair (pages) and a slow pair (tickets) for one SLO window. */
    record Pairs(Pair fast, Pair slow) {}

    /**
     * Datadog's recommended burn rates per SLO window (docs: service_level_objectives/burn_rate.md, "Examples"):
     * factor = SLO window in hours x budget share / long window in hours.
     */
    static final Map<String, Pairs> RECOMMENDED = Map.of(
            "7d",
                    new Pairs(
                            new Pair("1h", "5m", 16.8, "10%", "an hour"),
                            new Pair("6h", "30m", 5.6, "20%", "six hours")),
            "30d", new Pairs(new Pair("1h", "5m", 14.4, "2%", "an hour"), new Pair("6h", "30m", 6, "5%", "six hours")),
            "90d",
                    new Pairs(
                            new Pair("1h", "5m", 21.6, "1%", "an hour"),
                            new Pair("6h", "30m", 10.8, "3%", "six hours")));

    /** The highest burn rate an SLO can ever show: every event bad. */
    static double maxBurnRate(double targetPercent) {
        return 100.0 / (100.0 - targetPercent);
    }

    public DesiredMonitor monitor(String sloId) {
        String query = String.format(
                Locale.ROOT,
                "burn_rate(\"%s\").over(\"%s\").long_window(\"%s\").short_window(\"%s\") > %s",
                sloId,
                timeframe,
                longWindow,
                shortWindow,
                number(factor));
        TreeMap<String, Double> thresholds = new TreeMap<>();
        thresholds.put("critical", factor);
        return new DesiredMonitor(
                templateName,
                new MonitorDefinition(
                        title, "slo alert", query, message, priority, tags, thresholds, MonitorSettings.NONE));
    }

    static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
