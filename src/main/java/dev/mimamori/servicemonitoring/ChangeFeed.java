package dev.mimamori.servicemonitoring;

import dev.mimamori.datadog.AuditedChanges;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides, from Datadog's Audit Trail, which kinds of objects need their full list re-read between two full resyncs.
 * Each look asks from the end of the previous one minus {@link #OVERLAP} (audit events are indexed a little after the
 * edit), and events already seen in the previous look are not counted twice. Pure: the caller does the calls.
 */
final class ChangeFeed {
    /** How late an audit event may be indexed and still be found by the next look. */
    static final Duration OVERLAP = Duration.ofMinutes(5);
    /** Events asked for per look; more new ones than this re-read every kind. */
    static final int LIMIT = 100;
    /** How far this operator's clock may run ahead of Datadog's (the Datadog Agent's NTP check warns from 60 s). */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

    enum Kind {
        MONITORS,
        SLOS,
        DASHBOARDS
    }

    private Instant coveredUntil;
    /** Every inventory is first listed after start, so that list, not a look, covers what is older than this. */
    private final Instant notBefore;

    private Set<String> seen = Set.of();

    /** The feed of an operator started at {@code start}, before it reconciles anything. */
    ChangeFeed(Instant start) {
        this.coveredUntil = start;
        this.notBefore = start.minus(CLOCK_MARGIN);
    }

    /** Where the next look starts. */
    synchronized Instant from() {
        Instant from = coveredUntil.minus(OVERLAP);
        return from.isBefore(notBefore) ? notBefore : from;
    }

    /** A full resync that started at {@code listedAt} re-read everything: later looks start there. */
    synchronized void fullyListed(Instant listedAt) {
        if (listedAt.isAfter(coveredUntil)) {
            coveredUntil = listedAt;
        }
    }

    /** The kinds to re-read after a look that covered the audit trail up to {@code to}. */
    synchronized Set<Kind> kindsChanged(AuditedChanges answer, Instant to) {
        Set<String> ids = new HashSet<>();
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        boolean unknownType = false;
        for (AuditedChanges.Change change : answer.changes()) {
            ids.add(change.eventId());
            if (seen.contains(change.eventId())) {
                continue;
            }
            Kind kind = kindOf(change.assetType());
            if (kind == null) {
                unknownType = true;
            } else {
                kinds.add(kind);
            }
        }
        boolean anyNew = unknownType || !kinds.isEmpty();
        // Newest first: when the newest are all known, the older ones beyond the limit were seen by the last look.
        if (anyNew && (answer.truncated() || unknownType)) {
            kinds = EnumSet.allOf(Kind.class);
        }
        seen = ids;
        if (to.isAfter(coveredUntil)) {
            coveredUntil = to;
        }
        return kinds;
    }

    private static Kind kindOf(String assetType) {
        if (assetType == null) {
            return null;
        }
        return switch (assetType) {
            case "monitor" -> Kind.MONITORS;
            case "slo" -> Kind.SLOS;
            case "dashboard" -> Kind.DASHBOARDS;
            default -> null;
        };
    }
}
