package dev.mimamori.gate;

import static dev.mimamori.gate.ReleaseCheckStepTest.T0;
import static dev.mimamori.gate.ReleaseCheckStepTest.at;
import static dev.mimamori.gate.ReleaseCheckStepTest.latency;
import static dev.mimamori.gate.ReleaseCheckStepTest.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.ActionStatus;
import dev.mimamori.api.Comparison;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ReleaseCheckStatus;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.MetricSeries;
import dev.mimamori.tenancy.TenantRules;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The concurrent comparison's transitions, without Kubernetes or Datadog: Deployment checkout (3 replicas, the default
 * rolling update) rolls out revision 2 (1.1.0) over revision 1 (1.0.0) at T0. The hold begins at T0+1m, once a 1.1.0
 * pod is ready; at the defaults both versions are then compared over T0+3m..T0+18m and the verdict is due at T0+20m.
 */
class ConcurrentHoldStepTest {
    static final long MINUTE = 60_000;
    static final Instant HELD_AT = at(1);

    ReleaseCheckSpec spec = spec();
    Deployment deployment = ReleaseCheckStepTest.deployment(2);
    int newReady = 1;
    int oldWanted = 3;

    ConcurrentHoldStepTest() {
        deployment.getSpec().setReplicas(3);
    }

    static ReleaseCheckSpec spec() {
        ReleaseCheckSpec spec = ReleaseCheckStepTest.spec();
        spec.comparison = Comparison.Concurrent;
        spec.onFailure = OnFailure.Rollback;
        return spec;
    }

    List<ReplicaSet> replicaSets() {
        ReplicaSet old = ReleaseCheckStepTest.replicaSet(1, "1.0.0", T0.minus(Duration.ofHours(3)));
        old.getSpec().setReplicas(oldWanted);
        ReplicaSet current = ReleaseCheckStepTest.replicaSet(2, "1.1.0", T0.minusSeconds(10));
        current.getSpec().setReplicas(1);
        current.setStatus(new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus());
        current.getStatus().setReadyReplicas(newReady);
        return List.of(old, current);
    }

    Observations observations() {
        return new Observations(
                spec,
                "shop",
                "checkout-check",
                1L,
                T0,
                null,
                deployment,
                replicaSets(),
                new Observations.Tenancy(
                        new TenantRules(
                                "TenantPolicy \"shop\"",
                                List.of("checkout"),
                                List.of("prod"),
                                List.of("shop"),
                                List.of(),
                                true,
                                null,
                                null,
                                null,
                                List.of("default"),
                                true),
                        null),
                new Observations.GateMetricsLookup(List.of(latency()), null, null),
                null,
                null,
                null,
                AttributionTest.QUIET_NODE);
    }

    Observations holdDone(ActionPlan.Result result) {
        return observations().withHoldDone(new ActionPlan.Done(result, "paused"));
    }

    /** Both versions at the same minutes, from T0 to T0+20m: what Datadog returns for the concurrent window. */
    static List<MetricSeries> sameMinutes(IntToDoubleFunction old, IntToDoubleFunction current) {
        int points = 21;
        long[] times = new long[points];
        double[] a = new double[points];
        double[] b = new double[points];
        for (int i = 0; i < points; i++) {
            times[i] = T0.toEpochMilli() + i * MINUTE;
            a[i] = old.applyAsDouble(i);
            b[i] = current.applyAsDouble(i);
        }
        return List.of(new MetricSeries("old", times, a), new MetricSeries("new", times, b));
    }

    Observations withSeries(List<MetricSeries> series) {
        return observations().withDatadog(new Observations.DatadogReply(series, null));
    }

    /** The Deployment as the cache shows it once the hold's patch landed. */
    void pausedByTheCheck() {
        Map<String, String> annotations = new HashMap<>(deployment.getMetadata().getAnnotations());
        annotations.put(CanaryHold.HELD_BY, RolloutActions.mark("checkout-check", 2L));
        deployment.getMetadata().setAnnotations(annotations);
        deployment.getSpec().setPaused(true);
    }

    ReleaseCheckStatus held() {
        ReleaseCheckStatus status = ReleaseCheckStep.next(null, holdDone(ActionPlan.Result.DONE), HELD_AT)
                .status();
        assertThat(status.hold).isEqualTo(CanaryHold.HELD);
        pausedByTheCheck();
        return status;
    }

    ReleaseCheckStatus failedWhileHeld() {
        List<MetricSeries> regressed = sameMinutes(i -> 100 + i % 5, i -> 200 + (3 * i) % 5);
        ReleaseCheckStatus failed =
                ReleaseCheckStep.next(held(), withSeries(regressed), at(20)).status();
        assertThat(failed.verdict).isEqualTo("Failed");
        return failed;
    }

    @Test
    void untilANewPodIsReadyTheCheckWaitsWithoutHoldingOrQuerying() {
        newReady = 0;
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, observations(), at(0));

        assertThat(step.action()).isNull();
        assertThat(step.status().release.mode).isEqualTo("Concurrent");
        assertThat(step.status().hold).isNull();
        assertThat(step.status().phase).isEqualTo("Pending");
        assertThat(step.status().message).contains("first ready pod of revision 2");
        assertThat(step.lookAgainIn()).isEqualTo(ReleaseCheckStep.READY_POLL);
        assertThat(step.notices()).anySatisfy(n -> assertThat(n.message()).contains("over the same minutes"));
    }

    @Test
    void aReadyNewPodHoldsTheRolloutAndTheWindowsStartFromTheHold() {
        ReleaseCheckStep.Step ask = ReleaseCheckStep.next(null, observations(), HELD_AT);
        assertThat(ask.action()).isEqualTo(new ReleaseCheckStep.HoldRollout(2L));

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, holdDone(ActionPlan.Result.DONE), HELD_AT);
        assertThat(step.action()).isNull();
        assertThat(step.status().hold).isEqualTo(CanaryHold.HELD);
        assertThat(step.status().startedAt).isEqualTo(HELD_AT.toString());
        assertThat(step.status().phase).isEqualTo("Pending");
        assertThat(step.status().message).contains("analysis starts at " + at(6));
        assertThat(step.notices()).anySatisfy(n -> {
            assertThat(n.reason()).isEqualTo("RolloutHeld");
            assertThat(n.message()).contains("1 1.1.0 and 0 1.0.0 pods ready");
        });
    }

    @Test
    void bothVersionsAreQueriedOverTheSameMinutes() {
        ReleaseCheckStep.Step ask = ReleaseCheckStep.next(held(), observations(), at(8));

        assertThat(ask.action()).isInstanceOfSatisfying(ReleaseCheckStep.Query.class, q -> {
            assertThat(q.queries())
                    .containsExactly(
                            "p95:trace.http.request{service:checkout,env:prod,version:1.0.0}",
                            "p95:trace.http.request{service:checkout,env:prod,version:1.1.0}");
            // The old version's own history before the hold feeds the dependence estimate only.
            assertThat(q.from())
                    .isEqualTo(AnalysisWindows.concurrent(HELD_AT, AnalysisSettings.of(null))
                            .historyFrom());
            assertThat(q.to()).isEqualTo(at(8));
        });
        ReleaseCheckStatus status = ReleaseCheckStep.next(
                        held(), withSeries(sameMinutes(i -> 100 + i % 5, i -> 100 + i % 7)), at(8))
                .status();
        assertThat(status.metrics).singleElement().satisfies(m -> {
            assertThat(m.baselineCount).isEqualTo(3);
            assertThat(m.candidateCount).isEqualTo(3);
        });
    }

    @Test
    void aRegressionSideBySideRollsBackAndTheRollbackLiftsTheHold() {
        ReleaseCheckStatus failed = failedWhileHeld();
        ReleaseCheckStep.Step act = ReleaseCheckStep.next(failed, observations(), at(20));
        assertThat(act.action())
                .isInstanceOfSatisfying(
                        ReleaseCheckStep.CarryOut.class,
                        c -> assertThat(c.plan().type()).isEqualTo(OnFailure.Rollback));

        ReleaseCheckStep.Step acted = ReleaseCheckStep.next(
                failed,
                observations().withActionDone(new ActionPlan.Done(ActionPlan.Result.DONE, "rolled back to revision 1")),
                at(20));
        assertThat(acted.status().hold).isEqualTo(CanaryHold.LIFTED);
        assertThat(acted.status().action.result).isEqualTo(ActionStatus.DONE);
        assertThat(acted.lookAgainIn()).isNull();
    }

    @Test
    void aPassedVerdictLiftsTheHoldAndPauseKeepsAFailedOneHeld() {
        ReleaseCheckStatus passed = ReleaseCheckStep.next(
                        held(), withSeries(sameMinutes(i -> 100 + i % 5, i -> 100 + i % 7)), at(20))
                .status();
        assertThat(passed.verdict).isEqualTo("Passed");
        ReleaseCheckStatus released = ReleaseCheckStep.next(
                        passed,
                        observations().withActionDone(new ActionPlan.Done(ActionPlan.Result.DONE, "annotated")),
                        at(20))
                .status();
        assertThat(released.hold).isEqualTo(CanaryHold.LIFTED);

        spec.onFailure = OnFailure.Pause;
        deployment = ReleaseCheckStepTest.deployment(2);
        ReleaseCheckStatus failed = failedWhileHeld();
        ReleaseCheckStatus paused = ReleaseCheckStep.next(
                        failed,
                        observations().withActionDone(new ActionPlan.Done(ActionPlan.Result.DONE, "paused")),
                        at(20))
                .status();
        assertThat(paused.hold).isEqualTo(CanaryHold.KEPT);
    }

    @Test
    void aRollbackThatFailsKeepsTheBadVersionHeldInsteadOfReleasingIt() {
        ReleaseCheckStatus failed = failedWhileHeld();
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(
                failed,
                observations().withActionDone(new ActionPlan.Done(ActionPlan.Result.FAILED, "no ReplicaSet")),
                at(20));
        assertThat(step.status().phase).isEqualTo("Error");
        assertThat(step.status().hold).isEqualTo(CanaryHold.KEPT);

        ReleaseCheckStep.Step later = ReleaseCheckStep.next(step.status(), observations(), at(30));
        assertThat(later.action()).isNull();
    }

    @Test
    void aCheckEndingWithoutAVerdictLiftsItsHold() {
        ReleaseCheckStep.Step rejected = ReleaseCheckStep.next(
                held(),
                observations()
                        .withDatadog(new Observations.DatadogReply(
                                null, new DatadogException(DatadogException.Kind.REJECTED, "bad query", null))),
                at(8));
        assertThat(ready(rejected.status())).isEqualTo("QueryRejected");
        assertThat(rejected.status().hold).isEqualTo(CanaryHold.HELD);
        assertThat(rejected.lookAgainIn()).isEqualTo(ReleaseCheckStep.ACT_AFTER_STORING);

        ReleaseCheckStep.Step ask = ReleaseCheckStep.next(rejected.status(), observations(), at(8));
        assertThat(ask.action()).isEqualTo(new ReleaseCheckStep.LiftHold(2L));

        ReleaseCheckStep.Step lifted = ReleaseCheckStep.next(
                rejected.status(),
                observations().withHoldDone(new ActionPlan.Done(ActionPlan.Result.DONE, "hold lifted")),
                at(8));
        assertThat(lifted.status().hold).isEqualTo(CanaryHold.LIFTED);
        assertThat(lifted.status().phase).isEqualTo("Error");
        assertThat(lifted.notices())
                .singleElement()
                .satisfies(n -> assertThat(n.reason()).isEqualTo("HoldLifted"));
        assertThat(lifted.lookAgainIn()).isNull();
    }

    @Test
    void aDeploymentPausedBeforeARestartLostTheStatusIsNotPausedAgain() {
        pausedByTheCheck();
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, observations(), HELD_AT);
        assertThat(step.action()).isNull();
        assertThat(step.status().hold).isEqualTo(CanaryHold.HELD);
    }

    @Test
    void versionsThatCannotServeTogetherAreComparedSequentiallyAndTheWarningSaysWhy() {
        deployment.getSpec().setReplicas(1);
        deployment
                .getSpec()
                .setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
                        .withType("RollingUpdate")
                        .withNewRollingUpdate()
                        .withNewMaxSurge(0)
                        .withNewMaxUnavailable(1)
                        .endRollingUpdate()
                        .build());
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, observations(), at(0));

        assertThat(step.action()).isNull();
        assertThat(step.status().release.mode).isEqualTo("Versions");
        assertThat(step.status().hold).isNull();
        assertThat(step.notices()).anySatisfy(n -> {
            assertThat(n.warning()).isTrue();
            assertThat(n.reason()).isEqualTo("HoldNotPossible");
            assertThat(n.message()).contains("1 replica with maxSurge 0", "comparing sequentially");
        });
    }

    @Test
    void aRolloutThatFinishedBeforeItCouldBeHeldIsComparedSequentially() {
        oldWanted = 0;
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, observations(), HELD_AT);

        assertThat(step.action()).isNull();
        assertThat(step.status().release.mode).isEqualTo("Versions");
        assertThat(step.notices()).anySatisfy(n -> assertThat(n.message()).contains("revision 1 has no pods left"));
    }

    @Test
    void aDeploymentSomeoneElsePausedIsNotTakenOver() {
        deployment.getSpec().setPaused(true);
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, observations(), HELD_AT);

        assertThat(step.action()).isNull();
        assertThat(step.status().hold).isNull();
        assertThat(step.status().release.mode).isEqualTo("Versions");
        assertThat(step.notices()).anySatisfy(n -> assertThat(n.message()).contains("already paused by someone else"));
    }

    @Test
    void aNewPodNeverReadyEndsTheWaitWithASequentialComparison() {
        newReady = 0;
        ReleaseCheckStatus waiting =
                ReleaseCheckStep.next(null, observations(), at(0)).status();
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(waiting, observations(), at(17));

        assertThat(step.status().release.mode).isEqualTo("Versions");
        assertThat(step.notices()).anySatisfy(n -> assertThat(n.message()).contains("no pod of revision 2 was ready"));
        assertThat(step.action()).isInstanceOf(ReleaseCheckStep.Query.class);
    }
}
