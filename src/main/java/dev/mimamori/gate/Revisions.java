package dev.mimamori.gate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads Deployment revisions the way the Deployment controller writes them (the revision annotation). */
public final class Revisions {
    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String SERVICE_LABEL = "tags.datadoghq.com/service";
    public static final String ENV_LABEL = "tags.datadoghq.com/env";
    public static final String VERSION_LABEL = "tags.datadoghq.com/version";
    /** On an automatic ReleaseCheck: the revision it was created for. */
    public static final String CHECK_REVISION_LABEL = "mimamori.dev/revision";

    private Revisions() {}

    public static Long revisionOf(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(REVISION);
        try {
            return value == null ? null : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The ReplicaSets the Deployment owns. */
    public static List<ReplicaSet> owned(Deployment deployment, List<ReplicaSet> replicaSets) {
        String uid = deployment.getMetadata().getUid();
        return replicaSets.stream()
                .filter(rs -> rs.getMetadata().getOwnerReferences() != null
                        && rs.getMetadata().getOwnerReferences().stream()
                                .anyMatch(o -> uid != null && uid.equals(o.getUid())))
                .toList();
    }

    public static Optional<ReplicaSet> withRevision(List<ReplicaSet> owned, long revision) {
        return owned.stream()
                .filter(rs -> Long.valueOf(revision).equals(revisionOf(rs)))
                .findFirst();
    }

    /** The newest revision older than {@code revision}: what `kubectl rollout undo` goes back to. */
    public static Optional<ReplicaSet> previous(List<ReplicaSet> owned, long revision) {
        return owned.stream()
                .filter(rs -> revisionOf(rs) != null && revisionOf(rs) < revision)
                .max(Comparator.comparingLong(Revisions::revisionOf));
    }

    /** A label of the pod template, falling back to the object's own labels. */
    public static String templateLabel(Deployment deployment, String key) {
        String fromTemplate =
                label(deployment.getSpec() == null ? null : deployment.getSpec().getTemplate(), key);
        if (fromTemplate != null) {
            return fromTemplate;
        }
        Map<String, String> own = deployment.getMetadata().getLabels();
        return own == null ? null : own.get(key);
    }

    public static String templateLabel(ReplicaSet rs, String key) {
        return label(rs.getSpec() == null ? null : rs.getSpec().getTemplate(), key);
    }

    private static String label(PodTemplateSpec template, String key) {
        Map<String, String> labels = template == null || template.getMetadata() == null
                ? null
                : template.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }
}
