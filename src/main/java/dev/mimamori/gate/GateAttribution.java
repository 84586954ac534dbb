package dev.mimamori.gate;

import dev.mimamori.api.AttributionStatus;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.OnNeighbour;
import dev.mimamori.api.ReleaseInfo;
import dev.mimamori.datadog.DatadogException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the gate asks, once a metric has regressed, what the node data says before it acts; and what a verdict
 * becomes with the answer. Asked only for a Failed verdict, so a passing release costs no extra query. Pure.
 */
public final class GateAttribution {
    /** The reason of the Warning event of a regression pinned on a neighbour. */
    public static final String NEIGHBOUR_EVENT = "NeighbourSuspected";

    private static final Pattern HITS = Pattern.compile("trace\\.([A-Za-z0-9_.\\-]+)\\.hits\\{");

    private GateAttribution() {}

    /**
     * What to read for both windows: the service and env, the versions each window ran, the trace operation whose
     * hits count requests (null when no gate metric names one) and the windows.
     */
    public record Request(
            String service,
            String env,
            String baselineVersion,
            String candidateVersion,
            String traceOperation,
            Instant baselineFrom,
            Instant baselineTo,
            Instant candidateFrom,
            Instant candidateTo) {}

    /** Both windows' readings, or why Datadog could not give them. */
    public record Reply(Attribution.Window baseline, Attribution.Window candidate, DatadogException failure) {}

    /** The verdict to record, its summary, the attribution for status and the Warning to raise (null for none). */
    public record Decision(Verdict verdict, String summary, AttributionStatus attribution, String warning) {}

    /** The request for a check whose candidate window is read up to {@code now} (or its end). */
    static Request request(ReleaseInfo release, List<GateMetric> gateMetrics, AnalysisWindows windows, Instant now) {
        Instant to = now.isBefore(windows.candidateTo()) ? now : windows.candidateTo();
        return new Request(
                release.service,
                release.env,
                release.baselineVersion != null ? release.baselineVersion : "*",
                release.candidateVersion.toLowerCase(Locale.ROOT),
                traceOperation(gateMetrics),
                windows.baselineFrom(),
                windows.baselineTo(),
                windows.candidateFrom(),
                to);
    }

    /** The operation of the first {@code trace.<operation>.hits} a gate metric reads, or null. */
    static String traceOperation(List<GateMetric> gateMetrics) {
        for (GateMetric m : gateMetrics == null ? List.<GateMetric>of() : gateMetrics) {
            Matcher hits = HITS.matcher(m.query == null ? "" : m.query);
            if (hits.find()) {
                return hits.group(1);
            }
        }
        return null;
    }

    /** A Failed verdict with what the node data says about it; only a neighbour verdict can change it. */
    public static Decision decide(Reply reply, String service, OnNeighbour onNeighbour, String summary) {
        if (reply.failure() != null) {
            AttributionStatus unknown = new AttributionStatus();
            unknown.cause = Attribution.Cause.Unknown.name();
            unknown.message = "Datadog could not give the node data ("
                    + reply.failure().getMessage() + "); the regression is taken as the release's";
            return new Decision(Verdict.Failed, summary, unknown, null);
        }
        Attribution.Finding finding = Attribution.attribute(service, reply.baseline(), reply.candidate());
        AttributionStatus found = finding.status();
        if (finding.cause() != Attribution.Cause.Neighbour || onNeighbour == OnNeighbour.Fail) {
            return new Decision(
                    Verdict.Failed, summary + " (attributed to " + cause(finding.cause()) + ")", found, null);
        }
        String culprits = Attribution.culprits(found);
        return new Decision(
                Verdict.Inconclusive,
                summary.replaceFirst(": failed( early)?$", "") + ": inconclusive, a neighbour is the likelier cause ("
                        + culprits + ")",
                found,
                service + " regressed while other workloads took CPU on its nodes, not the release itself; "
                        + culprits);
    }

    private static String cause(Attribution.Cause cause) {
        return switch (cause) {
            case Release -> "the release";
            case Neighbour -> "a neighbour";
            case Capacity -> "capacity";
            case Unknown -> "the release; no node data";
        };
    }
}
