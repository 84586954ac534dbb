package dev.mimamori.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scripted cluster as the Datadog Agent reports it: nodes with a number of CPUs, the containers on them with the CPU
 * they ask for, and the series the Agent's checks send. Every series carries the {@code host} tag of its node, as the
 * Agent's own metrics do; containers add the {@code service} and {@code env} tags of unified service tagging when they
 * have them. When the containers on a node ask for more CPU than it has left after steal, each gets a proportional
 * share and waits the rest of the time, which is what cgroup v2 CPU pressure ("some") measures. Thread-safe.
 */
final class SimulatedNodes {
    static final String STOLEN = "system.cpu.stolen";
    static final String IDLE = "system.cpu.idle";
    static final String MEMORY_USABLE = "system.mem.pct_usable";
    static final String CPU_USAGE = "container.cpu.usage";
    static final String CPU_STALL = "container.cpu.partial_stall";
    private static final double NANOS = 1e9;

    /** One series as the Agent sends it: its tags and its (steady) value. */
    record Series(Map<String, String> tags, double value) {}

    private record Node(double cpus, double stolenPercent, double memoryUsable) {}

    /** {@code since} is null for a container that was always there. */
    private record Container(String node, String name, String service, String env, double cpuDemand, Long since) {

        /** Its demand averaged over [from, to): a container that came during the range counts for the part it ran. */
        double demandOver(long from, long to) {
            if (since == null || since <= from || to <= from) {
                return cpuDemand;
            }
            return cpuDemand * Math.max(0, to - since) / (double) (to - from);
        }
    }

    private final Map<String, Node> nodes = new TreeMap<>();
    private final Map<String, Container> containers = new LinkedHashMap<>();

    synchronized void node(String name, double cpus, double stolenPercent, double memoryUsableFraction) {
        nodes.put(name, new Node(cpus, stolenPercent, memoryUsableFraction));
    }

    /** A container asking for {@code cores} of CPU; service and env may be null, as for an untagged batch job. */
    synchronized void container(String node, String name, String service, String env, double cores) {
        if (!nodes.containsKey(node)) {
            throw new IllegalArgumentException("no node " + node + ": declare it first");
        }
        container(node, name, service, env, cores, null);
    }

    /** A container that starts at {@code sinceMs}: a range before it does not see it, one across it partly. */
    synchronized void container(String node, String name, String service, String env, double cores, Long sinceMs) {
        if (!nodes.containsKey(node)) {
            throw new IllegalArgumentException("no node " + node + ": declare it first");
        }
        containers.put(name, new Container(node, name, service, env, cores, sinceMs));
    }

    synchronized void remove(String container) {
        containers.remove(container);
    }

    synchronized void clear() {
        nodes.clear();
        containers.clear();
    }

    synchronized boolean knows(String metric) {
        return !nodes.isEmpty()
                && List.of(STOLEN, IDLE, MEMORY_USABLE, CPU_USAGE, CPU_STALL).contains(metric);
    }

    /** Every series of the metric averaged over [fromMs, toMs), one per node or per container that ran in it. */
    synchronized List<Series> series(String metric, long fromMs, long toMs) {
        List<Series> all = new ArrayList<>();
        for (Map.Entry<String, Node> e : nodes.entrySet()) {
            String host = e.getKey();
            Node node = e.getValue();
            double available = node.cpus() * (1 - node.stolenPercent() / 100);
            double demand = containers.values().stream()
                    .filter(c -> c.node().equals(host))
                    .mapToDouble(c -> c.demandOver(fromMs, toMs))
                    .sum();
            double share = demand <= available || demand == 0 ? 1 : available / demand;
            double used = demand * share;
            switch (metric) {
                case STOLEN -> all.add(new Series(Map.of("host", host), node.stolenPercent()));
                case IDLE ->
                    all.add(new Series(
                            Map.of("host", host), Math.max(0, 100 - node.stolenPercent() - used / node.cpus() * 100)));
                case MEMORY_USABLE -> all.add(new Series(Map.of("host", host), node.memoryUsable()));
                default -> {
                    for (Container c : containers.values()) {
                        double asked = c.demandOver(fromMs, toMs);
                        if (!c.node().equals(host) || asked == 0) {
                            continue;
                        }
                        Map<String, String> tags = new TreeMap<>();
                        tags.put("host", host);
                        tags.put("container_name", c.name());
                        if (c.service() != null) {
                            tags.put("service", c.service());
                        }
                        if (c.env() != null) {
                            tags.put("env", c.env());
                        }
                        double value = metric.equals(CPU_USAGE) ? asked * share * NANOS : (1 - share) * NANOS;
                        all.add(new Series(tags, value));
                    }
                }
            }
        }
        return all;
    }
}
