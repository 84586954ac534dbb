package dev.mimamori.datadog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything mimamori asks of Datadog, in its own words. One implementation talks HTTP through the official client;
 * every method throws {@link DatadogException}, already classified, and nothing else.
 */
public interface DatadogApi {

    /** Every monitor carrying all of these tags, read with as few paginated list calls as possible. */
    List<ManagedMonitor> listMonitors(List<String> monitorTags);

    ManagedMonitor createMonitor(MonitorDefinition definition);

    ManagedMonitor updateMonitor(long id, MonitorDefinition definition);

    /** Deletes a monitor; a monitor that is already gone counts as deleted. */
    void deleteMonitor(long id);

    void postEvent(DatadogEvent event);

    /** One request for several metric queries over the same window; one series per query, in order. */
    List<MetricSeries> queryMetrics(List<String> queries, Instant from, Instant to, Duration interval);

    /** Where a person looks at this monitor in Datadog. */
    String monitorUrl(long id);
}
