package dev.mimamori.gate;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The concurrent comparison's hold, decided purely: whether a Deployment's rolling update lets old and new pods
 * serve side by side, and when the hold may begin. The operator pauses the Deployment once the first new pod is
 * ready and marks it with {@link #HELD_BY}; only a Deployment carrying its own mark is ever resumed by it.
 */
public final class CanaryHold {
    /** On a Deployment the operator paused: which check holds which revision ({@link RolloutActions#mark}). */
    public static final String HELD_BY = "mimamori.dev/held-by";

    /** status.hold: the operator keeps the Deployment paused. */
    public static final String HELD = "Held";
    /** status.hold: the operator resumed the rollout (or rolled it back). */
    public static final String LIFTED = "Lifted";
    /** status.hold: a failed verdict left the Deployment paused (onFailure Pause, or a rollback that failed). */
    public static final String KEPT = "Kept";

    /** The Deployment controller's record of the revisions a reused ReplicaSet served before. */
    public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";

    private static final IntOrString QUARTER = new IntOrString("25%");

    private CanaryHold() {}

    /**
     * Null when the Deployment's strategy keeps old pods serving while new ones start, else why it cannot. The
     * arithmetic is the Deployment controller's: maxSurge rounds up, maxUnavailable down, and both zero means one
     * pod may be unavailable.
     */
    public static String overlapProblem(Deployment deployment) {
        String name = deployment.getMetadata().getName();
        DeploymentStrategy strategy =
                deployment.getSpec() == null ? null : deployment.getSpec().getStrategy();
        if (strategy != null && "Recreate".equals(strategy.getType())) {
            return "Deployment " + name + " uses the Recreate strategy: old and new pods never serve together";
        }
        Integer wanted =
                deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
        int replicas = wanted == null ? 1 : wanted;
        if (replicas == 0) {
            return "Deployment " + name + " is scaled to zero: no pods serve either version";
        }
        RollingUpdateDeployment rolling = strategy == null ? null : strategy.getRollingUpdate();
        int surge;
        int unavailable;
        try {
            surge = pods(rolling == null ? null : rolling.getMaxSurge(), replicas, true);
            unavailable = pods(rolling == null ? null : rolling.getMaxUnavailable(), replicas, false);
        } catch (NumberFormatException e) {
            return "Deployment " + name + " has a maxSurge or maxUnavailable that is neither a number nor a percentage";
        }
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        if (replicas - unavailable < 1) {
            return "Deployment " + name + " has " + replicas + (replicas == 1 ? " replica" : " replicas")
                    + " with maxSurge " + surge + " and maxUnavailable " + unavailable
                    + ": every old pod stops before a new one serves, so the versions never serve together";
        }
        return null;
    }

    /**
     * Null unless {@code revision} returns to an earlier pod template: the Deployment controller then reuses that
     * template's ReplicaSet, which keeps its creation time and records its former revisions. A rollback (mimamori's
     * own or {@code kubectl rollout undo}) must finish quickly; holding it would keep the version it leaves serving.
     */
    public static String rollbackProblem(List<ReplicaSet> replicaSets, Long revision, Long baselineRevision) {
        return returnsToEarlierTemplate(replicaSets, revision, baselineRevision)
                ? "revision " + revision + " returns to an earlier pod template (a rollback), which is never held"
                : null;
    }

    /**
     * True when {@code revision}'s ReplicaSet was reused from an earlier revision (it records former revisions, or is
     * older than the baseline's), so its creation time is not when this revision rolled out.
     */
    public static boolean returnsToEarlierTemplate(List<ReplicaSet> replicaSets, Long revision, Long baselineRevision) {
        if (replicaSets == null || revision == null) {
            return false;
        }
        ReplicaSet candidate = Revisions.withRevision(replicaSets, revision).orElse(null);
        ReplicaSet baseline = baselineRevision == null
                ? null
                : Revisions.withRevision(replicaSets, baselineRevision).orElse(null);
        if (candidate == null) {
            return false;
        }
        Map<String, String> annotations = candidate.getMetadata().getAnnotations();
        boolean servedBefore = annotations != null && annotations.containsKey(REVISION_HISTORY);
        String candidateCreated = candidate.getMetadata().getCreationTimestamp();
        String baselineCreated =
                baseline == null ? null : baseline.getMetadata().getCreationTimestamp();
        boolean olderThanBaseline = candidateCreated != null
                && baselineCreated != null
                && Instant.parse(candidateCreated).isBefore(Instant.parse(baselineCreated));
        return servedBefore || olderThanBaseline;
    }

    /** The Deployment carries this check's hold mark for {@code revision}. */
    public static boolean heldBy(Deployment deployment, String checkName, Long revision) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        return annotations != null && RolloutActions.mark(checkName, revision).equals(annotations.get(HELD_BY));
    }

    /** The name of the check whose hold mark the Deployment carries, else null (names never contain '@'). */
    public static String holdingCheck(Deployment deployment) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        String mark = annotations == null ? null : annotations.get(HELD_BY);
        int at = mark == null ? -1 : mark.lastIndexOf('@');
        return at <= 0 ? null : mark.substring(0, at);
    }

    /** Pods of the ReplicaSet that are ready, 0 when unknown. */
    static int ready(ReplicaSet rs) {
        Integer ready = rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas();
        return ready == null ? 0 : ready;
    }

    /** Pods the ReplicaSet is asked to run; null when the cache does not say. */
    static Integer wanted(ReplicaSet rs) {
        return rs.getSpec() == null ? null : rs.getSpec().getReplicas();
    }

    private static int pods(IntOrString value, int replicas, boolean roundUp) {
        IntOrString v = value == null ? QUARTER : value;
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String text = v.getStrVal().trim();
        double percent = Double.parseDouble(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
        double exact = replicas * percent / 100.0;
        return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
    }
}
