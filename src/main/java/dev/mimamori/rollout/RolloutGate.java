package dev.mimamori.rollout;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ReleaseCheckTemplate;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.api.WorkloadSelector;
import dev.mimamori.gate.AnalysisSettings;
import dev.mimamori.gate.Revisions;
import dev.mimamori.gate.RolloutActions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides, purely, whether a Deployment's current revision needs a ReleaseCheck and what it looks like. One check per
 * revision, named after it, so a repeated decision (resync, restart) can only find the same name.
 */
public final class RolloutGate {
    public static final String WORKLOAD_LABEL = "mimamori.dev/workload";
    public static final String REVISION_LABEL = Revisions.CHECK_REVISION_LABEL;

    private RolloutGate() {}

    public static String checkName(Deployment deployment, long revision) {
        String name = deployment.getMetadata().getName() + "-" + revision;
        return name.length() <= 253 ? name : name.substring(name.length() - 253);
    }

    /** The ServiceMonitoring whose releaseCheck section selects this Deployment (first by name), if any. */
    public static Optional<ServiceMonitoring> gatingMonitoring(Deployment deployment, List<ServiceMonitoring> all) {
        Map<String, String> labels = deployment.getMetadata().getLabels() == null
                ? Map.of()
                : deployment.getMetadata().getLabels();
        return all.stream()
                .filter(RolloutGate::gates)
                .filter(sm -> deployment
                        .getMetadata()
                        .getNamespace()
                        .equals(sm.getMetadata().getNamespace()))
                .filter(sm -> matches(selectorOf(sm), labels))
                .min(Comparator.comparing(sm -> sm.getMetadata().getName()));
    }

    /** The Deployments of its namespace a gating ServiceMonitoring's selector picks. */
    static Stream<Deployment> selected(ServiceMonitoring sm, Stream<Deployment> inNamespace) {
        WorkloadSelector selector = selectorOf(sm);
        return inNamespace.filter(d -> matches(
                selector,
                d.getMetadata().getLabels() == null ? Map.of() : d.getMetadata().getLabels()));
    }

    /** Whether two versions of a ServiceMonitoring gate the same Deployments the same way (a status write does). */
    static boolean sameGate(ServiceMonitoring a, ServiceMonitoring b) {
        boolean gatesA = gates(a);
        if (gatesA != gates(b)) {
            return false;
        }
        return !gatesA
                || (Objects.equals(a.getSpec().service, b.getSpec().service)
                        && Serialization.asJson(a.getSpec().releaseCheck)
                                .equals(Serialization.asJson(b.getSpec().releaseCheck)));
    }

    /** True when the ServiceMonitoring's releaseCheck section is on, so that it may gate Deployments. */
    public static boolean gates(ServiceMonitoring sm) {
        return sm.getSpec() != null
                && sm.getSpec().releaseCheck != null
                && sm.getSpec().releaseCheck.gatesRollouts();
    }

    /** The check to create for the Deployment's current revision, or empty when there is nothing to gate. */
    public static Optional<ReleaseCheck> checkFor(
            Deployment deployment, ServiceMonitoring gating, List<ReplicaSet> replicaSets, Instant now) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        if (annotations != null && RolloutActions.OPT_OUT.equals(annotations.get(RolloutActions.RESULT_ANNOTATION))) {
            return Optional.empty();
        }
        Long revision = Revisions.revisionOf(deployment);
        if (revision == null) {
            return Optional.empty();
        }
        ReleaseCheckTemplate template = gating.getSpec().releaseCheck;
        Optional<ReplicaSet> current = Revisions.withRevision(Revisions.owned(deployment, replicaSets), revision);
        if (current.isEmpty() || !isRecent(current.get(), template, now)) {
            // A revision rolled out long ago (the operator was just installed, or a rollback to an old
            // ReplicaSet) has no "after" window worth comparing.
            return Optional.empty();
        }
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace(deployment.getMetadata().getNamespace())
                .withName(checkName(deployment, revision))
                .addToLabels(WORKLOAD_LABEL, deployment.getMetadata().getName())
                .addToLabels(REVISION_LABEL, String.valueOf(revision))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName(deployment.getMetadata().getName())
                        .withUid(deployment.getMetadata().getUid())
                        .build())
                .build());
        ReleaseCheckSpec spec = new ReleaseCheckSpec();
        spec.workload = new WorkloadRef();
        spec.workload.name = deployment.getMetadata().getName();
        spec.service = gating.getSpec().service;
        spec.env = gating.getSpec().env;
        spec.profile = gating.getSpec().profileName();
        spec.comparison = template.comparison;
        spec.analysis = template.analysis;
        spec.metrics = template.metrics;
        spec.onFailure = template.onFailure;
        spec.onInconclusive = template.onInconclusive;
        check.setSpec(spec);
        return Optional.of(check);
    }

    /** Checks beyond the history limit, oldest first, for deletion. */
    public static List<ReleaseCheck> beyondHistory(List<ReleaseCheck> checksOfDeployment, int historyLimit) {
        List<ReleaseCheck> newestFirst = checksOfDeployment.stream()
                .sorted(Comparator.comparingLong(RolloutGate::revisionLabel).reversed())
                .toList();
        return newestFirst.size() <= historyLimit ? List.of() : newestFirst.subList(historyLimit, newestFirst.size());
    }

    private static long revisionLabel(ReleaseCheck check) {
        Map<String, String> labels = check.getMetadata().getLabels();
        try {
            return labels == null ? 0 : Long.parseLong(labels.getOrDefault(REVISION_LABEL, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRecent(ReplicaSet rs, ReleaseCheckTemplate template, Instant now) {
        String created = rs.getMetadata().getCreationTimestamp();
        if (created == null) {
            return true;
        }
        AnalysisSettings settings;
        try {
            settings = AnalysisSettings.of(template.analysis);
        } catch (IllegalArgumentException e) {
            // the check still gets created and ends InvalidSpec with this message where the team sees it;
            // throwing here would retry the Deployment's reconcile for ever
            return true;
        }
        Duration window = settings.warmup().plus(settings.duration());
        return Instant.parse(created).plus(window).isAfter(now);
    }

    static WorkloadSelector selectorOf(ServiceMonitoring sm) {
        WorkloadSelector selector = sm.getSpec().releaseCheck.workloadSelector;
        if (selector != null) {
            return selector;
        }
        WorkloadSelector byService = new WorkloadSelector();
        byService.matchLabels = Map.of(Revisions.SERVICE_LABEL, sm.getSpec().service);
        return byService;
    }

    /** Kubernetes label selector semantics: matchLabels and In, NotIn, Exists, DoesNotExist. */
    static boolean matches(WorkloadSelector selector, Map<String, String> labels) {
        if (selector.matchLabels != null) {
            for (Map.Entry<String, String> e : selector.matchLabels.entrySet()) {
                if (e.getValue() == null || !e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.matchExpressions != null) {
            for (WorkloadSelector.Requirement r : selector.matchExpressions) {
                String value = labels.get(r.key);
                List<String> values = r.values == null ? List.of() : r.values;
                boolean ok = switch (String.valueOf(r.operator)) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
