package dev.mimamori.render;

import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.MonitorSettings;

import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * One multi-window burn-rate alert on an SLO (Datadog's "slo alert" monitor): it fires when the error budget burns
 * {@code factor} times faster than the SLO allows, over both the long and the short window. Everything but the SLO's
 * id is known at render time; the id arrives when Datadog has created the SLO.
 */
public record BurnRateAlert(String templateName, String timeframe, String longWindow, String shortWindow,
        double factor, String title, String message, int priority, List<String> tags) {

    /** Share of the whole budget the fast pair lets burn in its long window (1h), and the slow pair in 6h. */
    static final double FAST_BUDGET_SHARE = 0.02;
    static final double SLOW_BUDGET_SHARE = 0.05;

    /**
     * The burn-rate factor that spends {@code budgetShare} of the budget in {@code windowHours}: for a 30-day SLO,
     * 2% in 1h is 14.4 and 5% in 6h is 6, the pairs of the Google SRE workbook; other windows scale the same way.
     */
    static double factor(String timeframe, double budgetShare, double windowHours) {
        double hours = Integer.parseInt(timeframe.substring(0, timeframe.length() - 1)) * 24.0;
        return Math.round(budgetShare * hours / windowHours * 100.0) / 100.0;
    }

    /** The highest burn rate an SLO can ever show: every event bad. */
    static double maxBurnRate(double targetPercent) {
        return 100.0 / (100.0 - targetPercent);
    }

    public DesiredMonitor monitor(String sloId) {
        String query = String.format(Locale.ROOT, "burn_rate(\"%s\").over(\"%s\").long_window(\"%s\").short_window(\"%s\") > %s",
                sloId, timeframe, longWindow, shortWindow, number(factor));
        TreeMap<String, Double> thresholds = new TreeMap<>();
        thresholds.put("critical", factor);
        return new DesiredMonitor(templateName, new MonitorDefinition(title, "slo alert", query, message, priority,
                tags, thresholds, MonitorSettings.NONE));
    }

    static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
