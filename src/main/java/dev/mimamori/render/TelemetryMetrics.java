package dev.mimamori.render;

import java.util.Collection;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a set of Datadog queries reads: the word between an aggregation prefix ({@code avg:},
 * {@code p95:}, {@code count(v: v<=0.5):}) and the scope's opening brace. Queries without metrics (burn-rate,
 * service checks, events) contribute nothing. Pure.
 */
public final class TelemetryMetrics {
    private static final Pattern METRIC = Pattern.compile(":\\s*([A-Za-z][A-Za-z0-9_.]*)\\s*\\{");

    private TelemetryMetrics() {}

    public static TreeSet<String> in(Collection<String> queries) {
        TreeSet<String> metrics = new TreeSet<>();
        for (String query : queries) {
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                metrics.add(m.group(1));
            }
        }
        return metrics;
    }
}
