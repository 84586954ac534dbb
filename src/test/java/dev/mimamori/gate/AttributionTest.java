package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.OnNeighbour;
import dev.mimamori.datadog.DatadogException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributionTest {
    /** checkout alone on node-a, 4 cores: 1 core for 100 requests/s, the node 35% busy, a light neighbour. */
    static final Attribution.Window QUIET = window(100, 1.0, 2, 35, Map.of("node-a", Map.of("cache", 0.4)));

    /** Both windows quiet: what a regression on a quiet node reads. */
    static final GateAttribution.Reply QUIET_NODE = new GateAttribution.Reply(QUIET, QUIET, null);

    static Attribution.Window window(
            double requestsPerSecond,
            double ownCores,
            double waitPercent,
            double busyPercent,
            Map<String, Map<String, Double>> others) {
        return new Attribution.Window(
                requestsPerSecond,
                Map.of("node-a", ownCores),
                Map.of("node-a", waitPercent),
                Map.of("node-a", busyPercent, "node-b", 10.0),
                others);
    }

    @Test
    void aNeighbourThatTookTheNodesCpuWhileTheCostPerRequestStayedIsNamed() {
        Attribution.Window during =
                window(100, 1.0, 30, 99, Map.of("node-a", Map.of("cache", 0.4, "N/A", 2.6, "nightly-etl", 0.2)));

        Attribution.Finding f = Attribution.attribute("checkout", QUIET, during);

        assertThat(f.cause()).isEqualTo(Attribution.Cause.Neighbour);
        assertThat(f.status().nodes).containsExactly("node-a");
        assertThat(f.status().baselineNeighbourCores).isEqualTo(0.4);
        assertThat(f.status().candidateNeighbourCores).isEqualTo(3.2);
        assertThat(f.status().neighbours)
                .extracting(n -> n.name + "@" + n.node + "=" + n.candidateCores + " was " + n.baselineCores)
                .containsExactly(
                        "workloads without a service tag@node-a=2.6 was 0.0",
                        "cache@node-a=0.4 was 0.4",
                        "nightly-etl@node-a=0.2 was 0.0");
        assertThat(f.status().message)
                .startsWith("a neighbour: other workloads on node-a used 3.20 cores (was 0.40)")
                .contains("99% busy (was 35%)")
                .contains("CPU per request 10 -> 10 millicores per request/s (+0%)");
    }

    @Test
    void aReleaseThatCostsMoreCpuPerRequestIsTheReleasesEvenOnABusyNode() {
        Attribution.Window during = window(100, 1.5, 30, 99, Map.of("node-a", Map.of("N/A", 2.6)));

        Attribution.Finding f = Attribution.attribute("checkout", QUIET, during);

        assertThat(f.cause()).isEqualTo(Attribution.Cause.Release);
        assertThat(f.status().message).startsWith("the release: checkout's CPU per request 10 -> 15");
        assertThat(f.status().candidateCpuPerRequest).isEqualTo(15.0);
    }

    @Test
    void aSlowerReleaseOnAQuietNodeIsTheReleases() {
        Attribution.Finding f = Attribution.attribute("checkout", QUIET, QUIET);

        assertThat(f.cause()).isEqualTo(Attribution.Cause.Release);
        assertThat(f.status().message).startsWith("the release: neither a neighbour nor load explains it");
    }

    @Test
    void moreLoadAndMoreCpuWaitWithQuietNeighboursIsCapacity() {
        Attribution.Window busier = window(150, 1.5, 20, 60, Map.of("node-a", Map.of("cache", 0.4)));

        Attribution.Finding f = Attribution.attribute("checkout", QUIET, busier);

        assertThat(f.cause()).isEqualTo(Attribution.Cause.Capacity);
        assertThat(f.status().message).startsWith("capacity: checkout served 100 -> 150 requests/s");
        assertThat(f.status().candidateCpuWaitPercent).isEqualTo(20.0);
    }

    @Test
    void neighboursThatGrewOnAnIdleNodeDoNotExcuseARegression() {
        Attribution.Window during = window(100, 1.0, 2, 50, Map.of("node-a", Map.of("cache", 1.4)));

        assertThat(Attribution.attribute("checkout", QUIET, during).cause()).isEqualTo(Attribution.Cause.Release);
    }

    @Test
    void withoutRequestsTheCostIsTheServicesCores() {
        Attribution.Window before =
                new Attribution.Window(Double.NaN, Map.of("node-a", 1.0), Map.of(), Map.of("node-a", 35.0), Map.of());
        Attribution.Window after = new Attribution.Window(
                Double.NaN,
                Map.of("node-a", 1.0),
                Map.of(),
                Map.of("node-a", 97.0),
                Map.of("node-a", Map.of("N/A", 3.0)));

        Attribution.Finding f = Attribution.attribute("checkout", before, after);

        assertThat(f.cause()).isEqualTo(Attribution.Cause.Neighbour);
        assertThat(f.status().message).contains("cores (requests unknown)");
        assertThat(f.status().baselineRequestsPerSecond).isNull();
    }

    @Test
    void aBatchJobThatTookTheCpuASlowerReleaseLeftIsNoNeighbour() {
        // The node is full of a batch job in both windows; a release that waits on a lock uses less CPU, the batch
        // job takes what it leaves, and nothing made the service wait longer for a CPU.
        Attribution.Window before = window(100, 3.0, 4, 98, Map.of("node-a", Map.of("nightly-etl", 0.9)));
        Attribution.Window after = window(100, 2.0, 4, 98, Map.of("node-a", Map.of("nightly-etl", 1.9)));

        Attribution.Finding f = Attribution.attribute("checkout", before, after);

        assertThat(f.cause()).isEqualTo(Attribution.Cause.Release);
        assertThat(f.status().message).startsWith("the release: neither a neighbour nor load explains it");
    }

    @Test
    void aNodeThatWasAlreadyBusyWithoutCpuWaitDataIsNoNeighbour() {
        Attribution.Window before = new Attribution.Window(
                100.0, Map.of("node-a", 1.0), Map.of(), Map.of("node-a", 90.0), Map.of("node-a", Map.of("N/A", 2.0)));
        Attribution.Window after = new Attribution.Window(
                100.0, Map.of("node-a", 1.0), Map.of(), Map.of("node-a", 91.0), Map.of("node-a", Map.of("N/A", 2.6)));

        assertThat(Attribution.attribute("checkout", before, after).cause()).isEqualTo(Attribution.Cause.Release);
    }

    @Test
    void aBaselineWindowWithoutContainerDataCannotExcuseARegression() {
        // Datadog has nothing for the window before the rollout (the Agent's container check was just enabled):
        // a rise of the release's own CPU cannot be seen, so no neighbour can be blamed.
        Attribution.Window nothing = new Attribution.Window(100.0, Map.of(), Map.of(), Map.of(), Map.of());
        Attribution.Window during = window(100, 2.0, 30, 99, Map.of("node-a", Map.of("N/A", 2.6)));

        Attribution.Finding f = Attribution.attribute("checkout", nothing, during);
        GateAttribution.Decision d = GateAttribution.decide(
                new GateAttribution.Reply(nothing, during, null), "checkout", null, "p95 +40%: failed");

        assertThat(f.cause()).isEqualTo(Attribution.Cause.Unknown);
        assertThat(f.status().message).contains("no container CPU for checkout in the baseline window");
        assertThat(d.verdict()).isEqualTo(Verdict.Failed);
        assertThat(d.warning()).isNull();
    }

    @Test
    void noContainerDataLeavesTheCauseUnknown() {
        Attribution.Window none = new Attribution.Window(100.0, Map.of(), Map.of(), Map.of(), Map.of());

        Attribution.Finding f = Attribution.attribute("checkout", QUIET, none);

        assertThat(f.cause()).isEqualTo(Attribution.Cause.Unknown);
        assertThat(f.status().message).contains("no container CPU for checkout");
    }

    @Test
    void aNeighbourVerdictIsInconclusiveWithAWarningUnlessTheSpecSaysFail() {
        Attribution.Window during = window(100, 1.0, 30, 99, Map.of("node-a", Map.of("N/A", 3.0)));
        GateAttribution.Reply reply = new GateAttribution.Reply(QUIET, during, null);
        String summary = "p95 latency (ms) +40% (100 -> 140, p=0.0001): failed";

        GateAttribution.Decision byDefault = GateAttribution.decide(reply, "checkout", null, summary);
        GateAttribution.Decision fail = GateAttribution.decide(reply, "checkout", OnNeighbour.Fail, summary);

        assertThat(byDefault.verdict()).isEqualTo(Verdict.Inconclusive);
        assertThat(byDefault.summary())
                .isEqualTo("p95 latency (ms) +40% (100 -> 140, p=0.0001): inconclusive, a neighbour is the likelier"
                        + " cause (node node-a; heaviest neighbours: workloads without a service tag on node-a 3.00"
                        + " cores (was 0.00))");
        assertThat(byDefault.warning()).contains("node node-a").contains("workloads without a service tag");
        assertThat(fail.verdict()).isEqualTo(Verdict.Failed);
        assertThat(fail.summary()).endsWith(": failed (attributed to a neighbour)");
        assertThat(fail.warning()).isNull();
    }

    @Test
    void unreadableNodeDataKeepsTheFailedVerdict() {
        GateAttribution.Reply failed = new GateAttribution.Reply(
                null, null, new DatadogException(DatadogException.Kind.UNAVAILABLE, "HTTP 503 from Datadog", null));

        GateAttribution.Decision d = GateAttribution.decide(failed, "checkout", null, "x: failed");

        assertThat(d.verdict()).isEqualTo(Verdict.Failed);
        assertThat(d.attribution().cause).isEqualTo("Unknown");
        assertThat(d.attribution().message).contains("HTTP 503");
    }

    @Test
    void theRequestCountsRequestsWithTheGateMetricsTraceOperation() {
        dev.mimamori.api.GateMetric errors = new dev.mimamori.api.GateMetric();
        errors.name = "error rate";
        errors.query = "sum:trace.web.request.errors{service:${service}}.as_count() / "
                + "sum:trace.web.request.hits{service:${service}}.as_count()";

        assertThat(GateAttribution.traceOperation(java.util.List.of(ReleaseCheckStepTest.latency(), errors)))
                .isEqualTo("web.request");
        assertThat(GateAttribution.traceOperation(java.util.List.of(ReleaseCheckStepTest.latency())))
                .isNull();
    }
}
