package dev.mimamori.gate;

import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseInfo;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogEvent;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.status.KubeEvents;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished check does to its Deployment and tells Datadog. Each action is idempotent: the Deployment carries
 * which check rolled it back, so a retried or restarted action never rolls back twice.
 */
@ApplicationScoped
public class RolloutActions {
    /** Carries the last verdict; the value {@link #OPT_OUT} instead opts the Deployment out of automatic checks. */
    public static final String RESULT_ANNOTATION = "mimamori.dev/release-check";
    public static final String OPT_OUT = "disabled";
    public static final String SUMMARY_ANNOTATION = "mimamori.dev/release-check-summary";
    public static final String CHECK_ANNOTATION = "mimamori.dev/release-check-name";
    public static final String ROLLED_BACK_BY = "mimamori.dev/rolled-back-by";
    private static final String POD_TEMPLATE_HASH = "pod-template-hash";

    private final KubernetesClient client;
    private final DatadogApi datadog;
    private final KubeEvents events;

    public RolloutActions(KubernetesClient client, DatadogApi datadog, KubeEvents events) {
        this.client = client;
        this.datadog = datadog;
        this.events = events;
    }

    /** The action's outcome: a phrase for the message ("rolled back to revision 6"), or a failure. */
    public record Result(boolean done, String message) {
    }

    /**
     * Acts for a decided check. {@code outcome} is passed, failed or inconclusive (after onInconclusive), and
     * {@code failureAction} applies only when it is failed.
     */
    public Result act(ReleaseCheck check, ReleaseInfo release, String outcome, OnFailure failureAction,
            String summary) {
        String namespace = check.getMetadata().getNamespace();
        String name = check.getSpec().workload.name;
        Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (deployment == null) {
            return new Result(false, "Deployment " + name + " no longer exists; nothing done");
        }
        String actionPhrase;
        if ("failed".equals(outcome) && failureAction == OnFailure.Rollback) {
            Result rollback = rollback(check, deployment, release);
            if (!rollback.done()) {
                return rollback;
            }
            actionPhrase = rollback.message();
        } else if ("failed".equals(outcome) && failureAction == OnFailure.Pause) {
            mergePatch(deployment, Map.of("spec", Map.of("paused", true)));
            actionPhrase = "paused the rollout";
        } else {
            actionPhrase = "failed".equals(outcome) ? "flagged" : "annotated";
        }
        Map<String, Object> annotations = new HashMap<>();
        Map<String, String> current = deployment.getMetadata().getAnnotations();
        // A person's opt-out lives in the same key and is never overwritten.
        if (current == null || !OPT_OUT.equals(current.get(RESULT_ANNOTATION))) {
            annotations.put(RESULT_ANNOTATION, outcome);
        }
        annotations.put(SUMMARY_ANNOTATION, summary);
        annotations.put(CHECK_ANNOTATION, check.getMetadata().getName());
        mergePatch(deployment, Map.of("metadata", Map.of("annotations", annotations)));
        events.record(deployment, "passed".equals(outcome) ? KubeEvents.NORMAL : KubeEvents.WARNING,
                "ReleaseCheck" + capitalise(outcome), check.getMetadata().getName() + ": " + summary);
        String note = postDatadogEvent(check, release, outcome, summary);
        return new Result(true, actionPhrase + note);
    }

    private Result rollback(ReleaseCheck check, Deployment deployment, ReleaseInfo release) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        String checkName = check.getMetadata().getName();
        if (annotations != null && checkName.equals(annotations.get(ROLLED_BACK_BY))) {
            return new Result(true, "rolled back to revision " + release.baselineRevision);
        }
        if (release.baselineRevision == null) {
            return new Result(false, "no previous revision to roll back to; the Deployment was left as it is");
        }
        List<ReplicaSet> owned = Revisions.owned(deployment, client.apps().replicaSets()
                .inNamespace(deployment.getMetadata().getNamespace()).list().getItems());
        ReplicaSet previous = Revisions.withRevision(owned, release.baselineRevision).orElse(null);
        if (previous == null || previous.getSpec() == null || previous.getSpec().getTemplate() == null) {
            return new Result(false, "revision " + release.baselineRevision
                    + " (its ReplicaSet) no longer exists; the Deployment was left as it is");
        }
        PodTemplateSpec template = Serialization.clone(previous.getSpec().getTemplate());
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            template.getMetadata().getLabels().remove(POD_TEMPLATE_HASH);
        }
        // One JSON patch: the template and the marker land together, so a retry sees the marker and stops.
        String patch = Serialization.asJson(List.of(
                Map.of("op", "replace", "path", "/spec/template", "value", template),
                Map.of("op", "add", "path", "/metadata/annotations/" + ROLLED_BACK_BY.replace("/", "~1"),
                        "value", checkName)));
        if (deployment.getMetadata().getAnnotations() == null) {
            mergePatch(deployment, Map.of("metadata", Map.of("annotations", Map.of())));
        }
        client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
                .withName(deployment.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON), patch);
        return new Result(true, "rolled back to revision " + release.baselineRevision);
    }

    private void mergePatch(Deployment deployment, Map<String, Object> patch) {
        client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
                .withName(deployment.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
    }

    /** Best effort: a Datadog outage must not undo or repeat what was done to the Deployment. */
    private String postDatadogEvent(ReleaseCheck check, ReleaseInfo release, String outcome, String summary) {
        String alertType = switch (outcome) {
            case "passed" -> "success";
            case "failed" -> "error";
            default -> "warning";
        };
        try {
            datadog.postEvent(new DatadogEvent("Release check " + outcome + ": " + release.service + " "
                    + release.candidateVersion, summary + "\n\nReleaseCheck " + check.getMetadata().getNamespace()
                    + "/" + check.getMetadata().getName(),
                    List.of("service:" + release.service, "env:" + release.env, "version:" + release.candidateVersion,
                            "source:mimamori", "release-check:" + outcome),
                    alertType));
            return "";
        } catch (DatadogException e) {
            return " (Datadog event not posted: " + e.getMessage() + ")";
        }
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
