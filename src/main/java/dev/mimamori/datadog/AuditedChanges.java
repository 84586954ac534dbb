package dev.mimamori.datadog;

import java.util.List;

/**
 * What Datadog's Audit Trail recorded about monitors, SLOs and dashboards in a time range: one entry per audit event,
 * newest first. {@code truncated} is true when there were more events than were asked for.
 */
public record AuditedChanges(List<Change> changes, boolean truncated) {

    public AuditedChanges {
        changes = List.copyOf(changes);
    }

    /** One audit event: its id (to recognise it again in an overlapping range) and the asset type it is about. */
    public record Change(String eventId, String assetType) {}
}
