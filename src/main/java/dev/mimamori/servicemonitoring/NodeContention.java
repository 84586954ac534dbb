package dev.mimamori.servicemonitoring;

import dev.mimamori.render.ContentionMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides, from one round of cluster-wide readings, whether the nodes a service runs on are under pressure from other
 * workloads, and names those nodes and their heaviest neighbours. A node is under pressure when its CPU is nearly all
 * busy, the hypervisor steals a share of it, or little memory is left; the pressure is the neighbours' doing when
 * steal is part of it or other workloads use more of the node's CPU than the service does. Pure.
 */
public final class NodeContention {
    static final double CPU_BUSY_PERCENT = 90;
    static final double STEAL_PERCENT = 10;
    static final double MEMORY_USABLE_PERCENT = 10;
    static final int NODES_NAMED = 3;
    static final int NEIGHBOURS_NAMED = 3;
    /** The name Datadog gives a group whose series lack the grouped tag. */
    static final String UNTAGGED = "N/A";

    private NodeContention() {}

    /**
     * One round's readings. Node maps are keyed by node; {@code cpuByNode} holds every workload's CPU (nanocores) per
     * node and service tag; {@code placement} and {@code stall} hold, per node and service, the CPU (nanocores) and
     * the CPU stall (ns per second) of the services of one env.
     */
    public record Readings(
            Map<String, Double> stolenPercent,
            Map<String, Double> idlePercent,
            Map<String, Double> memoryUsable,
            Map<String, Map<String, Double>> cpuByNode,
            Map<String, Map<String, Double>> placement,
            Map<String, Map<String, Double>> stall) {}

    public record Neighbour(String name, double cores) {}

    /** A node under pressure: its figures, the service's own share and the heaviest other workloads. */
    public record PressuredNode(
            String node,
            Double busyPercent,
            Double stolenPercent,
            Double memoryUsablePercent,
            double ownCores,
            double othersCores,
            Double stallPercent,
            List<Neighbour> neighbours) {

        boolean byOthers() {
            return (stolenPercent != null && stolenPercent >= STEAL_PERCENT) || othersCores > ownCores;
        }
    }

    public enum State {
        /** At least one of the service's nodes is under pressure from other workloads. */
        CONTENDED,
        /** None is; pressure the service causes itself is listed apart. */
        CLEAR,
        /** Datadog has no container CPU for the service: where it runs is unknown. */
        UNPLACED,
        /** No node is known to be contended, but some report no node metrics: whether they are is unknown. */
        UNMEASURED
    }

    /** The answer for one service: all its nodes, those under pressure, and those without node metrics. */
    public record Finding(
            String service, State state, List<String> nodes, List<PressuredNode> pressured, List<String> unmeasured) {

        public List<PressuredNode> byOthers() {
            return pressured.stream().filter(PressuredNode::byOthers).toList();
        }

        public List<PressuredNode> byItself() {
            return pressured.stream().filter(n -> !n.byOthers()).toList();
        }

        /** A sentence for a person, naming the nodes and neighbours behind the state. */
        public String message() {
            return switch (state) {
                case UNPLACED ->
                    "Datadog has no container CPU (" + ContentionMetrics.CONTAINER_CPU_USAGE + ") for " + service
                            + " in this env, so its nodes are unknown: check that the Agent's container check runs and"
                            + " the pods carry the unified service tags";
                case CONTENDED ->
                    byOthers().size() + " of " + nodes.size() + " nodes running " + service
                            + " are under pressure from other workloads: " + describe(byOthers()) + itself()
                            + (unmeasured.isEmpty() ? "" : "; no node metrics for " + names(unmeasured));
                case UNMEASURED -> unmeasuredMessage();
                case CLEAR ->
                    "none of the " + nodes.size() + " nodes running " + service
                            + " is under pressure from other workloads" + itself();
            };
        }

        private String unmeasuredMessage() {
            int measured = nodes.size() - unmeasured.size();
            String message = "Datadog has no node metrics (" + ContentionMetrics.NODE_CPU_IDLE + ", "
                    + ContentionMetrics.NODE_CPU_STOLEN + ", " + ContentionMetrics.NODE_MEMORY_USABLE + ") for "
                    + unmeasured.size() + " of the " + nodes.size() + " nodes running " + service + " ("
                    + names(unmeasured) + "), so whether they are under pressure is unknown: check that the Agent's"
                    + " system check runs on every node and that the contention scope matches their tags";
            return measured == 0
                    ? message
                    : message + "; the other " + measured + (measured == 1 ? " is" : " are")
                            + " not under pressure from other workloads" + itself();
        }

        private static String names(List<String> nodes) {
            String named = nodes.stream().limit(NODES_NAMED).collect(Collectors.joining(", "));
            return nodes.size() > NODES_NAMED ? named + " and " + (nodes.size() - NODES_NAMED) + " more" : named;
        }

        private String itself() {
            List<PressuredNode> own = byItself();
            return own.isEmpty()
                    ? ""
                    : "; busy mostly with " + service + " itself (capacity, not a neighbour): " + describe(own);
        }

        private String describe(List<PressuredNode> nodes) {
            String named = nodes.stream()
                    .limit(NODES_NAMED)
                    .map(n -> n.node() + " (" + figures(n) + ")")
                    .collect(Collectors.joining(", "));
            return nodes.size() > NODES_NAMED ? named + " and " + (nodes.size() - NODES_NAMED) + " more" : named;
        }

        private String figures(PressuredNode n) {
            List<String> parts = new ArrayList<>();
            if (n.busyPercent() != null) {
                parts.add("CPU " + percent(n.busyPercent()) + " busy");
            }
            if (n.stolenPercent() != null && n.stolenPercent() >= STEAL_PERCENT) {
                parts.add(percent(n.stolenPercent()) + " stolen by the hypervisor");
            }
            if (n.memoryUsablePercent() != null && n.memoryUsablePercent() <= MEMORY_USABLE_PERCENT) {
                parts.add("memory " + percent(n.memoryUsablePercent()) + " usable");
            }
            String own = service + " " + cores(n.ownCores()) + " cores";
            if (n.stallPercent() != null) {
                own += ", waiting for a CPU " + percent(n.stallPercent()) + " of the time";
            }
            parts.add(own);
            if (!n.neighbours().isEmpty()) {
                parts.add("heaviest neighbours "
                        + n.neighbours().stream()
                                .map(x -> x.name() + " " + cores(x.cores()) + " cores")
                                .collect(Collectors.joining(", ")));
            }
            return String.join("; ", parts);
        }
    }

    /** The finding for {@code service} from one round's readings. */
    public static Finding assess(String service, Readings readings) {
        Map<String, Double> ownCpu = new TreeMap<>();
        readings.placement().forEach((node, services) -> {
            Double cpu = services.get(service);
            if (cpu != null) {
                ownCpu.put(node, cpu);
            }
        });
        if (ownCpu.isEmpty()) {
            return new Finding(service, State.UNPLACED, List.of(), List.of(), List.of());
        }
        List<PressuredNode> pressured = new ArrayList<>();
        List<String> unmeasured = new ArrayList<>();
        for (Map.Entry<String, Double> placed : ownCpu.entrySet()) {
            if (!measured(placed.getKey(), readings)) {
                // A node that reports none of its figures is not known to be quiet.
                unmeasured.add(placed.getKey());
                continue;
            }
            PressuredNode node = pressure(service, placed.getKey(), placed.getValue(), readings);
            if (node != null) {
                pressured.add(node);
            }
        }
        pressured.sort(Comparator.comparingDouble(PressuredNode::othersCores)
                .reversed()
                .thenComparing(PressuredNode::node));
        boolean contended = pressured.stream().anyMatch(PressuredNode::byOthers);
        State state = contended ? State.CONTENDED : unmeasured.isEmpty() ? State.CLEAR : State.UNMEASURED;
        return new Finding(
                service, state, List.copyOf(ownCpu.keySet()), List.copyOf(pressured), List.copyOf(unmeasured));
    }

    private static boolean measured(String node, Readings r) {
        return r.idlePercent().get(node) != null
                || r.stolenPercent().get(node) != null
                || r.memoryUsable().get(node) != null;
    }

    /** The node's pressure figures, or null when it is not under pressure. */
    private static PressuredNode pressure(String service, String node, double ownNanocores, Readings r) {
        Double idle = r.idlePercent().get(node);
        Double busy = idle == null ? null : Math.max(0, 100 - idle);
        Double stolen = r.stolenPercent().get(node);
        Double usable =
                r.memoryUsable().get(node) == null ? null : r.memoryUsable().get(node) * 100;
        boolean underPressure = (busy != null && busy >= CPU_BUSY_PERCENT)
                || (stolen != null && stolen >= STEAL_PERCENT)
                || (usable != null && usable <= MEMORY_USABLE_PERCENT);
        if (!underPressure) {
            return null;
        }
        double others = 0;
        List<Neighbour> neighbours = new ArrayList<>();
        for (Map.Entry<String, Double> w :
                r.cpuByNode().getOrDefault(node, Map.of()).entrySet()) {
            if (w.getKey().equals(service) || w.getValue() == null) {
                continue;
            }
            others += w.getValue();
            String name = w.getKey().equals(UNTAGGED) ? "workloads without a service tag" : w.getKey();
            neighbours.add(new Neighbour(name, ContentionMetrics.cores(w.getValue())));
        }
        neighbours.sort(Comparator.comparingDouble(Neighbour::cores).reversed().thenComparing(Neighbour::name));
        Double stall = r.stall().getOrDefault(node, Map.of()).get(service);
        return new PressuredNode(
                node,
                busy,
                stolen,
                usable,
                ContentionMetrics.cores(ownNanocores),
                ContentionMetrics.cores(others),
                stall == null ? null : ContentionMetrics.stallPercent(stall),
                List.copyOf(neighbours.subList(0, Math.min(NEIGHBOURS_NAMED, neighbours.size()))));
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.0f%%", value);
    }

    private static String cores(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
