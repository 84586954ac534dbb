package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.OnInconclusive;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.sim.SeriesScript;
import dev.mimamori.testing.MovableClock;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ReleaseChecks run by the operator against the mock API server and the Datadog simulator. The simulator answers
 * metric queries from scripted series per version; the operator's clock is moved instead of waited for.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class ReleaseCheckOperatorTest {
    static final long MINUTE = 60_000;

    @Inject
    KubernetesClient client;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();
    /** version -> p95 latency script in ms; error rates are flat and equal for every version. */
    static final Map<String, LongFunction<Double>> LATENCY = new ConcurrentHashMap<>();

    @AfterEach
    void resetClock() {
        MovableClock.INSTANCE.reset();
    }

    void scriptVersions() {
        // Each metric in Datadog's units: 600 hits and 1.2 errors a bucket (0.2%), p95 in seconds.
        datadog.scriptMetrics((query, t) -> {
            String version = query.replaceAll(".*version:([^,}]+).*", "$1");
            if (query.contains(".hits{")) {
                return 600.0;
            }
            if (query.contains(".errors{")) {
                return 1.2;
            }
            LongFunction<Double> latency = LATENCY.get(version);
            Double ms = latency == null ? null : latency.apply(t);
            return ms == null ? null : ms / 1000;
        });
    }

    /** A version's latency script, until the next check is created and counts its noise from its own start. */
    record Script(double factor, long seed) {}

    final Map<String, Script> unanchored = new ConcurrentHashMap<>();

    void latency(String version, double factor, long seed) {
        LATENCY.put(version, new SeriesScript(SeriesScript.MODERATE_TRAFFIC, seed).p95LatencyMsAt(factor, MINUTE));
        unanchored.put(version, new Script(factor, seed));
        scriptVersions();
    }

    /**
     * Like {@link #latency}, with the noise counted from {@code origin} instead of the epoch: the series a check sees
     * is then the same whatever minute the test runs in. {@link #check} does this for the versions scripted before
     * it: counted from the epoch, a verdict that rests on the noise (an early failure needs a p-value far below the
     * gate's) changed with the wall clock.
     */
    void latencyFrom(Instant origin, String version, double factor, long seed) {
        LongFunction<Double> script =
                new SeriesScript(SeriesScript.MODERATE_TRAFFIC, seed).p95LatencyMsAt(factor, MINUTE);
        long shift = origin.toEpochMilli();
        LATENCY.put(version, t -> script.apply(t - shift));
        scriptVersions();
    }

    ReleaseCheck check(String namespace, String deployment, OnFailure onFailure, OnInconclusive onInconclusive) {
        return check(namespace, deployment, onFailure, onInconclusive, null);
    }

    ReleaseCheck check(
            String namespace,
            String deployment,
            OnFailure onFailure,
            OnInconclusive onInconclusive,
            AnalysisSpec analysis) {
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(deployment + "-check")
                .build());
        ReleaseCheckSpec spec = new ReleaseCheckSpec();
        spec.workload = new WorkloadRef();
        spec.workload.name = deployment;
        spec.onFailure = onFailure;
        spec.onInconclusive = onInconclusive;
        spec.analysis = analysis;
        check.setSpec(spec);
        ReleaseCheck created = client.resource(check).create();
        Instant origin = Instant.parse(created.getMetadata().getCreationTimestamp());
        unanchored.forEach((version, script) -> latencyFrom(origin, version, script.factor(), script.seed()));
        unanchored.clear();
        return created;
    }

    ReleaseCheck get(ReleaseCheck check) {
        return client.resource(check).get();
    }

    Instant startOf(ReleaseCheck check) {
        return Rollouts.startOf(client, check);
    }

    /** Moves the operator's clock past the verdict time (warm-up 2m + window 15m + lateness 2m). */
    ReleaseCheck awaitVerdict(ReleaseCheck check) {
        MovableClock.INSTANCE.set(startOf(check).plus(Duration.ofMinutes(20)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReleaseCheck current = get(check);
            assertThat(current.getStatus()).isNotNull();
            assertThat(current.getStatus().isFinished())
                    .as("phase " + current.getStatus().phase)
                    .isTrue();
            assertThat(current.getStatus().action == null || !"Pending".equals(current.getStatus().action.result))
                    .isTrue();
        });
        return get(check);
    }

    Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    List<JsonNode> datadogEvents(String version) {
        return datadog.events().stream()
                .filter(e -> e.toString().contains("version:" + version))
                .map(e -> (JsonNode) e)
                .toList();
    }

    @Test
    void aRegressedVersionFailsAndFlagOnlyFlags() {
        Deployment before = Rollouts.deploy(client, "gate-flag", "checkout", "checkout", "prod", "1.0.0", "1.1.0");
        latency("1.0.0", 1.0, 11);
        latency("1.1.0", 1.5, 12);
        ReleaseCheck check = check("gate-flag", "checkout", null, null);

        ReleaseCheck done = awaitVerdict(check);

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Failed");
        assertThat(done.getStatus().release.baselineVersion).isEqualTo("1.0.0");
        assertThat(done.getStatus().release.candidateVersion).isEqualTo("1.1.0");
        var latency = done.getStatus().metrics.get(0);
        assertThat(latency.verdict).isEqualTo("Failed");
        assertThat(latency.baselineCount).isBetween(12, 15);
        assertThat(latency.candidateCount).isBetween(12, 15);
        // The scripted noise of each minute depends on the minute the test runs in, so the measured change of a 1.5x
        // slower version varies from run to run (a CI run measured +31%): it must be clearly up, not a set figure.
        assertThat(latency.changePercent).isBetween(20.0, 90.0);
        assertThat(latency.pValue).isLessThan(0.01);
        assertThat(done.getStatus().metrics.get(1).verdict).isEqualTo("Passed");
        assertThat(done.getStatus().message).startsWith("p95 latency (ms) +").contains(": failed");
        assertThat(done.getStatus().action.type).isEqualTo("Flag");
        assertThat(done.getStatus().action.result).isEqualTo("Done");

        Deployment after = deployment("gate-flag", "checkout");
        assertThat(after.getMetadata().getAnnotations())
                .containsEntry("mimamori.dev/release-check", "failed")
                .containsKey("mimamori.dev/release-check-summary");
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(after.getSpec().getPaused()).isNotEqualTo(Boolean.TRUE);
        List<Event> warnings = client.v1().events().inNamespace("gate-flag").list().getItems().stream()
                .filter(e -> "Deployment".equals(e.getInvolvedObject().getKind()))
                .toList();
        assertThat(warnings).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("ReleaseCheckFailed");
        });
        List<JsonNode> events = datadogEvents("1.1.0");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("alert_type").asText()).isEqualTo("error");
        assertThat(events.get(0).path("tags").toString()).contains("service:checkout", "env:prod", "version:1.1.0");
    }

    @Test
    void aMetricQueryDatadogCannotTakeEndsTheCheckAtOnceWithoutQuerying() {
        Rollouts.deploy(client, "gate-badquery", "refunds", "refunds", "prod", "7.0.0", "7.1.0");
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("gate-badquery")
                .withName("refunds-check")
                .build());
        check.setSpec(new ReleaseCheckSpec());
        check.getSpec().workload = new WorkloadRef();
        check.getSpec().workload.name = "refunds";
        GateMetric errors = new GateMetric();
        errors.name = "errors";
        errors.query = "sum:trace.http.request.errors{service:${service},version:${version}}.as_count().anomalies()";
        check.getSpec().metrics = List.of(errors);
        ReleaseCheck created = client.resource(check).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReleaseCheck current = get(created);
            assertThat(current.getStatus()).isNotNull();
            assertThat(current.getStatus().phase).isEqualTo("Error");
            assertThat(current.getStatus().message)
                    .startsWith("gate metric \"errors\" cannot be sent to Datadog")
                    .contains(".anomalies() cannot stay on a metric query");
        });
        assertThat(datadog.requests())
                .noneMatch(r -> r.path().equals("/api/v2/query/timeseries")
                        && r.body().toString().contains("service:refunds"));
    }

    @Test
    void pauseStopsTheRolloutWithoutTouchingTheTemplate() {
        Deployment before = Rollouts.deploy(client, "gate-pause", "cart", "cart", "prod", "2.0.0", "2.1.0");
        latency("2.0.0", 1.0, 21);
        latency("2.1.0", 1.6, 22);
        ReleaseCheck done = awaitVerdict(check("gate-pause", "cart", OnFailure.Pause, null));

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Failed");
        assertThat(done.getStatus().message).contains("paused the rollout");
        Deployment after = deployment("gate-pause", "cart");
        assertThat(after.getSpec().getPaused()).isTrue();
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(after.getMetadata().getAnnotations()).containsEntry("mimamori.dev/release-check", "failed");
    }

    @Test
    void rollbackRestoresThePreviousRevisionOnceAndNeverAgain() {
        Rollouts.deploy(client, "gate-rollback", "search", "search", "prod", "3.0.0", "3.1.0", "3.2.0");
        latency("3.1.0", 1.0, 31);
        latency("3.2.0", 1.5, 32);
        ReleaseCheck done = awaitVerdict(check("gate-rollback", "search", OnFailure.Rollback, null));

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Failed");
        assertThat(done.getStatus().message).contains("rolled back to revision 2");
        Deployment after = deployment("gate-rollback", "search");
        PodTemplateSpec expected = Rollouts.template("search", "search", "prod", "3.1.0");
        assertThat(after.getSpec().getTemplate().getMetadata().getLabels())
                .isEqualTo(expected.getMetadata().getLabels());
        assertThat(after.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("registry.example/search:3.1.0");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("mimamori.dev/rolled-back-by", "search-check");

        // A later deploy of the same bad template must not be rolled back again by this finished check.
        String resourceVersion = after.getMetadata().getResourceVersion();
        await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        assertThat(deployment("gate-rollback", "search").getMetadata().getResourceVersion())
                .isEqualTo(resourceVersion);
        assertThat(datadogEvents("3.2.0")).hasSize(1);
    }

    @Test
    void rollbackWithoutAPreviousRevisionIsRefusedAndLeavesTheDeploymentAlone() {
        Deployment before = Rollouts.deploy(client, "gate-first", "fresh", "fresh", "prod", "0.1.0");
        latency("0.1.0", 1.0, 41);
        ReleaseCheck done = awaitVerdict(check("gate-first", "fresh", OnFailure.Rollback, OnInconclusive.Fail));

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Error");
        assertThat(Resources.ready(done.getStatus().conditions).getReason()).isEqualTo("NoPreviousRevision");
        assertThat(done.getStatus().message).contains("no previous revision");
        assertThat(done.getStatus().verdict).isNull();
        Deployment after = deployment("gate-first", "fresh");
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKey("mimamori.dev/release-check");
    }

    @Test
    void aRollbackThatANewerRolloutBeatsToTheDeploymentDoesNothingAndSaysSuperseded() {
        Rollouts.deploy(client, "gate-stale", "basket", "basket", "prod", "4.0.0", "4.1.0");
        latency("4.0.0", 1.0, 91);
        latency("4.1.0", 1.5, 92);
        ReleaseCheck check = check("gate-stale", "basket", OnFailure.Rollback, null);
        // Revision 3 is rolled out between the verdict and the rollback's patch: the worst moment.
        String newerRollout =
                "[{\"op\":\"replace\",\"path\":\"/metadata/annotations/deployment.kubernetes.io~1revision\","
                        + "\"value\":\"3\"},{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\","
                        + "\"value\":\"registry.example/basket:4.2.0\"}]";
        OperatorTestEnvironment.cluster().landBeforeNextDeploymentPatch("gate-stale", "basket", newerRollout);

        ReleaseCheck done = awaitVerdict(check);

        assertThat(done.getStatus().verdict).isEqualTo("Failed");
        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Superseded");
        assertThat(done.getStatus().action.result).isEqualTo("Skipped");
        assertThat(done.getStatus().action.message).contains("revision 3", "judged revision 2");
        assertThat(Resources.ready(done.getStatus().conditions).getReason()).isEqualTo("Superseded");
        Deployment after = deployment("gate-stale", "basket");
        assertThat(after.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("registry.example/basket:4.2.0");
        assertThat(after.getMetadata().getAnnotations())
                .doesNotContainKeys(
                        "mimamori.dev/rolled-back-by", "mimamori.dev/release-check", "mimamori.dev/release-check-name");
        assertThat(datadogEvents("4.1.0")).isEmpty();
    }

    @Test
    void aCheckThatGetsNoDataEndsAtItsDeadlineAndOnInconclusiveDecides() {
        Rollouts.deploy(client, "gate-deadline", "quiet", "quiet", "prod", "13.0.0", "13.1.0");
        AnalysisSpec analysis = new AnalysisSpec();
        analysis.deadline = "10m";
        ReleaseCheck withDeadline = check("gate-deadline", "quiet", OnFailure.Pause, OnInconclusive.Fail, analysis);
        datadog.setOutage(true);
        try {
            MovableClock.INSTANCE.set(startOf(withDeadline).plus(Duration.ofMinutes(10)));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(get(withDeadline).getStatus()).isNotNull();
                assertThat(get(withDeadline).getStatus().phase).isEqualTo("Analyzing");
                assertThat(Resources.ready(get(withDeadline).getStatus().conditions)
                                .getReason())
                        .isEqualTo("DatadogUnavailable");
            });

            // The deadline is 10m after the verdict was due, which the bucket-aligned windows put up to a minute later
            // than 19m after the start.
            AnalysisSettings settings = AnalysisSettings.of(analysis);
            Instant deadline = AnalysisWindows.of(startOf(withDeadline), settings)
                    .decideAt()
                    .plus(settings.deadline());
            MovableClock.INSTANCE.set(deadline);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(actionResult(withDeadline))
                            .as(Serialization.asJson(get(withDeadline).getStatus()))
                            .isEqualTo("Done"));
        } finally {
            datadog.setOutage(false);
        }
        ReleaseCheck done = get(withDeadline);
        assertThat(done.getStatus().verdict).isEqualTo("Inconclusive");
        assertThat(done.getStatus().decidedBy).isEqualTo("Deadline");
        assertThat(done.getStatus().analysis.deadline).isEqualTo("10m");
        assertThat(done.getStatus().message).contains("no data from Datadog by the deadline", "DatadogUnavailable");
        assertThat(Resources.ready(done.getStatus().conditions).getReason()).isEqualTo("DeadlineExceeded");
        assertThat(deployment("gate-deadline", "quiet").getSpec().getPaused()).isTrue();
    }

    @Test
    void anUnexpectedKubernetesErrorIsShownInReadyAndTheActionIsRetriedOnce() {
        Rollouts.deploy(client, "gate-k8s-error", "wallet", "wallet", "prod", "12.0.0", "12.1.0");
        latency("12.0.0", 1.0, 101);
        latency("12.1.0", 1.0, 102);
        List<String> statusPatches = new java.util.concurrent.CopyOnWriteArrayList<>();
        OperatorTestEnvironment.cluster().onRequest(request -> {
            if ("PATCH".equals(request.getMethod())
                    && request.getPath().contains("/releasechecks/wallet-check/status")) {
                statusPatches.add(new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        OperatorTestEnvironment.cluster().failNextDeploymentPatch("gate-k8s-error", "wallet");
        try {
            ReleaseCheck done = awaitVerdict(check("gate-k8s-error", "wallet", null, null));

            assertThat(statusPatches)
                    .anySatisfy(body -> assertThat(body).contains("ReconcileError", "may not patch this Deployment"));
            assertThat(done.getStatus().phase).isEqualTo("Passed");
            assertThat(Resources.ready(done.getStatus().conditions).getReason()).isEqualTo("Passed");
            assertThat(deployment("gate-k8s-error", "wallet").getMetadata().getAnnotations())
                    .containsEntry("mimamori.dev/release-check", "passed");
            assertThat(datadogEvents("12.1.0")).hasSize(1);
        } finally {
            OperatorTestEnvironment.cluster().onRequest(request -> {});
        }
    }

    String actionResult(ReleaseCheck check) {
        ReleaseCheck current = get(check);
        return current.getStatus() == null || current.getStatus().action == null
                ? null
                : current.getStatus().action.result;
    }

    @Test
    void anUnchangedVersionPassesAndSaysSo() {
        Rollouts.deploy(client, "gate-pass", "ledger", "ledger", "prod", "5.0.0", "5.0.1");
        latency("5.0.0", 1.0, 51);
        latency("5.0.1", 1.0, 52);
        ReleaseCheck done = awaitVerdict(check("gate-pass", "ledger", OnFailure.Rollback, null));

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Passed");
        assertThat(done.getStatus().metrics)
                .allSatisfy(m -> assertThat(m.verdict).isEqualTo("Passed"));
        Deployment after = deployment("gate-pass", "ledger");
        assertThat(after.getMetadata().getAnnotations())
                .containsEntry("mimamori.dev/release-check", "passed")
                .doesNotContainKey("mimamori.dev/rolled-back-by");
        assertThat(datadogEvents("5.0.1"))
                .singleElement()
                .satisfies(e -> assertThat(e.path("alert_type").asText()).isEqualTo("success"));
    }

    @Test
    void aCheckThatArrivesBeforeItsDeploymentWaitsForItAndJudgesTheRelease() {
        // One `kubectl apply` or Argo CD sync of a directory: the check can reach the operator first.
        Resources.namespace(client, "gate-ahead");
        ReleaseCheck early = check("gate-ahead", "ahead", OnFailure.Flag, null);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReleaseCheck seen = get(early);
            assertThat(seen.getStatus()).isNotNull();
            assertThat(seen.getStatus().phase)
                    .as("%s", seen.getStatus().message)
                    .isEqualTo("Pending");
            assertThat(seen.getStatus().message).contains("not found", "waiting for it until");
        });

        Rollouts.deploy(client, "gate-ahead", "ahead", "ahead", "prod", "21.0.0", "21.0.1");
        latencyFrom(startOf(early), "21.0.0", 1.0, 211);
        latencyFrom(startOf(early), "21.0.1", 1.0, 212);
        ReleaseCheck done = awaitVerdict(early);

        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Passed");
        assertThat(done.getStatus().release.baselineVersion).isEqualTo("21.0.0");
        assertThat(done.getStatus().release.candidateVersion).isEqualTo("21.0.1");
    }

    @Test
    void tooLittleDataIsInconclusiveNeverPassedAndFollowsOnInconclusive() {
        Rollouts.deploy(client, "gate-sparse", "sparse", "sparse", "prod", "6.0.0", "6.1.0");
        Rollouts.deploy(client, "gate-sparse", "sparse-strict", "sparse", "prod", "6.0.0", "6.1.0");
        latency("6.0.0", 1.0, 61);
        LongFunction<Double> huge = new SeriesScript(SeriesScript.MODERATE_TRAFFIC, 62).p95LatencyMsAt(3.0, MINUTE);
        // The candidate reports only one bucket in five: a large change on too little data.
        LATENCY.put("6.1.0", t -> (t / MINUTE) % 5 == 0 ? huge.apply(t) : null);
        scriptVersions();
        ReleaseCheck flagged = check("gate-sparse", "sparse", OnFailure.Pause, null);
        ReleaseCheck strict = check("gate-sparse", "sparse-strict", OnFailure.Pause, OnInconclusive.Fail);

        ReleaseCheck flaggedDone = awaitVerdict(flagged);
        ReleaseCheck strictDone = awaitVerdict(strict);

        assertThat(flaggedDone.getStatus().verdict)
                .as("phase %s: %s", flaggedDone.getStatus().phase, flaggedDone.getStatus().message)
                .isEqualTo("Inconclusive");
        assertThat(flaggedDone.getStatus().metrics.get(0).candidateCount).isLessThan(8);
        assertThat(deployment("gate-sparse", "sparse").getMetadata().getAnnotations())
                .containsEntry("mimamori.dev/release-check", "inconclusive");
        assertThat(deployment("gate-sparse", "sparse").getSpec().getPaused()).isNotEqualTo(Boolean.TRUE);
        assertThat(strictDone.getStatus().verdict)
                .as("phase %s: %s", strictDone.getStatus().phase, strictDone.getStatus().message)
                .isEqualTo("Inconclusive");
        assertThat(strictDone.getStatus().action.type).isEqualTo("Pause");
        assertThat(deployment("gate-sparse", "sparse-strict").getSpec().getPaused())
                .isTrue();
    }

    @Test
    void aDatadogOutageDuringAnalysisNeitherPassesNorLosesTheCheck() {
        Rollouts.deploy(client, "gate-outage", "orders", "orders", "prod", "7.0.0", "7.1.0");
        latency("7.0.0", 1.0, 71);
        latency("7.1.0", 1.5, 72);
        ReleaseCheck check = check("gate-outage", "orders", null, null);
        MovableClock.INSTANCE.set(startOf(check).plus(Duration.ofMinutes(8)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(check).getStatus() != null
                        && "Analyzing".equals(get(check).getStatus().phase));

        datadog.setOutage(true);
        try {
            MovableClock.INSTANCE.set(startOf(check).plus(Duration.ofMinutes(20)));
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(Resources.ready(get(check).getStatus().conditions)
                                    .getReason())
                            .isEqualTo("DatadogUnavailable"));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> "Analyzing".equals(get(check).getStatus().phase));
        } finally {
            datadog.setOutage(false);
        }
        ReleaseCheck done = awaitVerdict(check);
        assertThat(done.getStatus().phase).as("%s", done.getStatus().message).isEqualTo("Failed");
    }

    @Test
    void aClearRegressionFailsEarlyWithoutWaitingForTheWindowToEnd() {
        Rollouts.deploy(client, "gate-early", "payments", "payments", "prod", "8.0.0", "8.1.0");
        latency("8.0.0", 1.0, 81);
        latency("8.1.0", 2.0, 82);
        ReleaseCheck check = check("gate-early", "payments", null, null);
        MovableClock.INSTANCE.set(startOf(check).plus(Duration.ofMinutes(1)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(check).getStatus() != null
                        && "Pending".equals(get(check).getStatus().phase));
        int queriesBefore = datadog.calls(DatadogSimulator.QUERY_TIMESERIES);
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        assertThat(datadog.calls(DatadogSimulator.QUERY_TIMESERIES))
                .as("no queries while warming up")
                .isEqualTo(queriesBefore);

        // 11 of the 15 candidate buckets: early, with enough points for the per-release early-fail level.
        MovableClock.INSTANCE.set(startOf(check).plus(Duration.ofMinutes(16)));
        await().atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(get(check).getStatus().phase)
                        .as(Serialization.asJson(get(check).getStatus()))
                        .isEqualTo("Failed"));

        ReleaseCheck done = get(check);
        assertThat(done.getStatus().message).contains("failed early");
        assertThat(Instant.parse(done.getStatus().finishedAt))
                .isBefore(startOf(check).plus(Duration.ofMinutes(19)));
        // One request a look: a formula per metric and version, plus the error rate's request counts per version;
        // latency is one metric, the error rate two, the counts one each.
        assertThat(datadog.requests())
                .filteredOn(r -> r.key().equals(DatadogSimulator.QUERY_TIMESERIES))
                .allSatisfy(r -> {
                    assertThat(r.body().path("data").path("attributes").path("formulas"))
                            .hasSize(6);
                    assertThat(r.body().path("data").path("attributes").path("queries"))
                            .hasSize(8);
                });
    }
}
