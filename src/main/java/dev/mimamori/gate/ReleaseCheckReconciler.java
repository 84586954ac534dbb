package dev.mimamori.gate;

import dev.mimamori.api.ActionStatus;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.OnInconclusive;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckStatus;
import dev.mimamori.api.ReleaseInfo;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.MetricSeries;
import dev.mimamori.status.KubeEvents;
import dev.mimamori.status.Reasons;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gate as a state machine kept in status: Pending (warm-up) -> Analyzing -> Passed | Failed | Inconclusive, or
 * Error. Waiting is a reschedule, never a sleep. The verdict is written before acting and the action after, so a
 * finished check never runs or acts again, whatever restarts in between.
 */
@ControllerConfiguration(name = "releasecheck")
public class ReleaseCheckReconciler implements Reconciler<ReleaseCheck> {
    static final Duration RETRY = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final DatadogApi datadog;
    private final RolloutActions actions;
    private final GateProfiles profiles;
    private final KubeEvents events;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration pollInterval;

    public ReleaseCheckReconciler(KubernetesClient client, DatadogApi datadog, RolloutActions actions,
            GateProfiles profiles, KubeEvents events, MeterRegistry registry, Clock clock, MimamoriConfig config) {
        this.pollInterval = config.gatePollInterval();
        this.client = client;
        this.datadog = datadog;
        this.actions = actions;
        this.profiles = profiles;
        this.events = events;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public UpdateControl<ReleaseCheck> reconcile(ReleaseCheck check, Context<ReleaseCheck> context) {
        registry.counter("mimamori.reconciles", "kind", "ReleaseCheck").increment();
        ReleaseCheckStatus status = ReleaseCheckStatusBuilder.copyOf(check);
        Instant now = clock.instant();
        Long generation = check.getMetadata().getGeneration();
        if (status.isFinished()) {
            if (status.action != null && ActionStatus.PENDING.equals(status.action.result)) {
                return act(check, status, now);
            }
            return UpdateControl.noUpdate();
        }
        // One read of the Deployment per look: it resolves the release once and detects a newer rollout.
        Deployment deployment = client.apps().deployments().inNamespace(check.getMetadata().getNamespace())
                .withName(check.getSpec().workload.name).get();
        if (status.release == null && !start(check, deployment, status, now)) {
            return finish(check, status, null);
        }
        Long newer = newerRevision(deployment, status.release);
        if (newer != null) {
            ReleaseCheckStatusBuilder.superseded(status, newer, generation, now);
            events.record(check, KubeEvents.NORMAL, ReleaseCheckStatus.SUPERSEDED, status.message);
            return finish(check, status, null);
        }
        AnalysisSettings settings;
        List<ResolvedMetric> metrics;
        try {
            settings = AnalysisSettings.of(check.getSpec().analysis);
            metrics = GateMetrics.resolve(profiles.metricsFor(check, status.release), settings);
        } catch (IllegalArgumentException e) {
            ReleaseCheckStatusBuilder.error(status, "InvalidSpec", e.getMessage(), generation, now);
            return finish(check, status, null);
        }
        AnalysisWindows windows = AnalysisWindows.of(Instant.parse(status.startedAt), settings);
        Instant firstQuery = windows.firstQueryAt(settings);
        if (now.isBefore(firstQuery)) {
            ReleaseCheckStatusBuilder.progress(status, ReleaseCheckStatus.PENDING,
                    ReleaseCheckStatusBuilder.REASON_WAITING, "warming up; analysis starts at " + firstQuery,
                    generation, now);
            return finish(check, status, Duration.between(now, firstQuery));
        }
        return analyse(check, status, metrics, settings, windows, now);
    }

    /** The Deployment's revision when a newer rollout has replaced the one under test, else null. */
    private static Long newerRevision(Deployment deployment, ReleaseInfo release) {
        Long current = deployment == null ? null : Revisions.revisionOf(deployment);
        return current != null && release.revision != null && current > release.revision ? current : null;
    }

    /** Resolves what to compare, once; false when it cannot be (the status then says why). */
    private boolean start(ReleaseCheck check, Deployment deployment, ReleaseCheckStatus status, Instant now) {
        String namespace = check.getMetadata().getNamespace();
        Long generation = check.getMetadata().getGeneration();
        if (deployment == null) {
            ReleaseCheckStatusBuilder.error(status, "WorkloadNotFound",
                    "Deployment " + check.getSpec().workload.name + " not found in " + namespace, generation, now);
            return false;
        }
        ReleaseResolution.Result resolved = ReleaseResolution.resolve(check.getSpec(), deployment,
                client.apps().replicaSets().inNamespace(namespace).list().getItems());
        if (resolved.problem() != null) {
            ReleaseCheckStatusBuilder.error(status, "ReleaseUnresolved", resolved.problem(), generation, now);
            return false;
        }
        status.release = resolved.release();
        String created = check.getMetadata().getCreationTimestamp();
        status.startedAt = created != null ? created : now.truncatedTo(ChronoUnit.SECONDS).toString();
        events.record(check, KubeEvents.NORMAL, "Started", describe(status.release));
        return true;
    }

    private UpdateControl<ReleaseCheck> analyse(ReleaseCheck check, ReleaseCheckStatus status,
            List<ResolvedMetric> metrics, AnalysisSettings settings, AnalysisWindows windows, Instant now) {
        Long generation = check.getMetadata().getGeneration();
        ReleaseInfo release = status.release;
        // Without a previous version, the baseline is whatever ran before the rollout: any version.
        String baselineVersion = release.baselineVersion != null ? release.baselineVersion : "*";
        List<String> queries = new ArrayList<>();
        for (ResolvedMetric m : metrics) {
            queries.add(m.queryFor(release.service, release.env, baselineVersion));
            queries.add(m.queryFor(release.service, release.env, release.candidateVersion));
        }
        Instant to = now.isBefore(windows.candidateTo()) ? now : windows.candidateTo();
        List<MetricSeries> series;
        try {
            // Both versions, every metric, one request.
            series = datadog.queryMetrics(queries, windows.baselineFrom(), to, settings.interval());
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.REJECTED) {
                // A query Datadog refuses will be refused again: end the check instead of retrying forever.
                ReleaseCheckStatusBuilder.error(status, "QueryRejected", "Datadog rejected a gate metric query: "
                        + e.getMessage(), generation, now);
                return finish(check, status, null);
            }
            String reason = Reasons.of(e);
            ReleaseCheckStatusBuilder.interrupted(status, reason,
                    "analysis paused, will retry: " + e.getMessage(), generation, now);
            return finish(check, status, e.retryAfter() != null ? e.retryAfter() : RETRY);
        }
        GateAnalysis.Outcome outcome = GateAnalysis.evaluate(metrics, series, windows, settings, now);
        ReleaseCheckStatusBuilder.metrics(status, outcome.results(), metrics);
        if (outcome.verdict() == null) {
            ReleaseCheckStatusBuilder.progress(status, ReleaseCheckStatus.ANALYZING,
                    ReleaseCheckStatusBuilder.REASON_ANALYZING,
                    "analyzing; verdict due at " + windows.decideAt(), generation, now);
            Duration untilDue = Duration.between(now, windows.decideAt());
            return finish(check, status, untilDue.compareTo(settings.interval()) < 0 ? untilDue : settings.interval());
        }
        String summary = Verdicts.summary(outcome, metrics);
        String action = Verdicts.actionFor(outcome.verdict(), onFailure(check), onInconclusive(check));
        ReleaseCheckStatusBuilder.decided(status, outcome.verdict(), action, summary, generation, now);
        registry.counter("mimamori.gate.verdicts", "verdict", outcome.verdict().name()).increment();
        events.record(check, outcome.verdict() == Verdict.Passed ? KubeEvents.NORMAL : KubeEvents.WARNING,
                outcome.verdict().name(), summary);
        // Act in the next reconcile, once the verdict is stored.
        return finish(check, status, Duration.ofMillis(200));
    }

    private UpdateControl<ReleaseCheck> act(ReleaseCheck check, ReleaseCheckStatus status, Instant now) {
        String outcome = Verdicts.treatedAs(Verdict.valueOf(status.verdict), onInconclusive(check));
        RolloutActions.Result result = actions.act(check, status.release, outcome, onFailure(check),
                status.message);
        ReleaseCheckStatusBuilder.acted(status, result.done(), result.message(), check.getMetadata().getGeneration(),
                now);
        return finish(check, status, null);
    }

    private static OnFailure onFailure(ReleaseCheck check) {
        return check.getSpec().onFailure == null ? OnFailure.Flag : check.getSpec().onFailure;
    }

    private static OnInconclusive onInconclusive(ReleaseCheck check) {
        return check.getSpec().onInconclusive == null ? OnInconclusive.Flag : check.getSpec().onInconclusive;
    }

    private static String describe(ReleaseInfo r) {
        return r.mode.equals(ReleaseResolution.MODE_VERSIONS)
                ? "comparing " + r.service + " " + r.candidateVersion + " (revision " + r.revision + ") with "
                        + r.baselineVersion + " (revision " + r.baselineRevision + ") in " + r.env
                : "comparing " + r.service + " " + r.candidateVersion + " after the rollout with before it, in "
                        + r.env;
    }

    private UpdateControl<ReleaseCheck> finish(ReleaseCheck check, ReleaseCheckStatus status, Duration wait) {
        Duration next = wait == null || wait.compareTo(pollInterval) <= 0 ? wait : pollInterval;
        UpdateControl<ReleaseCheck> control;
        if (Objects.equals(Serialization.asJson(check.getStatus()), Serialization.asJson(status))) {
            control = UpdateControl.noUpdate();
        } else {
            check.setStatus(status);
            control = UpdateControl.patchStatus(check);
        }
        return next == null ? control : control.rescheduleAfter(next);
    }
}
