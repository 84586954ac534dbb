package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.datadog.DatadogClient;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.ManualClock;
import dev.mimamori.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contention round against the simulator's scripted cluster: its cost, and what each service is told. */
class ContentionCheckTest {
    static final Duration INTERVAL = Duration.ofMinutes(5);

    final DatadogSimulator sim = new DatadogSimulator();
    final Set<String> woken = new HashSet<>();
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    ContentionCheck check;

    @BeforeEach
    void start() {
        sim.setClock(clock);
        sim.start();
        DatadogClient datadog = new DatadogClient(
                new TestConfig(sim.url(), "test-api-key", "test-app-key", Duration.ofSeconds(5)),
                new SimpleMeterRegistry());
        check = new ContentionCheck(datadog, clock, INTERVAL, Duration.ofSeconds(10), "*", () -> true, woken::addAll);
        // Two nodes of 8 CPUs; checkout runs on both, search on node-b.
        sim.scriptNode("node-a", 8, 0, 0.6);
        sim.scriptNode("node-b", 8, 0, 0.6);
        sim.scriptContainer("node-a", "checkout-1", "checkout", "prod", 1);
        sim.scriptContainer("node-b", "checkout-2", "checkout", "prod", 1);
        sim.scriptContainer("node-b", "search-1", "search", "prod", 2);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void aBatchJobLandingOnAServicesNodeSetsContentionNamingNodeAndJob() {
        check.resultFor("shop/checkout", "checkout", "prod");
        check.resultFor("shop/search", "search", "prod");
        assertThat(check.run()).containsExactlyInAnyOrder("shop/checkout", "shop/search");
        assertThat(state("shop/checkout", "checkout")).isEqualTo(NodeContention.State.CLEAR);

        sim.startBatchJob("node-a", "etl-28374", 12);
        woken.clear();
        clock.advance(INTERVAL);
        check.run();

        assertThat(woken).as("only the service on node-a is told").containsExactly("shop/checkout");
        ContentionCheck.Result result = check.resultFor("shop/checkout", "checkout", "prod");
        assertThat(result.finding().state()).isEqualTo(NodeContention.State.CONTENDED);
        assertThat(result.finding().message())
                .isEqualTo("1 of 2 nodes running checkout are under pressure from other workloads: node-a (CPU 100%"
                        + " busy; checkout 0.6 cores, waiting for a CPU 38% of the time; heaviest neighbours"
                        + " workloads without a service tag 7.4 cores)");

        sim.stopContainer("etl-28374");
        clock.advance(INTERVAL);
        check.run();
        assertThat(state("shop/checkout", "checkout")).isEqualTo(NodeContention.State.CLEAR);
    }

    @Test
    void aRoundCostsTwoRequestsWhateverTheNumberOfServices() {
        for (int i = 0; i < 200; i++) {
            check.resultFor("ns/svc-" + i, "svc-" + i, i % 2 == 0 ? "prod" : "staging");
        }
        check.resultFor("shop/checkout", "checkout", "prod");

        check.run();

        assertThat(sim.calls(DatadogSimulator.QUERY_SCALAR)).isEqualTo(2);
        assertThat(state("ns/svc-8", "svc-8")).isEqualTo(NodeContention.State.UNPLACED);
        assertThat(state("shop/checkout", "checkout")).isEqualTo(NodeContention.State.CLEAR);
    }

    @Test
    void nothingIsAskedBeforeTheIntervalUnlessANewServiceWaits() {
        check.resultFor("shop/checkout", "checkout", "prod");
        check.run();
        clock.advance(Duration.ofMinutes(1));
        assertThat(check.run()).isEmpty();
        assertThat(sim.calls(DatadogSimulator.QUERY_SCALAR)).isEqualTo(2);

        check.resultFor("shop/search", "search", "prod");
        check.run();
        assertThat(sim.calls(DatadogSimulator.QUERY_SCALAR)).isEqualTo(4);
        assertThat(state("shop/search", "search")).isEqualTo(NodeContention.State.CLEAR);
    }

    @Test
    void whenDatadogDoesNotAnswerTheLastFindingStaysWithTheProblem() {
        check.resultFor("shop/checkout", "checkout", "prod");
        check.run();
        sim.failNext(DatadogSimulator.QUERY_SCALAR, 10, 503);
        clock.advance(INTERVAL);
        woken.clear();

        check.run();

        ContentionCheck.Result result = check.resultFor("shop/checkout", "checkout", "prod");
        assertThat(woken).containsExactly("shop/checkout");
        assertThat(result.finding().state()).isEqualTo(NodeContention.State.CLEAR);
        assertThat(result.problemReason()).isEqualTo("DatadogUnavailable");
    }

    @Test
    void anAnswerThatDidNotChangeWakesNobody() {
        check.resultFor("shop/checkout", "checkout", "prod");
        check.run();
        clock.advance(INTERVAL);
        woken.clear();

        check.run();

        assertThat(woken).isEmpty();
    }

    @Test
    void theScopeSettingNarrowsTheClusterWideQueriesAndEnvsNarrowThePlacement() {
        ContentionCheck scoped = new ContentionCheck(
                null, clock, INTERVAL, Duration.ofSeconds(10), "kube_cluster_name:eu-1", () -> true, woken::addAll);
        assertThat(scoped.queries(Set.of("prod")))
                .isEqualTo(List.of(
                        List.of(
                                "avg:system.cpu.stolen{kube_cluster_name:eu-1} by {host}",
                                "avg:system.cpu.idle{kube_cluster_name:eu-1} by {host}",
                                "avg:system.mem.pct_usable{kube_cluster_name:eu-1} by {host}"),
                        List.of(
                                "sum:container.cpu.usage{kube_cluster_name:eu-1} by {host,service}",
                                "sum:container.cpu.usage{env:prod} by {host,service}",
                                "avg:container.cpu.partial_stall{env:prod} by {host,service}")));
    }

    private NodeContention.State state(String owner, String service) {
        return check.resultFor(owner, service, "prod").finding().state();
    }
}
