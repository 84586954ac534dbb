package dev.mimamori.gate;

import dev.mimamori.api.ActionStatus;
import dev.mimamori.api.Comparison;
import dev.mimamori.api.Condition;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.OnInconclusive;
import dev.mimamori.api.ReleaseCheckPhase;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ReleaseCheckStatus;
import dev.mimamori.api.ReleaseInfo;
import dev.mimamori.api.TagRules;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.status.Conditions;
import dev.mimamori.status.Reason;
import dev.mimamori.tenancy.PolicyCheck;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ReleaseCheck state machine as one pure function: Pending (warm-up) -> Analyzing -> Passed | Failed |
 * Inconclusive, each acted on once, or Error, or Superseded. A step that needs something only the reconciler can get
 * (the gate metrics, Datadog's series, the action's result) says so with an {@link Action}; the reconciler gets it
 * and calls again with the answer added to the same observations, from the same previous status.
 */
public final class ReleaseCheckStep {
    static final Duration RETRY = Duration.ofSeconds(30);
    /** A verdict is acted on in the next look, once it is stored: a restart in between cannot lose or repeat it. */
    static final Duration ACT_AFTER_STORING = Duration.ofMillis(200);
    /** How often a concurrent check looks for the first ready pod of the new revision before holding. */
    static final Duration READY_POLL = Duration.ofSeconds(5);
    /** How often a new check looks for a Deployment or ReplicaSet the operator has not seen yet. */
    static final Duration ARRIVAL_POLL = Duration.ofSeconds(5);
    /**
     * How long after its creation a check waits for them at most (never beyond its warm-up): enough for a watch to
     * deliver them and the Deployment controller to roll out, short enough that a check naming nothing costs little.
     */
    static final Duration ARRIVAL_WAIT = Duration.ofMinutes(2);

    private ReleaseCheckStep() {}

    /** Something the reconciler must do before the step can go on. */
    public sealed interface Action permits FindGateMetrics, Query, Attribute, CarryOut, HoldRollout, LiftHold {}

    /** The spec's gate metrics, else those of the profile of {@code service}. */
    public record FindGateMetrics(String service) implements Action {}

    /** One Datadog request with every query. */
    public record Query(List<String> queries, Instant from, Instant to, Duration interval) implements Action {}

    /** The node and container data of both windows, asked once a metric has regressed. */
    public record Attribute(GateAttribution.Request request) implements Action {}

    /** The action recorded with the verdict. */
    public record CarryOut(ActionPlan plan) implements Action {}

    /** Pause the Deployment at {@code revision} for a concurrent comparison, marked as held by this check. */
    public record HoldRollout(Long revision) implements Action {}

    /** Resume the Deployment this check holds at {@code revision}, for a check that ended without acting. */
    public record LiftHold(Long revision) implements Action {}

    /** A Kubernetes event on the check; {@code verdict} is set when this look reached one. */
    public record Notice(boolean warning, String reason, String message, Verdict verdict) {}

    /**
     * The next status; {@code action} null once nothing more is needed; {@code lookAgainIn} null when only a change
     * of the check should wake it.
     */
    public record Step(ReleaseCheckStatus status, Action action, Duration lookAgainIn, List<Notice> notices) {}

    public static Step next(ReleaseCheckStatus previous, Observations observations, Instant now) {
        return new Look(previous, observations, now).step();
    }

    /** What the check compares, in a sentence for the Started event. */
    static String describe(ReleaseInfo r) {
        if (r.mode.equals(ReleaseResolution.MODE_CONCURRENT)) {
            return "comparing " + r.service + " " + r.candidateVersion + " (revision " + r.revision + ") with "
                    + r.baselineVersion + " (revision " + r.baselineRevision + ") in " + r.env
                    + " over the same minutes; the rollout will be held once a new pod is ready";
        }
        return r.mode.equals(ReleaseResolution.MODE_VERSIONS)
                ? "comparing " + r.service + " " + r.candidateVersion + " (revision " + r.revision + ") with "
                        + r.baselineVersion + " (revision " + r.baselineRevision + ") in " + r.env
                : "comparing " + r.service + " " + r.candidateVersion + " after the rollout with before it, in "
                        + r.env;
    }

    /** One look, working on a copy of the previous status. */
    private static final class Look {
        private final ReleaseCheckStatus previous;
        private final ReleaseCheckStatus status;
        private final Observations obs;
        private final Instant now;
        private final List<Notice> notices = new ArrayList<>();

        Look(ReleaseCheckStatus previous, Observations obs, Instant now) {
            this.previous = previous;
            this.status = previous == null ? new ReleaseCheckStatus() : Serialization.clone(previous);
            this.obs = obs;
            this.now = now;
        }

        Step step() {
            if (ReleaseCheckPhase.of(status.phase).finished()) {
                if (status.action != null && ActionStatus.PENDING.equals(status.action.result)) {
                    status.observedGeneration = obs.generation();
                    return act();
                }
                if (CanaryHold.HELD.equals(status.hold)) {
                    status.observedGeneration = obs.generation();
                    return liftHold();
                }
                return new Step(previous, null, null, List.of());
            }
            status.observedGeneration = obs.generation();
            String invalid = specProblem(obs.spec());
            if (invalid != null) {
                return error(Reason.InvalidSpec, invalid);
            }
            AnalysisSettings settings;
            try {
                settings = AnalysisSettings.of(status.analysis != null ? status.analysis : obs.spec().analysis);
            } catch (IllegalArgumentException e) {
                return error(Reason.InvalidSpec, e.getMessage());
            }
            if (status.release == null) {
                Step ended = start(settings);
                if (ended != null) {
                    return ended;
                }
            }
            if (status.gateMetrics == null) {
                Step ended = freeze(settings);
                if (ended != null) {
                    return ended;
                }
            }
            Long current = obs.deployment() == null ? null : Revisions.revisionOf(obs.deployment());
            if (current != null && status.release.revision != null && current > status.release.revision) {
                return superseded("superseded by revision " + current + " before a verdict; no action taken");
            }
            List<ResolvedMetric> metrics;
            try {
                metrics = GateMetrics.resolve(status.gateMetrics, settings);
            } catch (IllegalArgumentException e) {
                return error(Reason.InvalidSpec, e.getMessage());
            }
            if (concurrent() && status.hold == null) {
                Step waiting = hold(settings);
                if (waiting != null) {
                    return waiting;
                }
            }
            return analyse(settings, metrics);
        }

        /** What the API server's schema should have refused, checked again because the operator acts on it. */
        private static String specProblem(ReleaseCheckSpec spec) {
            if (spec == null) {
                return "spec is missing: a ReleaseCheck needs at least spec.workload.name";
            }
            if (spec.workload == null || spec.workload.name == null || spec.workload.name.isEmpty()) {
                return "spec.workload.name is missing: name the Deployment to check";
            }
            if (!TagRules.isObjectName(spec.workload.name)) {
                return "spec.workload.name \"" + shorten(spec.workload.name) + "\" is not a Kubernetes object name"
                        + " (lowercase letters, digits, - and ., at most 253 characters)";
            }
            if (spec.profile != null && !TagRules.isProfileName(spec.profile)) {
                return "spec.profile \"" + shorten(spec.profile) + "\" is not a MonitoringProfile name"
                        + " (lowercase letters, digits and -, at most 63 characters)";
            }
            return null;
        }

        private static String shorten(String text) {
            return text.length() > 80 ? text.substring(0, 80) + "..." : text;
        }

        /** Resolves what to compare, once; a step that ends the check when it cannot be, else null. */
        private Step start(AnalysisSettings settings) {
            Deployment deployment = obs.deployment();
            String workload = obs.spec().workload.name;
            if (obs.tenancy().quota() != null) {
                return refused(obs.tenancy().quota());
            }
            // Applied together (kubectl apply -f dir/, one Argo CD sync), a check can reach the operator before the
            // Deployment, or before the Deployment controller has rolled out its new spec: it waits for them a
            // little, within its warm-up, where nothing it measures starts anyway.
            Duration patience = settings.warmup().compareTo(ARRIVAL_WAIT) < 0 ? settings.warmup() : ARRIVAL_WAIT;
            Instant waitUntil = obs.created() == null ? null : obs.created().plus(patience);
            boolean mayWait = waitUntil != null && now.isBefore(waitUntil);
            String until = mayWait ? "; waiting for it until " + waitUntil.truncatedTo(ChronoUnit.SECONDS) : "";
            if (deployment == null) {
                String missing = "Deployment " + workload + " not found in " + obs.namespace();
                return mayWait
                        ? progress(ReleaseCheckPhase.Pending, Reason.WorkloadNotFound, missing + until, ARRIVAL_POLL)
                        : error(Reason.WorkloadNotFound, missing);
            }
            Long current = Revisions.revisionOf(deployment);
            if (obs.intendedRevision() != null && current != null && current > obs.intendedRevision()) {
                return superseded("created for revision " + obs.intendedRevision() + " but revision " + current
                        + " was already rolling out; no action taken");
            }
            String notRolledOut = notRolledOut(deployment, current);
            if (mayWait && notRolledOut != null) {
                return progress(
                        ReleaseCheckPhase.Pending, Reason.ReleaseUnresolved, notRolledOut + until, ARRIVAL_POLL);
            }
            ReleaseResolution.Result resolved = ReleaseResolution.resolve(obs.spec(), deployment, obs.replicaSets());
            if (resolved.problem() != null) {
                return error(Reason.ReleaseUnresolved, resolved.problem());
            }
            ReleaseInfo release = resolved.release();
            Instant started = obs.created() != null ? obs.created() : now.truncatedTo(ChronoUnit.SECONDS);
            Instant rolledOut = rolloutTime(deployment, release.revision);
            if (rolledOut != null && rolledOut.isAfter(started.plus(settings.warmup()))) {
                // The candidate window, measured from the check's creation, would mostly hold the older version.
                return superseded("revision " + release.revision + " was rolled out at " + rolledOut
                        + ", after this check's candidate window began; create a new ReleaseCheck to judge it");
            }
            if (rolledOut != null && rolledOut.isAfter(started)) {
                // Waited for: the new pods get the whole warm-up.
                started = rolledOut;
            } else if (waitedForTheRollout()) {
                // It came while this check waited, in a ReplicaSet whose creation dates an earlier rollout (a
                // rollback): it began about now, and its pods get the whole warm-up too.
                started = now.truncatedTo(ChronoUnit.SECONDS);
            }
            if (rolledOut != null
                    && rolledOut.isBefore(started)
                    && release.mode.equals(ReleaseResolution.MODE_BEFORE_AFTER)
                    && !CanaryHold.returnsToEarlierTemplate(
                            obs.replicaSets(), release.revision, release.baselineRevision)) {
                // Nothing tells the versions apart here: a "before" window ending at a late check's creation would
                // hold new-version minutes. A reused ReplicaSet's creation dates an older rollout, so it is not used.
                started = rolledOut;
            }
            PolicyCheck.Violation claim =
                    PolicyCheck.identity(obs.tenancy().rules(), obs.namespace(), release.service, release.env);
            if (claim != null) {
                // Neither Datadog nor the Deployment is touched for a service the namespace may not claim.
                return refused(claim);
            }
            status.release = release;
            if (onFailure() == OnFailure.Rollback && release.baselineRevision == null) {
                return error(
                        Reason.NoPreviousRevision,
                        "onFailure is Rollback but revision " + release.revision
                                + " of Deployment " + workload
                                + " has no previous revision to return to; set onFailure to"
                                + " Flag or Pause to check it");
            }
            status.startedAt = started.toString();
            if (obs.spec().comparison == Comparison.Concurrent) {
                String rollback =
                        CanaryHold.rollbackProblem(obs.replicaSets(), release.revision, release.baselineRevision);
                String problem = release.mode.equals(ReleaseResolution.MODE_VERSIONS)
                        ? rollback != null ? rollback : CanaryHold.overlapProblem(deployment)
                        : release.baselineRevision == null
                                ? "revision " + release.revision + " has no earlier version to serve beside"
                                : "revision " + release.revision + " has the version tag of the one before it ("
                                        + release.candidateVersion + "), so the two cannot be told apart side by side";
                if (problem == null) {
                    release.mode = ReleaseResolution.MODE_CONCURRENT;
                } else {
                    notices.add(sequentially(problem));
                }
            }
            notices.add(new Notice(false, "Started", describe(release), null));
            return null;
        }

        /** Whether the previous look waited for the Deployment controller to roll out ({@link #notRolledOut}). */
        private boolean waitedForTheRollout() {
            if (previous == null || !ReleaseCheckPhase.Pending.name().equals(previous.phase)) {
                return false;
            }
            Condition ready = Conditions.find(previous.conditions, Conditions.READY);
            return ready != null && Reason.ReleaseUnresolved.name().equals(ready.getReason());
        }

        /**
         * What the Deployment controller has not done yet for the Deployment's current spec, or null: a generation it
         * has not observed, no revision, or a revision whose ReplicaSet has not reached the operator.
         */
        private String notRolledOut(Deployment deployment, Long revision) {
            String workload = obs.spec().workload.name;
            Long generation = deployment.getMetadata().getGeneration();
            Long observed = deployment.getStatus() == null
                    ? null
                    : deployment.getStatus().getObservedGeneration();
            if (generation != null && observed != null && generation > observed) {
                return "generation " + generation + " of Deployment " + workload + " is not rolled out yet (the"
                        + " Deployment controller has observed generation " + observed + ")";
            }
            if (revision == null) {
                return "Deployment " + workload + " has no revision yet (the Deployment controller has not rolled it"
                        + " out)";
            }
            boolean seen = Revisions.owned(deployment, obs.replicaSets()).stream()
                    .anyMatch(rs -> revision.equals(Revisions.revisionOf(rs)));
            return seen
                    ? null
                    : "the ReplicaSet of revision " + revision + " of Deployment " + workload + " is not there yet";
        }

        /** Fixes the metrics and settings for the rest of the check; a step when it cannot, else null. */
        private Step freeze(AnalysisSettings settings) {
            Observations.GateMetricsLookup lookup = obs.gateMetrics();
            if (lookup == null) {
                return new Step(status, new FindGateMetrics(status.release.service), null, notices);
            }
            if (lookup.refused() != null) {
                return refused(lookup.refused());
            }
            if (lookup.problem() != null) {
                return error(Reason.InvalidSpec, lookup.problem());
            }
            List<GateMetric> frozen;
            try {
                frozen = GateMetrics.freeze(lookup.metrics(), settings);
            } catch (IllegalArgumentException e) {
                return error(Reason.InvalidSpec, e.getMessage());
            }
            if (obs.spec().metrics != null && !obs.spec().metrics.isEmpty()) {
                PolicyCheck.Violation scope = PolicyCheck.gateMetrics(
                        obs.tenancy().rules(),
                        obs.namespace(),
                        obs.spec().metrics,
                        status.release.service,
                        status.release.env);
                if (scope != null) {
                    return refused(scope);
                }
            }
            status.gateMetrics = frozen;
            status.analysis = settings.frozen();
            return null;
        }

        private Step analyse(AnalysisSettings settings, List<ResolvedMetric> metrics) {
            Instant startedAt = Instant.parse(status.startedAt);
            AnalysisWindows windows = concurrent()
                    ? AnalysisWindows.concurrent(startedAt, settings)
                    : AnalysisWindows.of(startedAt, settings);
            Instant firstQuery = windows.firstQueryAt(settings);
            if (now.isBefore(firstQuery)) {
                return progress(
                        ReleaseCheckPhase.Pending,
                        Reason.WarmingUp,
                        "warming up; analysis starts at " + firstQuery,
                        Duration.between(now, firstQuery));
            }
            Observations.DatadogReply reply = obs.datadog();
            if (reply == null) {
                Instant to = now.isBefore(windows.candidateTo()) ? now : windows.candidateTo();
                return new Step(
                        status,
                        new Query(queries(metrics), windows.historyFrom(), to, settings.interval()),
                        null,
                        notices);
            }
            if (reply.failure() != null) {
                return interrupted(reply.failure(), windows.decideAt().plus(settings.deadline()));
            }
            GateAnalysis.Outcome outcome = GateAnalysis.evaluate(metrics, reply.series(), windows, settings, now);
            status.metrics = MetricRows.of(outcome.results(), metrics);
            if (outcome.verdict() == null) {
                Duration untilDue = Duration.between(now, windows.decideAt());
                return progress(
                        ReleaseCheckPhase.Analyzing,
                        Reason.Analyzing,
                        "analyzing; verdict due at " + windows.decideAt(),
                        untilDue.compareTo(settings.interval()) < 0 ? untilDue : settings.interval());
            }
            Verdict verdict = outcome.verdict();
            String summary = Verdicts.summary(outcome, metrics);
            // Side by side, both versions share the minutes and mostly the nodes: a before/after node comparison
            // could only say "release", so a concurrent check asks Datadog nothing more.
            if (verdict == Verdict.Failed && !concurrent()) {
                if (obs.attribution() == null) {
                    return new Step(
                            status,
                            new Attribute(GateAttribution.request(status.release, status.gateMetrics, windows, now)),
                            null,
                            notices);
                }
                GateAttribution.Decision attributed = GateAttribution.decide(
                        obs.attribution(), status.release.service, obs.spec().onNeighbour, summary);
                status.attribution = attributed.attribution();
                verdict = attributed.verdict();
                summary = attributed.summary();
                if (attributed.warning() != null) {
                    notices.add(new Notice(true, GateAttribution.NEIGHBOUR_EVENT, attributed.warning(), null));
                }
            }
            return decide(verdict, summary, outcome.early() ? DecidedBy.EarlyFail : DecidedBy.Windows);
        }

        /** Both versions, every metric (and its request counts), one request; {@link GateAnalysis} reads this order. */
        private List<String> queries(List<ResolvedMetric> metrics) {
            ReleaseInfo release = status.release;
            // Without a previous version, the baseline is whatever ran before the rollout: any version.
            String baselineVersion = release.baselineVersion != null ? release.baselineVersion : "*";
            List<String> queries = new ArrayList<>();
            for (ResolvedMetric m : metrics) {
                queries.add(m.queryFor(release.service, release.env, baselineVersion));
                queries.add(m.queryFor(release.service, release.env, release.candidateVersion));
                if (m.requestsTemplate() != null) {
                    queries.add(m.requestsQueryFor(release.service, release.env, baselineVersion));
                    queries.add(m.requestsQueryFor(release.service, release.env, release.candidateVersion));
                }
            }
            return queries;
        }

        /** Datadog could not be read: retried until the deadline, then the check ends Inconclusive. */
        private Step interrupted(DatadogException failure, Instant deadline) {
            if (failure.kind() == DatadogException.Kind.REJECTED) {
                // A query Datadog refuses will be refused again: end the check instead of retrying.
                return error(Reason.QueryRejected, "Datadog rejected a gate metric query: " + failure.getMessage());
            }
            Reason reason = Reason.of(failure);
            if (!now.isBefore(deadline)) {
                return decide(
                        Verdict.Inconclusive,
                        "no data from Datadog by the deadline " + deadline + " (" + reason + ": " + failure.getMessage()
                                + "): inconclusive",
                        DecidedBy.Deadline);
            }
            Duration retry = failure.retryAfter() != null ? failure.retryAfter() : RETRY;
            Duration untilDeadline = Duration.between(now, deadline);
            return progress(
                    ReleaseCheckPhase.Analyzing,
                    reason,
                    "analysis paused, will retry until " + deadline + ": " + failure.getMessage(),
                    retry.compareTo(untilDeadline) < 0 ? retry : untilDeadline);
        }

        /** The verdict and the action it leads to are stored before anything is done to the Deployment. */
        private Step decide(Verdict verdict, String summary, DecidedBy decidedBy) {
            Outcome outcome = Verdicts.treatedAs(verdict, onInconclusive());
            OnFailure type = Verdicts.actionFor(outcome, onFailure());
            status.phase = verdict.name();
            status.verdict = verdict.name();
            status.decidedBy = decidedBy.name();
            status.finishedAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
            status.message = summary;
            status.action = new ActionStatus(type.name(), ActionStatus.PENDING, null);
            status.action.outcome = outcome.word();
            ready(Conditions.FALSE, Reason.Acting, summary + "; acting: " + type);
            notices.add(new Notice(verdict != Verdict.Passed, verdict.name(), summary, verdict));
            return step(ACT_AFTER_STORING);
        }

        private Step act() {
            if (obs.actionDone() != null) {
                return acted(obs.actionDone());
            }
            ActionPlan plan = plan();
            Deployment deployment = obs.deployment();
            if (deployment == null) {
                return acted(new ActionPlan.Done(
                        ActionPlan.Result.FAILED, "Deployment " + plan.workload() + " no longer exists; nothing done"));
            }
            if (RolloutActions.mark(obs.checkName(), plan.release().revision)
                    .equals(annotation(deployment, RolloutActions.CHECK_ANNOTATION))) {
                // The action landed but its result was not stored (a restart in between): it is not repeated.
                return acted(new ActionPlan.Done(ActionPlan.Result.DONE, plan.phrase()));
            }
            Long current = Revisions.revisionOf(deployment);
            if (!Objects.equals(current, plan.release().revision)) {
                return acted(new ActionPlan.Done(ActionPlan.Result.SUPERSEDED, RolloutActions.movedOn(plan, current)));
            }
            return new Step(status, new CarryOut(plan), null, notices);
        }

        private Step acted(ActionPlan.Done done) {
            status.action.message = done.message();
            status.message = status.message + "; " + done.message();
            switch (done.result()) {
                case DONE -> {
                    status.action.result = ActionStatus.DONE;
                    Reason reason = DecidedBy.Deadline.name().equals(status.decidedBy)
                            ? Reason.DeadlineExceeded
                            : Reason.valueOf(status.phase);
                    ready(Conditions.TRUE, reason, status.message);
                }
                case FAILED -> {
                    status.action.result = ActionStatus.FAILED;
                    status.phase = ReleaseCheckPhase.Error.name();
                    ready(Conditions.FALSE, Reason.ActionFailed, status.message);
                }
                case SUPERSEDED -> {
                    status.action.result = ActionStatus.SKIPPED;
                    status.phase = ReleaseCheckPhase.Superseded.name();
                    ready(Conditions.TRUE, Reason.Superseded, status.message);
                    notices.add(new Notice(false, Reason.Superseded.name(), status.message, null));
                }
            }
            if (CanaryHold.HELD.equals(status.hold)) {
                boolean failedVerdictActs = Outcome.FAILED.word().equals(status.action.outcome)
                        && !OnFailure.Flag.name().equals(status.action.type);
                if (done.result() == ActionPlan.Result.DONE) {
                    boolean paused = failedVerdictActs && OnFailure.Pause.name().equals(status.action.type);
                    status.hold = paused ? CanaryHold.KEPT : CanaryHold.LIFTED;
                } else if (done.result() == ActionPlan.Result.FAILED && failedVerdictActs) {
                    // A failed rollback leaves the bad version held rather than released to every pod.
                    status.hold = CanaryHold.KEPT;
                } else {
                    return step(ACT_AFTER_STORING);
                }
            }
            return step(null);
        }

        /**
         * Waits for the first ready pod of the new revision, then holds the rollout and measures from there; a step
         * while it waits or when the hold ends the check, else null.
         */
        private Step hold(AnalysisSettings settings) {
            Deployment deployment = obs.deployment();
            ReleaseInfo release = status.release;
            if (deployment == null) {
                return error(
                        Reason.WorkloadNotFound,
                        "Deployment " + obs.spec().workload.name + " not found in " + obs.namespace());
            }
            if (CanaryHold.heldBy(deployment, obs.checkName(), release.revision)) {
                // Paused before a restart lost the status write: the hold began then, near enough.
                return held(deployment);
            }
            if (Boolean.TRUE.equals(deployment.getSpec().getPaused())) {
                // Resuming with the verdict would undo a pause someone else chose.
                return compareSequentially("Deployment " + obs.spec().workload.name
                        + " was already paused by someone else, and mimamori resumes only what it paused");
            }
            List<ReplicaSet> owned = Revisions.owned(deployment, obs.replicaSets());
            if (release.baselineRevision == null) {
                return compareSequentially("no earlier revision of Deployment " + obs.spec().workload.name + " runs "
                        + release.baselineVersion);
            }
            ReplicaSet baseline =
                    Revisions.withRevision(owned, release.baselineRevision).orElse(null);
            if (baseline == null || Integer.valueOf(0).equals(CanaryHold.wanted(baseline))) {
                return compareSequentially("revision " + release.baselineRevision
                        + " has no pods left: the rollout had finished before it could be held");
            }
            ReplicaSet candidate =
                    Revisions.withRevision(owned, release.revision).orElse(null);
            if (candidate == null || CanaryHold.ready(candidate) < 1) {
                Instant giveUp =
                        Instant.parse(status.startedAt).plus(settings.warmup()).plus(settings.duration());
                if (!now.isBefore(giveUp)) {
                    return compareSequentially("no pod of revision " + release.revision + " was ready by " + giveUp);
                }
                return progress(
                        ReleaseCheckPhase.Pending,
                        Reason.WarmingUp,
                        "waiting for the first ready pod of revision " + release.revision + " to hold the rollout",
                        READY_POLL);
            }
            ActionPlan.Done done = obs.holdDone();
            if (done == null) {
                return new Step(status, new HoldRollout(release.revision), null, notices);
            }
            return switch (done.result()) {
                case DONE -> held(deployment);
                case SUPERSEDED -> superseded(done.message());
                case FAILED -> error(Reason.ActionFailed, done.message());
            };
        }

        /** The hold is in place: both windows start from now. */
        private Step held(Deployment deployment) {
            status.hold = CanaryHold.HELD;
            status.startedAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
            ReleaseInfo r = status.release;
            List<ReplicaSet> owned = Revisions.owned(deployment, obs.replicaSets());
            notices.add(new Notice(
                    false,
                    "RolloutHeld",
                    "paused Deployment " + deployment.getMetadata().getName() + " at revision " + r.revision + " ("
                            + readyOf(owned, r.revision) + " " + r.candidateVersion + " and "
                            + readyOf(owned, r.baselineRevision) + " " + r.baselineVersion
                            + " pods ready) to compare both versions over the same minutes",
                    null));
            return null;
        }

        private static int readyOf(List<ReplicaSet> owned, long revision) {
            return Revisions.withRevision(owned, revision)
                    .map(CanaryHold::ready)
                    .orElse(0);
        }

        /** The check goes on as a sequential comparison of the versions, and says why. */
        private Step compareSequentially(String why) {
            status.release.mode = ReleaseResolution.MODE_VERSIONS;
            notices.add(sequentially(why));
            return null;
        }

        private static Notice sequentially(String why) {
            return new Notice(
                    true, "HoldNotPossible", "cannot hold the rollout: " + why + "; comparing sequentially", null);
        }

        /** A check that ended without its verdict's action resuming the rollout resumes it now. */
        private Step liftHold() {
            Deployment deployment = obs.deployment();
            if (deployment == null || !CanaryHold.heldBy(deployment, obs.checkName(), status.release.revision)) {
                status.hold = CanaryHold.LIFTED;
                return step(null);
            }
            ActionPlan.Done done = obs.holdDone();
            if (done == null) {
                return new Step(status, new LiftHold(status.release.revision), null, notices);
            }
            status.hold = CanaryHold.LIFTED;
            notices.add(new Notice(false, "HoldLifted", done.message(), null));
            return step(null);
        }

        private boolean concurrent() {
            return ReleaseResolution.MODE_CONCURRENT.equals(status.release.mode);
        }

        /** The action exactly as recorded with the verdict. */
        private ActionPlan plan() {
            Outcome outcome = status.action.outcome != null
                    ? Outcome.ofWord(status.action.outcome)
                    // recorded by a version that did not store the outcome
                    : Verdicts.treatedAs(Verdict.valueOf(status.verdict), onInconclusive());
            return new ActionPlan(
                    obs.namespace(),
                    obs.checkName(),
                    obs.spec().workload.name,
                    OnFailure.valueOf(status.action.type),
                    outcome,
                    status.release,
                    status.message);
        }

        private Step superseded(String message) {
            status.phase = ReleaseCheckPhase.Superseded.name();
            status.message = message;
            status.finishedAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
            ready(Conditions.TRUE, Reason.Superseded, message);
            notices.add(new Notice(false, Reason.Superseded.name(), message, null));
            return step(CanaryHold.HELD.equals(status.hold) ? ACT_AFTER_STORING : null);
        }

        /** The check breaks its namespace's policy: it ends in Error and a Warning names the rule. */
        private Step refused(PolicyCheck.Violation violation) {
            notices.add(new Notice(true, Reason.PolicyViolation.name(), violation.describe(), null));
            return error(Reason.PolicyViolation, violation.describe());
        }

        private Step error(Reason reason, String message) {
            status.phase = ReleaseCheckPhase.Error.name();
            status.message = message;
            status.finishedAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
            ready(Conditions.FALSE, reason, message);
            return step(CanaryHold.HELD.equals(status.hold) ? ACT_AFTER_STORING : null);
        }

        private Step progress(ReleaseCheckPhase phase, Reason reason, String message, Duration wait) {
            status.phase = phase.name();
            status.message = message;
            ready(Conditions.FALSE, reason, message);
            return step(wait);
        }

        private void ready(String conditionStatus, Reason reason, String message) {
            status.conditions = Conditions.with(
                    status.conditions,
                    Conditions.READY,
                    conditionStatus,
                    reason.name(),
                    message,
                    obs.generation(),
                    now);
        }

        private Step step(Duration wait) {
            return new Step(status, null, wait, notices);
        }

        /** When the ReplicaSet of {@code revision} was created, if known. */
        private Instant rolloutTime(Deployment deployment, Long revision) {
            if (revision == null) {
                return null;
            }
            return Revisions.withRevision(Revisions.owned(deployment, obs.replicaSets()), revision)
                    .map(ReplicaSet::getMetadata)
                    .map(m -> m.getCreationTimestamp())
                    .map(Instant::parse)
                    .orElse(null);
        }

        private OnFailure onFailure() {
            return obs.spec().onFailure == null ? OnFailure.Flag : obs.spec().onFailure;
        }

        private OnInconclusive onInconclusive() {
            return obs.spec().onInconclusive == null ? OnInconclusive.Flag : obs.spec().onInconclusive;
        }

        private static String annotation(Deployment deployment, String key) {
            Map<String, String> annotations = deployment.getMetadata().getAnnotations();
            return annotations == null ? null : annotations.get(key);
        }
    }
}
