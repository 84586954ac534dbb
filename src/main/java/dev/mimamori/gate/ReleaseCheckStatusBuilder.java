package dev.mimamori.gate;

import dev.mimamori.api.ActionStatus;
import dev.mimamori.api.MetricStatus;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckStatus;
import dev.mimamori.status.Conditions;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Every ReleaseCheck status change is made here, on a copy of the previous status. */
final class ReleaseCheckStatusBuilder {
    static final String REASON_WAITING = "WarmingUp";
    static final String REASON_ANALYZING = "Analyzing";
    static final String REASON_ACTING = "Acting";

    private ReleaseCheckStatusBuilder() {
    }

    static ReleaseCheckStatus copyOf(ReleaseCheck check) {
        ReleaseCheckStatus previous = check.getStatus();
        ReleaseCheckStatus status = previous == null ? new ReleaseCheckStatus()
                : Serialization.clone(previous);
        status.observedGeneration = check.getMetadata().getGeneration();
        return status;
    }

    static void progress(ReleaseCheckStatus status, String phase, String reason, String message, Long generation,
            Instant now) {
        status.phase = phase;
        status.message = message;
        status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.FALSE, reason, message,
                generation, now);
    }

    /** Analysis could not run this time (Datadog down): the phase stays, the condition says why. */
    static void interrupted(ReleaseCheckStatus status, String reason, String message, Long generation, Instant now) {
        status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.FALSE, reason, message,
                generation, now);
    }

    static void metrics(ReleaseCheckStatus status, List<MetricComparison.MetricResult> results,
            List<ResolvedMetric> metrics) {
        status.metrics = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            MetricComparison.MetricResult r = results.get(i);
            MetricStatus m = new MetricStatus();
            m.name = metrics.get(i).name();
            m.baselineCount = r.baselineCount();
            m.candidateCount = r.candidateCount();
            m.baselineMean = round(r.baselineMean());
            m.candidateMean = round(r.candidateMean());
            m.baselineMedian = round(r.baselineMedian());
            m.candidateMedian = round(r.candidateMedian());
            m.changePercent = round(r.changePercent());
            m.pValue = r.pValue() == null ? null : Double.valueOf(String.format("%.4g", r.pValue()));
            m.verdict = r.verdict().name();
            m.reason = r.reason();
            status.metrics.add(m);
        }
    }

    /** The verdict is recorded, and the action marked Pending, before anything is done to the Deployment. */
    static void decided(ReleaseCheckStatus status, Verdict verdict, String actionType, String summary,
            Long generation, Instant now) {
        status.phase = verdict.name();
        status.verdict = verdict.name();
        status.finishedAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
        status.message = summary;
        status.action = new ActionStatus(actionType, ActionStatus.PENDING, null);
        status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.FALSE, REASON_ACTING,
                summary + "; acting: " + actionType, generation, now);
    }

    static void acted(ReleaseCheckStatus status, boolean done, String actionMessage, Long generation, Instant now) {
        status.action.result = done ? ActionStatus.DONE : ActionStatus.FAILED;
        status.action.message = actionMessage;
        if (done) {
            status.message = status.message + "; " + actionMessage;
            status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.TRUE, status.phase,
                    status.message, generation, now);
        } else {
            status.phase = ReleaseCheckStatus.ERROR;
            status.message = status.message + "; " + actionMessage;
            status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.FALSE,
                    "ActionFailed", status.message, generation, now);
        }
    }

    /** A newer rollout replaced the one under test: nothing is decided and nothing is done. */
    static void superseded(ReleaseCheckStatus status, long newerRevision, Long generation, Instant now) {
        status.phase = ReleaseCheckStatus.SUPERSEDED;
        status.message = "superseded by revision " + newerRevision + " before a verdict; no action taken";
        status.finishedAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
        status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.TRUE,
                ReleaseCheckStatus.SUPERSEDED, status.message, generation, now);
    }

    static void error(ReleaseCheckStatus status, String reason, String message, Long generation, Instant now) {
        status.phase = ReleaseCheckStatus.ERROR;
        status.message = message;
        status.finishedAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
        status.conditions = Conditions.with(status.conditions, Conditions.READY, Conditions.FALSE, reason, message,
                generation, now);
    }

    private static Double round(Double value) {
        return value == null || value.isNaN() || value.isInfinite() ? null
                : Math.round(value * 10000.0) / 10000.0;
    }
}
