package dev.mimamori.datadog;

import java.util.Objects;

/** The monitor options mimamori manages. A null field means "Datadog's default" and is never compared. */
public record MonitorSettings(
        Boolean notifyNoData,
        Integer noDataTimeframe,
        Integer renotifyInterval,
        Integer evaluationDelay,
        Integer newGroupDelay,
        Boolean requireFullWindow,
        Boolean includeTags) {

    public static final MonitorSettings NONE = new MonitorSettings(null, null, null, null, null, null, null);

    boolean isSatisfiedBy(MonitorSettings actual) {
        return unsetOrEqual(notifyNoData, actual.notifyNoData)
                && unsetOrEqual(noDataTimeframe, actual.noDataTimeframe)
                && unsetOrEqual(renotifyInterval, actual.renotifyInterval)
                && unsetOrEqual(evaluationDelay, actual.evaluationDelay)
                && unsetOrEqual(newGroupDelay, actual.newGroupDelay)
                && unsetOrEqual(requireFullWindow, actual.requireFullWindow)
                && unsetOrEqual(includeTags, actual.includeTags);
    }

    private static boolean unsetOrEqual(Object desired, Object actual) {
        return desired == null || Objects.equals(desired, actual);
    }
}
