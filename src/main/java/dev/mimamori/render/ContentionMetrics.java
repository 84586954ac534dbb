package dev.mimamori.render;

/**
 * The Datadog Agent metrics that tell contention from load, with the unit each arrives in and the grouped queries
 * that read them for a whole cluster. One place for their names, so every check reading them agrees (sources and
 * cluster requirements: docs/servicemonitoring.md, "Contention"). Pure.
 */
public final class ContentionMetrics {
    /** The tag every Agent metric carries: the node the Agent runs on. */
    public static final String NODE_TAG = "host";

    public static final String SERVICE_TAG = "service";

    /** Container check, cgroup v2 {@code cpu.pressure} "some" total: nanoseconds stalled per second. */
    public static final String CONTAINER_CPU_STALL = "container.cpu.partial_stall";

    /** Container check: CPU used, in nanocores. */
    public static final String CONTAINER_CPU_USAGE = "container.cpu.usage";

    /** CPU check: share of time the hypervisor gave this node's virtual CPUs to someone else, in percent. */
    public static final String NODE_CPU_STOLEN = "system.cpu.stolen";

    /** CPU check: idle share of the node's CPUs, in percent. */
    public static final String NODE_CPU_IDLE = "system.cpu.idle";

    /** Memory check: usable share of the node's memory, a fraction from 0 to 1. */
    public static final String NODE_MEMORY_USABLE = "system.mem.pct_usable";

    private static final double NANOS_PER_SECOND = 1e9;

    private ContentionMetrics() {}

    /** One value per node: {@code avg:<metric>{<scope>} by {host}}. */
    public static String perNode(String metric, String scope) {
        return "avg:" + metric + "{" + scope + "} by {" + NODE_TAG + "}";
    }

    /** CPU used by every workload on every node: {@code sum:container.cpu.usage{<scope>} by {host,service}}. */
    public static String cpuPerNodeAndService(String scope) {
        return "sum:" + CONTAINER_CPU_USAGE + "{" + scope + "} by {" + NODE_TAG + "," + SERVICE_TAG + "}";
    }

    /** The mean CPU stall of each service's containers on each node, in one env. */
    public static String stallPerNodeAndService(String env) {
        return "avg:" + CONTAINER_CPU_STALL + "{env:" + env + "} by {" + NODE_TAG + "," + SERVICE_TAG + "}";
    }

    /** Where each service of an env runs: its CPU per node, which also tells the nodes apart from its neighbours. */
    public static String placement(String env) {
        return cpuPerNodeAndService("env:" + env);
    }

    public static double cores(double nanocores) {
        return nanocores / NANOS_PER_SECOND;
    }

    /** A stall rate (nanoseconds per second) as the percentage of time spent waiting. */
    public static double stallPercent(double nanosPerSecond) {
        return nanosPerSecond / NANOS_PER_SECOND * 100;
    }
}
