package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.Condition;
import dev.mimamori.servicemonitoring.NodeContention.Readings;
import dev.mimamori.status.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Contention condition a user reads, for nodes that report no node metrics. */
class ContentionConditionTest {
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void aClusterWithoutNodeMetricsGetsUnknownNotNoContention() {
        // container.cpu.usage places checkout on two nodes; system.* is missing for both.
        Readings readings = new Readings(
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of("node-a", Map.of("checkout", 1e9), "node-b", Map.of("checkout", 1e9)),
                Map.of("node-a", Map.of("checkout", 1e9), "node-b", Map.of("checkout", 1e9)),
                Map.of());
        ContentionCheck.Result result =
                new ContentionCheck.Result(NOW, NodeContention.assess("checkout", readings), null, null);

        List<Condition> conditions =
                ServiceMonitoringStatusBuilder.contentionCondition(new ArrayList<>(), result, 1L, NOW);

        Condition contention = conditions.stream()
                .filter(c -> Conditions.CONTENTION.equals(c.getType()))
                .findFirst()
                .orElseThrow();
        assertThat(contention.getStatus()).isEqualTo(Conditions.UNKNOWN);
        assertThat(contention.getReason()).isEqualTo("NodeMetricsMissing");
        assertThat(contention.getMessage()).contains("no node metrics", "node-a, node-b");
    }
}
