package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.ActionStatus;
import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.OnInconclusive;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ReleaseCheckStatus;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.MetricSeries;
import dev.mimamori.status.Conditions;
import dev.mimamori.tenancy.PolicyCheck;
import dev.mimamori.tenancy.TenantRules;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Every transition of the ReleaseCheck state machine, one by one, without Kubernetes or Datadog: a check created at
 * T0 for revision 2 (version 1.1.0) of Deployment checkout, whose revision 1 ran 1.0.0. At the defaults the candidate
 * window is T0+2m..T0+17m, the first look at Datadog T0+5m, the verdict due T0+19m and the deadline T0+49m.
 */
class ReleaseCheckStepTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final long MINUTE = 60_000;

    ReleaseCheckSpec spec = spec();
    Deployment deployment = deployment(2);
    List<ReplicaSet> replicaSets =
            List.of(replicaSet(1, "1.0.0", T0.minus(Duration.ofHours(3))), replicaSet(2, "1.1.0", T0.minusSeconds(10)));
    Long intendedRevision = null;
    /** Namespace shop's rules: its own services, one env, and the quota left. */
    TenantRules rules = new TenantRules(
            "TenantPolicy \"shop\"",
            List.of("checkout", "shop-*"),
            List.of("prod"),
            List.of("shop"),
            List.of("@slack-shop"),
            true,
            null,
            null,
            1,
            List.of("default"),
            true);

    PolicyCheck.Violation quota = null;

    static ReleaseCheckSpec spec() {
        ReleaseCheckSpec spec = new ReleaseCheckSpec();
        spec.workload = new WorkloadRef();
        spec.workload.name = "checkout";
        return spec;
    }

    static Deployment deployment(long revision) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("checkout")
                .withUid("d-uid")
                .withAnnotations(Map.of(Revisions.REVISION, String.valueOf(revision)))
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of(
                        Revisions.SERVICE_LABEL,
                        "checkout",
                        Revisions.ENV_LABEL,
                        "prod",
                        Revisions.VERSION_LABEL,
                        revision == 2 ? "1.1.0" : "1.2.0"))
                .endMetadata()
                .endTemplate()
                .endSpec()
                .build();
    }

    static ReplicaSet replicaSet(long revision, String version, Instant created) {
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("checkout-" + revision)
                .withCreationTimestamp(created.toString())
                .withAnnotations(Map.of(Revisions.REVISION, String.valueOf(revision)))
                .addNewOwnerReference()
                .withKind("Deployment")
                .withName("checkout")
                .withUid("d-uid")
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of(Revisions.VERSION_LABEL, version))
                .endMetadata()
                .endTemplate()
                .endSpec()
                .build();
    }

    static GateMetric latency() {
        GateMetric m = new GateMetric();
        m.name = "p95 latency (ms)";
        m.query = "p95:trace.http.request{service:${service},env:${env},version:${version}}";
        m.absoluteFloor = 2.0;
        return m;
    }

    Observations observations() {
        return new Observations(
                spec,
                "shop",
                "checkout-check",
                1L,
                T0,
                intendedRevision,
                deployment,
                replicaSets,
                tenancy(),
                new Observations.GateMetricsLookup(List.of(latency()), null, null),
                null,
                null,
                null,
                AttributionTest.QUIET_NODE);
    }

    Observations.Tenancy tenancy() {
        return new Observations.Tenancy(rules, quota);
    }

    /** One series per version, a point a minute from the baseline's start to T0+17m. */
    static List<MetricSeries> series(IntToDoubleFunction baseline, IntToDoubleFunction candidate) {
        int points = 32;
        long[] times = new long[points];
        double[] before = new double[points];
        double[] after = new double[points];
        for (int i = 0; i < points; i++) {
            times[i] = T0.toEpochMilli() - 15 * MINUTE + i * MINUTE;
            before[i] = baseline.applyAsDouble(i);
            after[i] = candidate.applyAsDouble(i);
        }
        return List.of(new MetricSeries("baseline", times, before), new MetricSeries("candidate", times, after));
    }

    static List<MetricSeries> steady(double candidateFactor) {
        return series(i -> 100 + i % 5, i -> (100 + i % 7) * candidateFactor);
    }

    Observations withSeries(List<MetricSeries> series) {
        return observations().withDatadog(new Observations.DatadogReply(series, null));
    }

    Observations withFailure(DatadogException.Kind kind, Duration retryAfter) {
        return observations()
                .withDatadog(new Observations.DatadogReply(
                        null, new DatadogException(kind, "HTTP 503 from Datadog", retryAfter)));
    }

    static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    static String ready(ReleaseCheckStatus status) {
        return Conditions.find(status.conditions, Conditions.READY).getReason();
    }

    /** A check that started at T0 and has been analysing. */
    ReleaseCheckStatus analyzing() {
        ReleaseCheckStatus started =
                ReleaseCheckStep.next(null, withSeries(steady(1.0)), at(8)).status();
        assertThat(started.phase).isEqualTo("Analyzing");
        return started;
    }

    /** A check that failed at T0+20m and has not acted yet. */
    ReleaseCheckStatus decidedFailed(OnFailure onFailure) {
        spec.onFailure = onFailure;
        ReleaseCheckStatus failed = ReleaseCheckStep.next(analyzing(), withSeries(steady(1.5)), at(20))
                .status();
        assertThat(failed.action.result).isEqualTo(ActionStatus.PENDING);
        return failed;
    }

    @Test
    void theFirstLookResolvesTheReleaseAsksForTheMetricsOnceAndWarmsUp() {
        Observations withoutMetrics = new Observations(
                spec,
                "shop",
                "checkout-check",
                1L,
                T0,
                null,
                deployment,
                replicaSets,
                tenancy(),
                null,
                null,
                null,
                null,
                null);

        ReleaseCheckStep.Step ask = ReleaseCheckStep.next(null, withoutMetrics, at(1));
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, observations(), at(1));

        assertThat(ask.action()).isEqualTo(new ReleaseCheckStep.FindGateMetrics("checkout"));
        assertThat(step.action()).isNull();
        ReleaseCheckStatus status = step.status();
        assertThat(status.phase).isEqualTo("Pending");
        assertThat(ready(status)).isEqualTo("WarmingUp");
        assertThat(status.startedAt).isEqualTo(T0.toString());
        assertThat(status.release.revision).isEqualTo(2L);
        assertThat(status.release.baselineRevision).isEqualTo(1L);
        assertThat(status.release.baselineVersion).isEqualTo("1.0.0");
        assertThat(status.analysis.duration).isEqualTo("15m");
        assertThat(status.analysis.deadline).isEqualTo("30m");
        assertThat(status.gateMetrics).singleElement().satisfies(m -> {
            assertThat(m.maxRegressionPercent).isEqualTo(GateDefaults.LATENCY_MAX_REGRESSION_PERCENT);
            assertThat(m.direction).isNotNull();
        });
        assertThat(step.lookAgainIn()).isEqualTo(Duration.ofMinutes(4));
        assertThat(step.notices()).extracting(ReleaseCheckStep.Notice::reason).containsExactly("Started");
    }

    @Test
    void aMissingDeploymentIsAwaitedUntilTheWarmUpEndsAndThenEndsTheCheckInError() {
        deployment = null;
        ReleaseCheckStep.Step waiting = ReleaseCheckStep.next(null, observations(), at(1));
        ReleaseCheckStatus status =
                ReleaseCheckStep.next(waiting.status(), observations(), at(3)).status();

        // Applied together with the check, the Deployment may reach the operator a moment later.
        assertThat(waiting.status().phase).isEqualTo("Pending");
        assertThat(ready(waiting.status())).isEqualTo("WorkloadNotFound");
        assertThat(waiting.status().message).contains("checkout", "shop", "waiting for it until");
        assertThat(waiting.lookAgainIn()).isEqualTo(ReleaseCheckStep.ARRIVAL_POLL);
        assertThat(status.phase).isEqualTo("Error");
        assertThat(ready(status)).isEqualTo("WorkloadNotFound");
        assertThat(status.message).contains("checkout", "shop").doesNotContain("waiting");
    }

    @Test
    void aCheckSeenBeforeItsDeploymentsNewReplicaSetWaitsForItAndThenComparesTheVersions() {
        List<ReplicaSet> both = replicaSets;
        replicaSets = both.subList(0, 1);
        ReleaseCheckStep.Step waiting = ReleaseCheckStep.next(null, observations(), at(1));
        replicaSets = both;
        ReleaseCheckStatus started =
                ReleaseCheckStep.next(waiting.status(), observations(), at(1)).status();

        // Without the new ReplicaSet the previous version is unknown and the versions could not be compared.
        assertThat(waiting.status().phase).isEqualTo("Pending");
        assertThat(ready(waiting.status())).isEqualTo("ReleaseUnresolved");
        assertThat(waiting.status().message).contains("revision 2", "not there yet");
        assertThat(waiting.status().release).isNull();
        assertThat(started.release.mode).isEqualTo(ReleaseResolution.MODE_VERSIONS);
        assertThat(started.release.baselineVersion).isEqualTo("1.0.0");
    }

    @Test
    void aDeploymentWhoseNewSpecIsNotRolledOutYetIsWaitedForAndItsRolloutGetsTheWholeWarmUp() {
        // The check arrives with a Deployment update: the controller has not observed the new generation yet.
        deployment.getMetadata().setGeneration(3L);
        deployment.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                .withObservedGeneration(2L)
                .build());
        ReleaseCheckStep.Step waiting = ReleaseCheckStep.next(null, observations(), at(1));
        deployment.getStatus().setObservedGeneration(3L);
        Instant rolledOut = T0.plusSeconds(40);
        replicaSets = List.of(replicaSet(1, "1.0.0", T0.minus(Duration.ofHours(3))), replicaSet(2, "1.1.0", rolledOut));
        ReleaseCheckStatus started =
                ReleaseCheckStep.next(waiting.status(), observations(), at(1)).status();

        assertThat(waiting.status().phase).isEqualTo("Pending");
        assertThat(waiting.status().message).contains("generation 3", "observed generation 2", "waiting for it until");
        assertThat(started.release.baselineVersion).isEqualTo("1.0.0");
        // Measured from the rollout, not from the check's creation 40 s before it.
        assertThat(started.startedAt).isEqualTo(rolledOut.toString());
    }

    @Test
    void aRollbackThatArrivesWhileTheCheckWaitsIsMeasuredFromItsArrivalNotFromItsOldReplicaSet() {
        // kubectl rollout undo applied with the check: revision 3 reuses the ReplicaSet created three hours ago.
        deployment = deployment(3);
        deployment.getMetadata().setGeneration(5L);
        deployment.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                .withObservedGeneration(4L)
                .build());
        replicaSets = List.of(replicaSet(2, "1.1.0", T0.minus(Duration.ofHours(1))));
        ReleaseCheckStep.Step waiting = ReleaseCheckStep.next(null, observations(), T0.plusSeconds(5));
        deployment.getStatus().setObservedGeneration(5L);
        replicaSets = List.of(
                replicaSet(2, "1.1.0", T0.minus(Duration.ofHours(1))),
                replicaSet(3, "1.2.0", T0.minus(Duration.ofHours(3))));
        Instant arrived = T0.plusSeconds(90);
        ReleaseCheckStatus started =
                ReleaseCheckStep.next(waiting.status(), observations(), arrived).status();

        assertThat(waiting.status().phase).isEqualTo("Pending");
        assertThat(started.release.revision).isEqualTo(3L);
        // From the check's creation the warm-up would end 30 s after the rollback's pods started.
        assertThat(started.startedAt).isEqualTo(arrived.toString());
    }

    @Test
    void aCheckWaitsForItsDeploymentAtMostTwoMinutesWhateverItsWarmUp() {
        deployment = null;
        spec.analysis = new dev.mimamori.api.AnalysisSpec();
        spec.analysis.warmup = "10m";

        ReleaseCheckStatus status = ReleaseCheckStep.next(null, observations(), T0.plus(ReleaseCheckStep.ARRIVAL_WAIT))
                .status();

        assertThat(status.phase).isEqualTo("Error");
        assertThat(ready(status)).isEqualTo("WorkloadNotFound");
    }

    @Test
    void aReleaseWithoutServiceTagsEndsTheCheckInError() {
        deployment.getSpec().getTemplate().getMetadata().setLabels(Map.of(Revisions.VERSION_LABEL, "1.1.0"));
        ReleaseCheckStatus status =
                ReleaseCheckStep.next(null, observations(), at(1)).status();
        assertThat(ready(status)).isEqualTo("ReleaseUnresolved");
        assertThat(status.message).contains("tags.datadoghq.com/service");
    }

    @Test
    void aProfileTheNamespaceMayNotUseEndsTheCheckBeforeAnyQuery() {
        Observations borrowed = observations()
                .withGateMetrics(new Observations.GateMetricsLookup(
                        null, null, PolicyCheck.profile(rules, "shop", "payments", false)));
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, borrowed, at(1));

        assertThat(step.status().phase).isEqualTo("Error");
        assertThat(ready(step.status())).isEqualTo("PolicyViolation");
        assertThat(step.status().message).contains("MonitoringProfile \"payments\"", "profiles");
        assertThat(step.status().gateMetrics).isNull();
        assertThat(step.action()).isNull();
    }

    @Test
    void aMissingProfileOrABadSettingIsAnInvalidSpec() {
        Observations noProfile = observations()
                .withGateMetrics(
                        new Observations.GateMetricsLookup(null, "MonitoringProfile \"x\" does not exist", null));
        ReleaseCheckStatus status =
                ReleaseCheckStep.next(null, noProfile, at(1)).status();
        assertThat(ready(status)).isEqualTo("InvalidSpec");
        assertThat(status.message).contains("does not exist");

        spec.analysis = new AnalysisSpec();
        spec.analysis.deadline = "25h";
        ReleaseCheckStatus tooLong =
                ReleaseCheckStep.next(null, observations(), at(1)).status();
        assertThat(tooLong.phase).isEqualTo("Error");
        assertThat(ready(tooLong)).isEqualTo("InvalidSpec");
        assertThat(tooLong.message).contains("deadline", "24h");
    }

    @Test
    void aCheckWithoutSpecOrWithAnOverflowingDurationEndsInvalidInsteadOfThrowing() {
        spec = null;
        ReleaseCheckStatus specless =
                ReleaseCheckStep.next(null, observations(), at(1)).status();
        assertThat(specless.phase).isEqualTo("Error");
        assertThat(ready(specless)).isEqualTo("InvalidSpec");
        assertThat(specless.message).isEqualTo("spec is missing: a ReleaseCheck needs at least spec.workload.name");

        spec = spec();
        spec.workload.name = "../../secrets/x";
        ReleaseCheckStatus badName =
                ReleaseCheckStep.next(null, observations(), at(1)).status();
        assertThat(ready(badName)).isEqualTo("InvalidSpec");
        assertThat(badName.message).contains("is not a Kubernetes object name");

        spec = spec();
        spec.analysis = new AnalysisSpec();
        spec.analysis.duration = "9223372036854775807h";
        ReleaseCheckStatus overflow =
                ReleaseCheckStep.next(null, observations(), at(1)).status();
        assertThat(ready(overflow)).isEqualTo("InvalidSpec");
        assertThat(overflow.message).contains("analysis.duration", "longer than 168h");
    }

    @Test
    void rollbackWithoutAPreviousRevisionIsRefusedAtTheStart() {
        spec.onFailure = OnFailure.Rollback;
        replicaSets = List.of(replicaSet(2, "1.1.0", T0.minusSeconds(10)));
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, observations(), at(1));
        assertThat(step.status().phase).isEqualTo("Error");
        assertThat(ready(step.status())).isEqualTo("NoPreviousRevision");
        assertThat(step.status().message).contains("no previous revision");
        assertThat(step.action()).isNull();
        assertThat(step.lookAgainIn()).isNull();
    }

    @Test
    void anAutomaticCheckWhoseRevisionWasAlreadyReplacedIsSuperseded() {
        intendedRevision = 2L;
        deployment = deployment(3);
        ReleaseCheckStatus status =
                ReleaseCheckStep.next(null, observations(), at(1)).status();
        assertThat(status.phase).isEqualTo("Superseded");
        assertThat(status.message).contains("revision 3");
        assertThat(status.release).isNull();
    }

    @Test
    void aCheckCreatedLateForAChangeOfTheSameVersionMeasuresFromTheRollout() {
        // A config change keeps version 1.1.0; the check is created 10 minutes after its ReplicaSet.
        Instant rolledOut = T0.minus(Duration.ofMinutes(10));
        replicaSets = List.of(replicaSet(1, "1.1.0", T0.minus(Duration.ofHours(3))), replicaSet(2, "1.1.0", rolledOut));

        ReleaseCheckStatus status =
                ReleaseCheckStep.next(null, observations(), at(1)).status();

        assertThat(status.release.mode).isEqualTo(ReleaseResolution.MODE_BEFORE_AFTER);
        // Measured from the check's creation, the "before" window would hold 10 minutes of the new pods.
        assertThat(status.startedAt).isEqualTo(rolledOut.toString());
    }

    @Test
    void aReplicaSetReusedByARollbackDoesNotDateTheRollout() {
        // Revision 2 returns to a template whose ReplicaSet is older than revision 1's: its creation is no rollout
        // time.
        replicaSets = List.of(
                replicaSet(1, "1.1.0", T0.minus(Duration.ofHours(3))),
                replicaSet(2, "1.1.0", T0.minus(Duration.ofHours(5))));

        ReleaseCheckStatus status =
                ReleaseCheckStep.next(null, observations(), at(1)).status();

        assertThat(status.release.mode).isEqualTo(ReleaseResolution.MODE_BEFORE_AFTER);
        assertThat(status.startedAt).isEqualTo(T0.toString());
    }

    @Test
    void aRevisionRolledOutAfterTheCandidateWindowBeganIsNotJudgedByThisCheck() {
        replicaSets = List.of(replicaSet(1, "1.0.0", T0.minus(Duration.ofHours(3))), replicaSet(2, "1.1.0", at(10)));
        ReleaseCheckStatus status =
                ReleaseCheckStep.next(null, observations(), at(11)).status();
        assertThat(status.phase).isEqualTo("Superseded");
        assertThat(status.message).contains("after this check's candidate window began");
    }

    @Test
    void afterTheWarmUpEachLookAsksDatadogOnceForBothVersionsAndKeepsAnalyzing() {
        ReleaseCheckStep.Step ask = ReleaseCheckStep.next(null, observations(), at(8));
        assertThat(ask.action()).isInstanceOfSatisfying(ReleaseCheckStep.Query.class, q -> {
            assertThat(q.queries())
                    .containsExactly(
                            "p95:trace.http.request{service:checkout,env:prod,version:1.0.0}",
                            "p95:trace.http.request{service:checkout,env:prod,version:1.1.0}");
            // The 15-minute baseline and, for the dependence estimate only, the 45 minutes before it.
            assertThat(q.from()).isEqualTo(T0.minus(Duration.ofMinutes(60)));
            assertThat(q.to()).isEqualTo(at(8));
        });

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, withSeries(steady(1.0)), at(8));
        assertThat(step.action()).isNull();
        assertThat(step.status().phase).isEqualTo("Analyzing");
        assertThat(ready(step.status())).isEqualTo("Analyzing");
        assertThat(step.status().verdict).isNull();
        assertThat(step.status().metrics)
                .singleElement()
                .satisfies(m -> assertThat(m.baselineCount).isEqualTo(15));
        assertThat(step.lookAgainIn()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aRegressionBeyondDoubtFailsEarlyAndRecordsTheActionBeforeActing() {
        spec.onFailure = OnFailure.Pause;
        // Minutes that jump around (no serial dependence), so ten candidate buckets are enough to be sure.
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(
                analyzing(), withSeries(series(i -> 100 + i % 5, i -> 200 + (3 * i) % 5)), at(14));

        ReleaseCheckStatus status = step.status();
        assertThat(status.phase).isEqualTo("Failed");
        assertThat(status.decidedBy).isEqualTo("EarlyFail");
        assertThat(status.message).contains("failed early");
        assertThat(status.action.type).isEqualTo("Pause");
        assertThat(status.action.outcome).isEqualTo("failed");
        assertThat(status.action.result).isEqualTo(ActionStatus.PENDING);
        assertThat(ready(status)).isEqualTo("Acting");
        assertThat(step.action()).as("acts only once the verdict is stored").isNull();
        assertThat(step.lookAgainIn()).isEqualTo(ReleaseCheckStep.ACT_AFTER_STORING);
        assertThat(step.notices()).singleElement().satisfies(n -> {
            assertThat(n.warning()).isTrue();
            assertThat(n.verdict()).isEqualTo(Verdict.Failed);
        });
    }

    @Test
    void anUnchangedVersionPassesWhenTheVerdictIsDueAndIsOnlyFlagged() {
        spec.onFailure = OnFailure.Rollback;
        ReleaseCheckStatus status = ReleaseCheckStep.next(analyzing(), withSeries(steady(1.0)), at(20))
                .status();
        assertThat(status.phase).isEqualTo("Passed");
        assertThat(status.decidedBy).isEqualTo("Windows");
        assertThat(status.action.type).isEqualTo("Flag");
        assertThat(status.action.outcome).isEqualTo("passed");
    }

    @Test
    void tooFewCandidatePointsAreInconclusiveAndOnInconclusiveDecidesTheAction() {
        spec.onFailure = OnFailure.Pause;
        spec.onInconclusive = OnInconclusive.Fail;
        List<MetricSeries> sparse = series(i -> 100 + i % 5, i -> i % 6 == 0 ? 300 : Double.NaN);

        ReleaseCheckStatus status =
                ReleaseCheckStep.next(analyzing(), withSeries(sparse), at(20)).status();

        assertThat(status.verdict).isEqualTo("Inconclusive");
        assertThat(status.action.outcome).isEqualTo("failed");
        assertThat(status.action.type).isEqualTo("Pause");
    }

    @Test
    void aNewerRolloutDuringAnalysisSupersedesTheCheckWithoutAnAction() {
        ReleaseCheckStatus previous = analyzing();
        deployment = deployment(3);
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(previous, observations(), at(10));
        assertThat(step.action()).as("no Datadog query for a replaced revision").isNull();
        assertThat(step.status().phase).isEqualTo("Superseded");
        assertThat(step.status().action).isNull();
        assertThat(ready(step.status())).isEqualTo("Superseded");
        assertThat(step.status().message).contains("revision 3");
    }

    @Test
    void aDatadogOutageKeepsThePhaseSaysWhyAndRetries() {
        ReleaseCheckStatus previous = analyzing();
        ReleaseCheckStep.Step step =
                ReleaseCheckStep.next(previous, withFailure(DatadogException.Kind.UNAVAILABLE, null), at(10));
        assertThat(step.status().phase).isEqualTo("Analyzing");
        assertThat(step.status().verdict).isNull();
        assertThat(ready(step.status())).isEqualTo("DatadogUnavailable");
        assertThat(Conditions.find(step.status().conditions, Conditions.READY).getMessage())
                .contains("will retry until " + at(49));
        assertThat(step.lookAgainIn()).isEqualTo(ReleaseCheckStep.RETRY);

        ReleaseCheckStep.Step limited = ReleaseCheckStep.next(
                previous, withFailure(DatadogException.Kind.RATE_LIMITED, Duration.ofSeconds(7)), at(10));
        assertThat(ready(limited.status())).isEqualTo("DatadogRateLimited");
        assertThat(limited.lookAgainIn()).isEqualTo(Duration.ofSeconds(7));

        ReleaseCheckStep.Step nearDeadline = ReleaseCheckStep.next(
                previous, withFailure(DatadogException.Kind.UNAVAILABLE, null), at(49).minusSeconds(10));
        assertThat(nearDeadline.lookAgainIn()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aQueryDatadogRejectsEndsTheCheckInsteadOfRetrying() {
        ReleaseCheckStep.Step step =
                ReleaseCheckStep.next(analyzing(), withFailure(DatadogException.Kind.REJECTED, null), at(10));
        assertThat(step.status().phase).isEqualTo("Error");
        assertThat(ready(step.status())).isEqualTo("QueryRejected");
        assertThat(step.lookAgainIn()).isNull();
    }

    @Test
    void noDataByTheDeadlineEndsInconclusiveAndOnInconclusiveDecides() {
        spec.onInconclusive = OnInconclusive.Fail;
        spec.onFailure = OnFailure.Pause;
        ReleaseCheckStep.Step step =
                ReleaseCheckStep.next(analyzing(), withFailure(DatadogException.Kind.FORBIDDEN, null), at(49));

        ReleaseCheckStatus status = step.status();
        assertThat(status.verdict).isEqualTo("Inconclusive");
        assertThat(status.decidedBy).isEqualTo("Deadline");
        assertThat(status.message).contains("no data from Datadog by the deadline", "DatadogForbidden");
        assertThat(status.action.type).isEqualTo("Pause");

        ReleaseCheckStatus acted = ReleaseCheckStep.next(
                        status,
                        observations()
                                .withActionDone(new ActionPlan.Done(ActionPlan.Result.DONE, "paused the rollout")),
                        at(49))
                .status();
        assertThat(acted.action.result).isEqualTo(ActionStatus.DONE);
        assertThat(Conditions.find(acted.conditions, Conditions.READY).getStatus())
                .isEqualTo("True");
        assertThat(ready(acted)).isEqualTo("DeadlineExceeded");
    }

    @Test
    void actingCarriesOutTheActionRecordedWithTheVerdictNotTheLiveSpec() {
        ReleaseCheckStatus failed = decidedFailed(OnFailure.Rollback);
        spec.onFailure = OnFailure.Flag;
        spec.onInconclusive = OnInconclusive.Pass;

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(failed, observations(), at(20));

        assertThat(step.action()).isInstanceOfSatisfying(ReleaseCheckStep.CarryOut.class, c -> {
            assertThat(c.plan().type()).isEqualTo(OnFailure.Rollback);
            assertThat(c.plan().outcome()).isEqualTo(Outcome.FAILED);
            assertThat(c.plan().release().revision).isEqualTo(2L);
            assertThat(c.plan().release().baselineRevision).isEqualTo(1L);
            assertThat(c.plan().summary()).isEqualTo(failed.message);
        });
    }

    @Test
    void aDoneActionFinishesTheCheckReady() {
        ReleaseCheckStatus failed = decidedFailed(OnFailure.Rollback);
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(
                failed,
                observations().withActionDone(new ActionPlan.Done(ActionPlan.Result.DONE, "rolled back to revision 1")),
                at(20));
        assertThat(step.action()).isNull();
        assertThat(step.status().phase).isEqualTo("Failed");
        assertThat(step.status().action.result).isEqualTo(ActionStatus.DONE);
        assertThat(step.status().message).endsWith("; rolled back to revision 1");
        assertThat(Conditions.find(step.status().conditions, Conditions.READY).getStatus())
                .isEqualTo("True");
        assertThat(ready(step.status())).isEqualTo("Failed");
        assertThat(step.lookAgainIn()).isNull();
    }

    @Test
    void aFailedActionEndsTheCheckInError() {
        ReleaseCheckStatus failed = decidedFailed(OnFailure.Rollback);
        ReleaseCheckStatus status = ReleaseCheckStep.next(
                        failed,
                        observations()
                                .withActionDone(new ActionPlan.Done(
                                        ActionPlan.Result.FAILED, "revision 1 (its ReplicaSet) no longer exists")),
                        at(20))
                .status();
        assertThat(status.phase).isEqualTo("Error");
        assertThat(status.verdict).isEqualTo("Failed");
        assertThat(status.action.result).isEqualTo(ActionStatus.FAILED);
        assertThat(ready(status)).isEqualTo("ActionFailed");
    }

    @Test
    void anActionRefusedBecauseTheDeploymentMovedOnIsSkippedAndSuperseded() {
        ReleaseCheckStatus failed = decidedFailed(OnFailure.Rollback);
        ReleaseCheckStatus refused = ReleaseCheckStep.next(
                        failed,
                        observations()
                                .withActionDone(
                                        new ActionPlan.Done(ActionPlan.Result.SUPERSEDED, "not acted: at revision 3")),
                        at(20))
                .status();
        assertThat(refused.phase).isEqualTo("Superseded");
        assertThat(refused.verdict).isEqualTo("Failed");
        assertThat(refused.action.result).isEqualTo(ActionStatus.SKIPPED);
        assertThat(ready(refused)).isEqualTo("Superseded");

        deployment = deployment(3);
        ReleaseCheckStep.Step seenInCache = ReleaseCheckStep.next(failed, observations(), at(20));
        assertThat(seenInCache.action())
                .as("nothing is sent for a revision already replaced")
                .isNull();
        assertThat(seenInCache.status().phase).isEqualTo("Superseded");
        assertThat(seenInCache.status().action.result).isEqualTo(ActionStatus.SKIPPED);
        assertThat(seenInCache.status().action.message).contains("revision 3", "judged revision 2");
    }

    @Test
    void anActionThatLandedBeforeARestartIsNotRepeated() {
        ReleaseCheckStatus failed = decidedFailed(OnFailure.Rollback);
        deployment = deployment(3);
        deployment
                .getMetadata()
                .setAnnotations(Map.of(
                        Revisions.REVISION,
                        "3",
                        RolloutActions.CHECK_ANNOTATION,
                        RolloutActions.mark("checkout-check", 2L)));
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(failed, observations(), at(20));
        assertThat(step.action()).isNull();
        assertThat(step.status().phase).isEqualTo("Failed");
        assertThat(step.status().action.result).isEqualTo(ActionStatus.DONE);
        assertThat(step.status().message).endsWith("rolled back to revision 1");
    }

    @Test
    void aFinishedCheckStaysFinishedWhateverChanges() {
        ReleaseCheckStatus failed = decidedFailed(OnFailure.Flag);
        ReleaseCheckStatus done = ReleaseCheckStep.next(
                        failed,
                        observations().withActionDone(new ActionPlan.Done(ActionPlan.Result.DONE, "flagged")),
                        at(20))
                .status();
        String before = Serialization.asJson(done);
        deployment = deployment(3);
        spec.onFailure = OnFailure.Rollback;

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(
                done,
                new Observations(
                        spec,
                        "shop",
                        "checkout-check",
                        2L,
                        T0,
                        null,
                        deployment,
                        replicaSets,
                        tenancy(),
                        null,
                        null,
                        null,
                        null,
                        null),
                at(90));

        assertThat(Serialization.asJson(step.status())).isEqualTo(before);
        assertThat(step.action()).isNull();
        assertThat(step.lookAgainIn()).isNull();
        assertThat(step.notices()).isEmpty();
    }

    @Test
    void aShareOfRequestsIsQueriedWithItsRequestCountsAndJudgedPerRequest() {
        GateMetric errors = new GateMetric();
        errors.name = "error rate";
        errors.query = "sum:trace.http.request.errors{service:${service},env:${env},version:${version}}.as_count()";
        errors.requests = "sum:trace.http.request.hits{service:${service},env:${env},version:${version}}.as_count()";
        errors.maxRegressionPercent = 50.0;
        Observations counted =
                observations().withGateMetrics(new Observations.GateMetricsLookup(List.of(errors), null, null));

        ReleaseCheckStep.Step ask = ReleaseCheckStep.next(null, counted, at(8));

        assertThat(ask.action())
                .isInstanceOfSatisfying(
                        ReleaseCheckStep.Query.class,
                        q -> assertThat(q.queries())
                                .containsExactly(
                                        "sum:trace.http.request.errors{service:checkout,env:prod,version:1.0.0}.as_count()",
                                        "sum:trace.http.request.errors{service:checkout,env:prod,version:1.1.0}.as_count()",
                                        "sum:trace.http.request.hits{service:checkout,env:prod,version:1.0.0}.as_count()",
                                        "sum:trace.http.request.hits{service:checkout,env:prod,version:1.1.0}.as_count()"));
        // Shares of 0.5% and 1.5% of 600 requests a minute: three times the errors per request.
        List<MetricSeries> shares = series(i -> 0.005, i -> 0.015);
        List<MetricSeries> hits = series(i -> 600, i -> 600);
        List<MetricSeries> reply = List.of(shares.get(0), shares.get(1), hits.get(0), hits.get(1));
        ReleaseCheckStatus status = ReleaseCheckStep.next(
                        ask.status(), counted.withDatadog(new Observations.DatadogReply(reply, null)), at(20))
                .status();
        assertThat(status.verdict).isEqualTo("Failed");
        assertThat(status.metrics.get(0).reason).startsWith("error rate +200% (per request 0.005 -> 0.015, ");
    }

    @Test
    void laterEditsOfTheSettingsAndMetricsDoNotMoveARunningCheck() {
        ReleaseCheckStatus previous = analyzing();
        spec.analysis = new AnalysisSpec();
        spec.analysis.duration = "1h";
        GateMetric other = latency();
        other.name = "edited";
        Observations edited = new Observations(
                spec,
                "shop",
                "checkout-check",
                2L,
                T0,
                null,
                deployment,
                replicaSets,
                tenancy(),
                new Observations.GateMetricsLookup(List.of(other), null, null),
                new Observations.DatadogReply(steady(1.0), null),
                null,
                null,
                null);

        ReleaseCheckStatus status =
                ReleaseCheckStep.next(previous, edited, at(20)).status();

        assertThat(status.phase)
                .as("the verdict is due at the frozen 15m window's end")
                .isEqualTo("Passed");
        assertThat(status.analysis.duration).isEqualTo("15m");
        assertThat(status.metrics).extracting(m -> m.name).containsExactly("p95 latency (ms)");
        assertThat(status.observedGeneration).isEqualTo(2L);
    }

    @Test
    void aCheckNeverStaysAnalyzingPastItsDeadline() {
        List<Instant> looks = new ArrayList<>();
        ReleaseCheckStatus status = analyzing();
        Instant now = at(8);
        for (int i = 0; i < 500 && !status.isFinished(); i++) {
            ReleaseCheckStep.Step step =
                    ReleaseCheckStep.next(status, withFailure(DatadogException.Kind.UNAVAILABLE, null), now);
            status = step.status();
            looks.add(now);
            if (step.lookAgainIn() != null) {
                now = now.plus(step.lookAgainIn());
            }
        }
        assertThat(status.verdict).isEqualTo("Inconclusive");
        assertThat(looks.get(looks.size() - 1)).isEqualTo(at(49));
    }

    @Test
    void aCheckOfAServiceTheNamespaceMayNotClaimEndsInErrorBeforeAnyQuery() {
        spec.service = "payments";

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, observations(), at(8));

        assertThat(step.status().phase).isEqualTo("Error");
        assertThat(ready(step.status())).isEqualTo("PolicyViolation");
        assertThat(Conditions.find(step.status().conditions, Conditions.READY).getMessage())
                .contains("service \"payments\"", "TenantPolicy \"shop\" services");
        assertThat(step.action())
                .as("no Datadog query, no action on the Deployment")
                .isNull();
        assertThat(step.status().release)
                .as("nothing resolved, so no Datadog event can name it")
                .isNull();
        assertThat(step.notices()).extracting(ReleaseCheckStep.Notice::reason).containsExactly("PolicyViolation");
    }

    @Test
    void aGateMetricReachingAnotherServiceEndsInErrorBeforeAnyQuery() {
        GateMetric wide = latency();
        wide.query = "avg:trace.http.request{service:${service},env:${env},version:${version}}"
                + " / avg:trace.http.request{service:payments,env:prod}";
        spec.metrics = List.of(wide);
        Observations obs =
                observations().withGateMetrics(new Observations.GateMetricsLookup(List.of(wide), null, null));

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(null, obs, at(8));

        assertThat(ready(step.status())).isEqualTo("PolicyViolation");
        assertThat(step.status().gateMetrics).as("nothing frozen").isNull();
        assertThat(step.status().metrics).as("no values in status").isNullOrEmpty();
        assertThat(step.action()).isNull();
    }

    @Test
    void aCheckBeyondTheNamespaceQuotaEndsInErrorButOneStartedBeforeTheQuotaFilledGoesOn() {
        ReleaseCheckStatus running = analyzing();
        quota = new PolicyCheck.Violation(
                "TenantPolicy \"shop\" maxReleaseChecks",
                "namespace shop already holds 1 unfinished ReleaseChecks, the most allowed is 1");

        ReleaseCheckStep.Step refused = ReleaseCheckStep.next(null, withSeries(steady(1.0)), at(8));
        ReleaseCheckStep.Step goesOn = ReleaseCheckStep.next(running, withSeries(steady(1.0)), at(9));

        assertThat(ready(refused.status())).isEqualTo("PolicyViolation");
        assertThat(goesOn.status().phase).isEqualTo("Analyzing");
    }

    @Test
    void aRegressionAsksForTheNodeDataOfBothWindowsBeforeAVerdict() {
        Observations withoutNodeData = withSeries(steady(1.5)).withAttribution(null);

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(analyzing(), withoutNodeData, at(20));

        assertThat(step.status().verdict).isNull();
        assertThat(step.action()).isInstanceOfSatisfying(ReleaseCheckStep.Attribute.class, a -> {
            assertThat(a.request().service()).isEqualTo("checkout");
            assertThat(a.request().candidateVersion()).isEqualTo("1.1.0");
            assertThat(a.request().baselineTo()).isEqualTo(T0);
            assertThat(a.request().candidateFrom()).isEqualTo(at(2));
            assertThat(a.request().candidateTo()).isEqualTo(at(17));
        });
    }

    @Test
    void aRegressionANeighbourExplainsEndsInconclusiveWithAWarningAndNoRollback() {
        spec.onFailure = OnFailure.Rollback;
        Attribution.Window during =
                AttributionTest.window(100, 1.0, 30, 99, Map.of("node-a", Map.of("nightly-etl", 3.0)));
        Observations neighbour =
                withSeries(steady(1.5)).withAttribution(new GateAttribution.Reply(AttributionTest.QUIET, during, null));

        ReleaseCheckStep.Step step = ReleaseCheckStep.next(analyzing(), neighbour, at(20));
        ReleaseCheckStep.Step act = ReleaseCheckStep.next(step.status(), observations(), at(20));

        assertThat(step.status().verdict).isEqualTo("Inconclusive");
        assertThat(step.status().attribution.cause).isEqualTo("Neighbour");
        assertThat(step.status().action.type).isEqualTo("Flag");
        assertThat(step.notices())
                .filteredOn(n -> n.reason().equals(GateAttribution.NEIGHBOUR_EVENT))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.warning()).isTrue();
                    assertThat(n.message()).contains("node-a", "nightly-etl on node-a 3.00 cores");
                });
        assertThat(act.action())
                .isInstanceOfSatisfying(
                        ReleaseCheckStep.CarryOut.class,
                        c -> assertThat(c.plan().changesRollout()).isFalse());
    }
}
