package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.servicemonitoring.NodeContention.Readings;
import dev.mimamori.servicemonitoring.NodeContention.State;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a service is told about its nodes, from readings as Datadog groups them (CPU in nanocores, stall in ns/s). */
class NodeContentionTest {
    static final double CORE = 1e9;

    final Map<String, Double> stolen = new HashMap<>();
    final Map<String, Double> idle = new HashMap<>();
    final Map<String, Double> usable = new HashMap<>();
    final Map<String, Map<String, Double>> cpu = new HashMap<>();
    final Map<String, Map<String, Double>> placement = new HashMap<>();
    final Map<String, Map<String, Double>> stall = new HashMap<>();

    void node(String node, double idlePercent, double stolenPercent, double usableFraction) {
        idle.put(node, idlePercent);
        stolen.put(node, stolenPercent);
        usable.put(node, usableFraction);
    }

    void runs(String node, String service, double cores, boolean inEnv) {
        cpu.computeIfAbsent(node, n -> new HashMap<>()).put(service, cores * CORE);
        if (inEnv) {
            placement.computeIfAbsent(node, n -> new HashMap<>()).put(service, cores * CORE);
        }
    }

    NodeContention.Finding checkout() {
        return NodeContention.assess("checkout", new Readings(stolen, idle, usable, cpu, placement, stall));
    }

    @Test
    void aBatchJobSaturatingTheNodeIsNamedWithTheNodeAndTheServicesWait() {
        node("node-a", 2, 0, 0.6);
        node("node-b", 70, 0, 0.6);
        runs("node-a", "checkout", 0.8, true);
        runs("node-b", "checkout", 0.7, true);
        runs("node-a", "N/A", 5.2, false);
        runs("node-a", "search", 1.1, false);
        runs("node-b", "search", 0.3, false);
        stall.put("node-a", Map.of("checkout", 0.31 * 1e9));

        NodeContention.Finding finding = checkout();

        assertThat(finding.state()).isEqualTo(State.CONTENDED);
        assertThat(finding.nodes()).containsExactly("node-a", "node-b");
        assertThat(finding.message())
                .isEqualTo("1 of 2 nodes running checkout are under pressure from other workloads: node-a (CPU 98%"
                        + " busy; checkout 0.8 cores, waiting for a CPU 31% of the time; heaviest neighbours"
                        + " workloads without a service tag 5.2 cores, search 1.1 cores)");
    }

    @Test
    void aNodeBusyMostlyWithTheServiceItselfIsCapacityNotANeighbour() {
        node("node-a", 5, 0, 0.6);
        runs("node-a", "checkout", 6, true);
        runs("node-a", "search", 0.5, false);

        NodeContention.Finding finding = checkout();

        assertThat(finding.state()).isEqualTo(State.CLEAR);
        assertThat(finding.message())
                .startsWith(
                        "none of the 1 nodes running checkout is under pressure from other workloads; busy mostly"
                                + " with checkout itself (capacity, not a neighbour): node-a (CPU 95% busy; checkout 6.0 cores");
    }

    @Test
    void stealIsAlwaysSomeoneElsesEvenWhenTheServiceIsTheMainUser() {
        node("node-a", 40, 25, 0.6);
        runs("node-a", "checkout", 3, true);

        NodeContention.Finding finding = checkout();

        assertThat(finding.state()).isEqualTo(State.CONTENDED);
        assertThat(finding.message())
                .contains("node-a (CPU 60% busy; 25% stolen by the hypervisor; checkout 3.0 cores)");
    }

    @Test
    void littleMemoryLeftOnANodeFullOfOthersIsPressure() {
        node("node-a", 60, 0, 0.04);
        runs("node-a", "checkout", 0.5, true);
        runs("node-a", "cache", 2, false);

        assertThat(checkout().message())
                .contains("node-a (CPU 40% busy; memory 4% usable; checkout 0.5 cores;"
                        + " heaviest neighbours cache 2.0 cores)");
    }

    @Test
    void quietNodesSayNothingMoreThanThat() {
        node("node-a", 60, 1, 0.6);
        runs("node-a", "checkout", 1, true);
        runs("node-a", "search", 1, false);

        NodeContention.Finding finding = checkout();

        assertThat(finding.state()).isEqualTo(State.CLEAR);
        assertThat(finding.message())
                .isEqualTo("none of the 1 nodes running checkout is under pressure from other workloads");
    }

    @Test
    void aServiceOfAnotherEnvOnTheSameNodesIsNotPlacedByThem() {
        node("node-a", 2, 0, 0.6);
        runs("node-a", "checkout", 1, false);

        NodeContention.Finding finding = checkout();

        assertThat(finding.state()).isEqualTo(State.UNPLACED);
        assertThat(finding.message()).contains("no container CPU (container.cpu.usage) for checkout");
    }

    @Test
    void nodesWithoutNodeMetricsAreUnknownNotQuiet() {
        runs("node-a", "checkout", 1, true);
        runs("node-b", "checkout", 1, true);
        runs("node-a", "batch", 8, false);

        NodeContention.Finding finding = checkout();

        assertThat(finding.state()).isEqualTo(State.UNMEASURED);
        assertThat(finding.message())
                .isEqualTo("Datadog has no node metrics (system.cpu.idle, system.cpu.stolen, system.mem.pct_usable)"
                        + " for 2 of the 2 nodes running checkout (node-a, node-b), so whether they are under"
                        + " pressure is unknown: check that the Agent's system check runs on every node and that"
                        + " the contention scope matches their tags");
    }

    @Test
    void quietNodesBesideUnmeasuredOnesDoNotMakeTheAnswerNo() {
        node("node-a", 60, 1, 0.6);
        runs("node-a", "checkout", 1, true);
        runs("node-b", "checkout", 1, true);

        NodeContention.Finding finding = checkout();

        assertThat(finding.state()).isEqualTo(State.UNMEASURED);
        assertThat(finding.message())
                .startsWith("Datadog has no node metrics (system.cpu.idle, system.cpu.stolen, system.mem.pct_usable)"
                        + " for 1 of the 2 nodes running checkout (node-b)")
                .endsWith("; the other 1 is not under pressure from other workloads");
    }

    @Test
    void aNeighbourOnAMeasuredNodeIsReportedAndTheUnmeasuredNodesNamed() {
        node("node-a", 2, 0, 0.6);
        runs("node-a", "checkout", 0.5, true);
        runs("node-a", "batch", 6, false);
        runs("node-b", "checkout", 0.5, true);

        NodeContention.Finding finding = checkout();

        assertThat(finding.state()).isEqualTo(State.CONTENDED);
        assertThat(finding.message())
                .startsWith("1 of 2 nodes running checkout are under pressure from other workloads: node-a")
                .endsWith("; no node metrics for node-b");
    }

    @Test
    void oneNodeMetricIsEnoughToJudgeANode() {
        usable.put("node-a", 0.6);
        runs("node-a", "checkout", 1, true);

        assertThat(checkout().state()).isEqualTo(State.CLEAR);
    }

    @Test
    void atMostThreeNodesAreNamedTheBusiestNeighboursFirst() {
        for (int i = 1; i <= 5; i++) {
            node("node-" + i, 1, 0, 0.6);
            runs("node-" + i, "checkout", 0.5, true);
            runs("node-" + i, "batch", i, false);
        }

        String message = checkout().message();

        assertThat(message).startsWith("5 of 5 nodes running checkout are under pressure from other workloads: node-5");
        assertThat(message)
                .contains("node-4", "node-3")
                .doesNotContain("node-2 (", "node-1 (")
                .endsWith(" and 2 more");
    }
}
