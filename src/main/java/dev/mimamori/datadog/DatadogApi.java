package dev.mimamori.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything mimamori asks of Datadog, in its own words. One implementation talks HTTP through the official client;
 * every method throws {@link DatadogException}, already classified, and nothing else.
 */
public interface DatadogApi {

    /** Every monitor carrying all of these tags, read with as few paginated list calls as possible. */
    List<ManagedMonitor> listMonitors(List<String> monitorTags);

    ManagedMonitor createMonitor(MonitorDefinition definition);

    ManagedMonitor updateMonitor(long id, MonitorDefinition definition);

    /** Replaces a monitor's tags and nothing else. */
    void retagMonitor(long id, List<String> tags);

    /** Deletes a monitor; a monitor that is already gone counts as deleted. */
    void deleteMonitor(long id);

    void postEvent(DatadogEvent event);

    /**
     * One request for several metric expressions over the same window; one series per expression, in order. An
     * expression may hold arithmetic and functions ({@code a / b * 100}): it is sent as {@link MetricFormula} says.
     */
    List<MetricSeries> queryMetrics(List<String> queries, Instant from, Instant to, Duration interval);

    /** Where a person looks at this monitor in Datadog. */
    String monitorUrl(long id);

    /** Every SLO tagged {@code tag} (one key:value), read with one paginated list call per 1,000 SLOs. */
    List<ManagedSlo> listSlos(String tag);

    ManagedSlo createSlo(SloDefinition definition);

    /** One SLO as Datadog holds it; throws NOT_FOUND when it is gone. */
    SloDefinition readSlo(String id);

    ManagedSlo updateSlo(String id, SloDefinition definition);

    /** Deletes an SLO; an SLO that is already gone counts as deleted. */
    void deleteSlo(String id);

    String sloUrl(String id);

    /** Every dashboard of the organisation, as summaries (no widgets), paginated. */
    List<ManagedDashboard> listDashboards();

    /** The whole dashboard as Datadog holds it, as JSON; empty when it no longer exists. */
    Optional<JsonNode> readDashboard(String id);

    ManagedDashboard createDashboard(DashboardDefinition definition);

    ManagedDashboard updateDashboard(String id, DashboardDefinition definition);

    /** Deletes a dashboard; a dashboard that is already gone counts as deleted. */
    void deleteDashboard(String id);

    /** The dashboard's link with template variables preset, e.g. {@code service -> checkout}. */
    String dashboardUrl(String id, Map<String, String> presets);

    /**
     * One request of queries grouped by one tag ({@code avg:m{env:prod} by {service}}): for each query, the values of
     * {@code groupTag} whose group had any data between {@code from} and {@code to}. Every query is in the answer.
     */
    Map<String, Set<String>> groupsWithData(List<String> queries, String groupTag, Instant from, Instant to);

    /**
     * One request of scalar queries, each grouped by {@code groupTags} ({@code avg:m{*} by {host,service}}): for each
     * query, a value per group that had data between {@code from} and {@code to}, averaged over the range. Every query
     * is in the answer.
     */
    Map<String, List<GroupedValue>> groupedValues(
            List<String> queries, List<String> groupTags, Instant from, Instant to);

    /**
     * Edits, creations and deletions of monitors, SLOs and dashboards that Datadog's Audit Trail recorded between
     * {@code from} and {@code to}, at most {@code limit}, newest first. Throws {@link DatadogException} of kind
     * FORBIDDEN or NOT_FOUND where the organisation has no Audit Trail or the key may not read it.
     */
    AuditedChanges auditedChanges(Instant from, Instant to, int limit);
}
