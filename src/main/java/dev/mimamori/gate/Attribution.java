package dev.mimamori.gate;

import dev.mimamori.api.AttributionStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Says which explanation of a regression the node and container data supports, comparing the baseline window with the
 * candidate window: the release (the new pods cost more CPU per request, or nothing else explains it), a neighbour
 * (other workloads on the new pods' nodes took more CPU while the service's own cost per request did not rise) or
 * capacity (the service waited more for CPU as its own load rose). Pure.
 */
public final class Attribution {
    /** A rise of CPU per request beyond this is the release's own doing, whatever the node did. */
    static final double COST_RISE_PERCENT = 10;
    /** Neighbours must take at least this many more cores on the nodes, and a quarter more than before. */
    static final double NEIGHBOUR_RISE_CORES = 0.5;

    static final double NEIGHBOUR_RISE_FRACTION = 0.25;
    /** A node this busy leaves a latency-sensitive service waiting for CPU. */
    static final double NODE_BUSY_PERCENT = 80;
    /** A rise of the service's CPU wait, in percentage points, that counts as the service being short of CPU. */
    static final double WAIT_RISE_POINTS = 5;
    /**
     * Without CPU wait data, the nodes' busy CPU must rise by this many points: a batch job on a full node takes any
     * CPU a slower release leaves, so more neighbour cores on a node that was already full prove nothing.
     */
    static final double BUSY_RISE_POINTS = 10;
    /** A rise of requests per second that counts as more load. */
    static final double LOAD_RISE_PERCENT = 20;

    static final int NEIGHBOURS_NAMED = 3;
    /** The name Datadog gives the group of series without a service tag. */
    static final String UNTAGGED = "N/A";

    private Attribution() {}

    public enum Cause {
        Release,
        Neighbour,
        Capacity,
        Unknown
    }

    /**
     * One window's readings, each averaged over the window: the service's requests per second (null when unknown),
     * its CPU cores and its CPU wait (percent of time) per node, every node's busy CPU percent, and the CPU cores of
     * every other workload per node and service tag.
     */
    public record Window(
            Double requestsPerSecond,
            Map<String, Double> ownCores,
            Map<String, Double> ownWaitPercent,
            Map<String, Double> nodeBusyPercent,
            Map<String, Map<String, Double>> othersCores) {}

    /** The cause and the status that shows it with its figures. */
    public record Finding(Cause cause, AttributionStatus status) {}

    public static Finding attribute(String service, Window baseline, Window candidate) {
        AttributionStatus s = new AttributionStatus();
        if (candidate.ownCores().isEmpty()) {
            s.cause = Cause.Unknown.name();
            s.message = "no container CPU for " + service + " in the candidate window, so its nodes are unknown;"
                    + " the regression is taken as the release's";
            return new Finding(Cause.Unknown, s);
        }
        List<String> nodes = List.copyOf(new TreeSet<>(candidate.ownCores().keySet()));
        s.nodes = new ArrayList<>(nodes);
        boolean perRequest = positive(baseline.requestsPerSecond()) && positive(candidate.requestsPerSecond());
        s.baselineRequestsPerSecond = round(baseline.requestsPerSecond());
        s.candidateRequestsPerSecond = round(candidate.requestsPerSecond());
        double costBefore = cost(baseline, perRequest);
        double costAfter = cost(candidate, perRequest);
        s.baselineCpuPerRequest = round(costBefore);
        s.candidateCpuPerRequest = round(costAfter);
        Double waitBefore =
                mean(baseline.ownWaitPercent(), baseline.ownWaitPercent().keySet());
        Double waitAfter = mean(candidate.ownWaitPercent(), nodes);
        s.baselineCpuWaitPercent = round(waitBefore);
        s.candidateCpuWaitPercent = round(waitAfter);
        Double busyBefore = mean(baseline.nodeBusyPercent(), nodes);
        Double busyAfter = mean(candidate.nodeBusyPercent(), nodes);
        s.baselineNodeBusyPercent = round(busyBefore);
        s.candidateNodeBusyPercent = round(busyAfter);
        double othersBefore = others(baseline, nodes);
        double othersAfter = others(candidate, nodes);
        s.baselineNeighbourCores = round(othersBefore);
        s.candidateNeighbourCores = round(othersAfter);
        s.neighbours = heaviest(baseline, candidate, nodes);

        if (!(costBefore > 0)) {
            // Without the baseline's own CPU a costlier release looks like an unchanged one.
            s.cause = Cause.Unknown.name();
            s.message = "no container CPU for " + service + " in the baseline window, so whether the release costs"
                    + " more CPU per request is unknown; the regression is taken as the release's";
            return new Finding(Cause.Unknown, s);
        }
        double costChange = (costAfter / costBefore - 1) * 100;
        double waitRise = waitBefore == null || waitAfter == null ? 0 : waitAfter - waitBefore;
        boolean neighboursRose =
                othersAfter - othersBefore >= Math.max(NEIGHBOUR_RISE_CORES, NEIGHBOUR_RISE_FRACTION * othersBefore);
        // A neighbour slows the service through the CPU only by making it wait: its own wait, or the nodes, must rise.
        boolean nodeShort = waitRise >= WAIT_RISE_POINTS
                || (busyBefore != null
                        && busyAfter != null
                        && busyAfter >= NODE_BUSY_PERCENT
                        && busyAfter - busyBefore >= BUSY_RISE_POINTS);
        boolean loadRose = perRequest
                && (candidate.requestsPerSecond() / baseline.requestsPerSecond() - 1) * 100 >= LOAD_RISE_PERCENT;
        String unit = perRequest ? " millicores per request/s" : " cores (requests unknown)";
        String cost = service + "'s CPU per request " + number(costBefore) + " -> " + number(costAfter) + unit + " ("
                + signed(costChange) + ")";
        Cause cause;
        if (costChange > COST_RISE_PERCENT) {
            cause = Cause.Release;
            s.message =
                    "the release: " + cost + ", more than the " + number(COST_RISE_PERCENT) + "% a node cannot explain";
        } else if (neighboursRose && nodeShort) {
            cause = Cause.Neighbour;
            s.message = "a neighbour: other workloads on " + String.join(", ", nodes) + " used "
                    + number(othersAfter) + " cores (was " + number(othersBefore) + ")" + busy(busyBefore, busyAfter)
                    + wait(waitBefore, waitAfter) + ", while " + cost + "; heaviest: " + named(s.neighbours);
        } else if (waitRise >= WAIT_RISE_POINTS && loadRose) {
            cause = Cause.Capacity;
            s.message = "capacity: " + service + " served " + number(baseline.requestsPerSecond()) + " -> "
                    + number(candidate.requestsPerSecond()) + " requests/s" + wait(waitBefore, waitAfter)
                    + ", while other workloads on its nodes stayed at " + number(othersAfter) + " cores and " + cost;
        } else {
            cause = Cause.Release;
            s.message = "the release: neither a neighbour nor load explains it (other workloads on its nodes "
                    + number(othersBefore) + " -> " + number(othersAfter) + " cores" + busy(busyBefore, busyAfter)
                    + wait(waitBefore, waitAfter) + "); " + cost;
        }
        s.cause = cause.name();
        return new Finding(cause, s);
    }

    /** The nodes and heaviest neighbours in a sentence, for the Warning event of a neighbour verdict. */
    public static String culprits(AttributionStatus s) {
        return "node" + (s.nodes.size() == 1 ? " " : "s ") + String.join(", ", s.nodes) + "; heaviest neighbours: "
                + named(s.neighbours);
    }

    private static double cost(Window w, boolean perRequest) {
        double cores =
                w.ownCores().values().stream().mapToDouble(Double::doubleValue).sum();
        return perRequest ? cores * 1000 / w.requestsPerSecond() : cores;
    }

    private static double others(Window w, List<String> nodes) {
        double sum = 0;
        for (String node : nodes) {
            sum += w.othersCores().getOrDefault(node, Map.of()).values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
        }
        return sum;
    }

    private static List<AttributionStatus.NeighbourStatus> heaviest(
            Window baseline, Window candidate, List<String> nodes) {
        List<AttributionStatus.NeighbourStatus> all = new ArrayList<>();
        for (String node : nodes) {
            candidate.othersCores().getOrDefault(node, Map.of()).forEach((name, cores) -> {
                AttributionStatus.NeighbourStatus n = new AttributionStatus.NeighbourStatus();
                n.name = name.equals(UNTAGGED) ? "workloads without a service tag" : name;
                n.node = node;
                n.candidateCores = round(cores);
                n.baselineCores = round(
                        baseline.othersCores().getOrDefault(node, Map.of()).getOrDefault(name, 0.0));
                all.add(n);
            });
        }
        all.sort(Comparator.comparingDouble((AttributionStatus.NeighbourStatus n) -> n.candidateCores)
                .reversed()
                .thenComparing(n -> n.name));
        return new ArrayList<>(all.subList(0, Math.min(NEIGHBOURS_NAMED, all.size())));
    }

    private static String named(List<AttributionStatus.NeighbourStatus> neighbours) {
        if (neighbours.isEmpty()) {
            return "none reported";
        }
        return neighbours.stream()
                .map(n -> n.name + " on " + n.node + " " + number(n.candidateCores) + " cores (was "
                        + number(n.baselineCores) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String busy(Double before, Double after) {
        return before == null || after == null
                ? ""
                : ", the nodes " + number(after) + "% busy (was " + number(before) + "%)";
    }

    private static String wait(Double before, Double after) {
        return before == null || after == null
                ? ""
                : ", its containers waiting for a CPU " + number(after) + "% of the time (was " + number(before) + "%)";
    }

    private static Double mean(Map<String, Double> values, java.util.Collection<String> keys) {
        double sum = 0;
        int n = 0;
        for (String key : keys) {
            Double v = values.get(key);
            if (known(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    private static boolean known(Double v) {
        return v != null && !v.isNaN() && !v.isInfinite();
    }

    private static boolean positive(Double v) {
        return known(v) && v > 0;
    }

    private static Double round(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? null : Math.round(v * 100.0) / 100.0;
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.0f" : "%.2f", v);
    }

    private static String signed(double percent) {
        return String.format(Locale.ROOT, "%+.0f%%", percent);
    }
}
