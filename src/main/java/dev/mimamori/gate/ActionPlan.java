package dev.mimamori.gate;

import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseInfo;

/**
 * What a decided check does, exactly as recorded with its verdict: later edits of the spec cannot change it. The
 * release names the revision the verdict judged; the action applies only while the Deployment is still at it.
 */
public record ActionPlan(
        String namespace,
        String checkName,
        String workload,
        OnFailure type,
        Outcome outcome,
        ReleaseInfo release,
        String summary) {

    /** Whether the Deployment itself changes (Pause, Rollback) rather than only being annotated. */
    public boolean changesRollout() {
        return outcome == Outcome.FAILED && type != OnFailure.Flag;
    }

    /** What the action did, as the status message says it: "rolled back to revision 6". */
    public String phrase() {
        if (outcome == Outcome.FAILED && type == OnFailure.Rollback) {
            return "rolled back to revision " + release.baselineRevision;
        }
        if (outcome == Outcome.FAILED && type == OnFailure.Pause) {
            return "paused the rollout";
        }
        return outcome == Outcome.FAILED ? "flagged" : "annotated";
    }

    /** How carrying out a plan ended. */
    public enum Result {
        DONE,
        FAILED,
        /** The Deployment had left the judged revision: nothing was done. */
        SUPERSEDED
    }

    /** The result and a phrase for the status message. */
    public record Done(Result result, String message) {}
}
