package dev.mimamori.gate;

import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseInfo;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogEvent;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.status.KubeEvents;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a decided check does to its Deployment and tells Datadog. Everything done to the Deployment is one JSON patch
 * that first tests the revision the verdict judged: if a newer rollout got there first, the API server refuses the
 * whole patch and nothing is done. The patch also names the check, so a retried action is recognised and not repeated.
 */
@ApplicationScoped
public class RolloutActions {
    /** Carries the last verdict; the value {@link #OPT_OUT} instead opts the Deployment out of automatic checks. */
    public static final String RESULT_ANNOTATION = "mimamori.dev/release-check";

    public static final String OPT_OUT = "disabled";
    public static final String SUMMARY_ANNOTATION = "mimamori.dev/release-check-summary";
    public static final String CHECK_ANNOTATION = "mimamori.dev/release-check-name";

    /**
     * What the action writes to say which check acted on which revision: the name alone would let a check created
     * again under the same name (as pipelines do) take an older check's action for its own and skip it.
     */
    public static String mark(String checkName, Long revision) {
        return checkName + "@" + revision;
    }

    public static final String ROLLED_BACK_BY = "mimamori.dev/rolled-back-by";
    private static final String POD_TEMPLATE_HASH = "pod-template-hash";

    private final KubernetesClient client;
    private final DatadogApi datadog;
    private final KubeEvents events;
    private final Workloads workloads;

    public RolloutActions(KubernetesClient client, DatadogApi datadog, KubeEvents events, Workloads workloads) {
        this.client = client;
        this.datadog = datadog;
        this.events = events;
        this.workloads = workloads;
    }

    /** The message for a plan whose Deployment has left the judged revision. */
    static String movedOn(ActionPlan plan, Long current) {
        return "not acted: Deployment " + plan.workload() + " is at revision " + current + ", no longer at the judged"
                + " revision " + plan.release().revision + "; nothing done";
    }

    /** Carries out the plan on {@code deployment}, the Deployment as last seen at the judged revision. */
    public ActionPlan.Done carryOut(ActionPlan plan, Deployment deployment) {
        List<Map<String, Object>> patch = new ArrayList<>();
        patch.add(Map.of(
                "op",
                "test",
                "path",
                annotationPath(Revisions.REVISION),
                "value",
                String.valueOf(plan.release().revision)));
        if (plan.changesRollout() && plan.type() == OnFailure.Rollback) {
            String newer = newerTemplate(deployment, plan.release());
            if (newer != null) {
                return new ActionPlan.Done(ActionPlan.Result.FAILED, newer);
            }
            PodTemplateSpec template = baselineTemplate(deployment, plan.release());
            if (template == null) {
                return new ActionPlan.Done(
                        ActionPlan.Result.FAILED,
                        plan.release().baselineRevision == null
                                ? "no previous revision to roll back to; the Deployment was left as it is"
                                : "revision " + plan.release().baselineRevision
                                        + " (its ReplicaSet) no longer exists; the Deployment was left as it is");
            }
            patch.add(Map.of("op", "replace", "path", "/spec/template", "value", template));
            patch.add(Map.of("op", "add", "path", annotationPath(ROLLED_BACK_BY), "value", plan.checkName()));
        } else if (plan.changesRollout() && plan.type() == OnFailure.Pause) {
            patch.add(Map.of("op", "add", "path", "/spec/paused", "value", true));
        }
        Map<String, String> current = deployment.getMetadata().getAnnotations();
        // A person's opt-out lives in the same key and is never overwritten.
        if (current == null || !OPT_OUT.equals(current.get(RESULT_ANNOTATION))) {
            patch.add(Map.of(
                    "op",
                    "add",
                    "path",
                    annotationPath(RESULT_ANNOTATION),
                    "value",
                    plan.outcome().word()));
        }
        String lifted = "";
        if (CanaryHold.heldBy(deployment, plan.checkName(), plan.release().revision)) {
            // A rollback must unpause too: a paused Deployment does not roll out the restored template.
            boolean keepPaused = plan.changesRollout() && plan.type() == OnFailure.Pause;
            patch.add(Map.of("op", "remove", "path", annotationPath(CanaryHold.HELD_BY)));
            if (!keepPaused) {
                patch.add(Map.of("op", "add", "path", "/spec/paused", "value", false));
            }
            lifted = keepPaused ? "; the rollout stays held" : "; hold lifted, the rollout goes on";
        }
        patch.add(Map.of("op", "add", "path", annotationPath(SUMMARY_ANNOTATION), "value", plan.summary()));
        patch.add(Map.of(
                "op",
                "add",
                "path",
                annotationPath(CHECK_ANNOTATION),
                "value",
                mark(plan.checkName(), plan.release().revision)));
        ActionPlan.Done refused = apply(plan, deployment, patch);
        if (refused != null) {
            return refused;
        }
        String outcome = plan.outcome().word();
        events.record(
                deployment,
                plan.outcome() == Outcome.PASSED ? KubeEvents.NORMAL : KubeEvents.WARNING,
                "ReleaseCheck" + Character.toUpperCase(outcome.charAt(0)) + outcome.substring(1),
                plan.checkName() + ": " + plan.summary());
        return new ActionPlan.Done(ActionPlan.Result.DONE, plan.phrase() + lifted + postDatadogEvent(plan));
    }

    /**
     * Pauses the Deployment for a concurrent comparison and marks it as held by the check, in one patch that first
     * tests the revision: a newer rollout refuses it.
     */
    public ActionPlan.Done hold(Deployment deployment, String checkName, Long revision) {
        List<Map<String, Object>> patch = List.of(
                Map.of("op", "test", "path", annotationPath(Revisions.REVISION), "value", String.valueOf(revision)),
                Map.of("op", "add", "path", "/spec/paused", "value", true),
                Map.of("op", "add", "path", annotationPath(CanaryHold.HELD_BY), "value", mark(checkName, revision)));
        var resource = resourceOf(deployment);
        try {
            resource.patch(PatchContext.of(PatchType.JSON), Serialization.asJson(patch));
            return new ActionPlan.Done(ActionPlan.Result.DONE, "paused");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 422) {
                throw e;
            }
            Deployment live = resource.get();
            if (live == null) {
                return new ActionPlan.Done(
                        ActionPlan.Result.FAILED,
                        "Deployment " + deployment.getMetadata().getName() + " no longer exists; nothing held");
            }
            return new ActionPlan.Done(
                    ActionPlan.Result.SUPERSEDED,
                    "Deployment " + deployment.getMetadata().getName() + " moved on to revision "
                            + Revisions.revisionOf(live) + " before it could be held; nothing done");
        }
    }

    /**
     * Resumes a Deployment this check holds, for a check that ends without a verdict's action. The patch tests the
     * hold mark, so a Deployment resumed or re-held by someone else is left alone.
     */
    public ActionPlan.Done lift(Deployment deployment, String checkName, Long revision) {
        return lift(client, deployment, mark(checkName, revision))
                ? new ActionPlan.Done(ActionPlan.Result.DONE, "hold lifted, the rollout goes on")
                : new ActionPlan.Done(ActionPlan.Result.DONE, "the Deployment was no longer held by this check");
    }

    /**
     * Resumes the Deployment if its hold mark is still exactly {@code heldBy}: true when it did, false when the mark
     * (or the Deployment) had gone or changed. Static for the rollout controller, which lifts deleted checks' holds.
     */
    public static boolean lift(KubernetesClient client, Deployment deployment, String heldBy) {
        List<Map<String, Object>> patch = List.of(
                Map.of("op", "test", "path", annotationPath(CanaryHold.HELD_BY), "value", heldBy),
                Map.of("op", "add", "path", "/spec/paused", "value", false),
                Map.of("op", "remove", "path", annotationPath(CanaryHold.HELD_BY)));
        try {
            resourceOf(client, deployment).patch(PatchContext.of(PatchType.JSON), Serialization.asJson(patch));
            return true;
        } catch (KubernetesClientException e) {
            // 422: the mark changed or went; 404: the Deployment went, and no hold with it.
            if (e.getCode() != 422 && e.getCode() != 404) {
                throw e;
            }
            return false;
        }
    }

    private RollableScalableResource<Deployment> resourceOf(Deployment deployment) {
        return resourceOf(client, deployment);
    }

    private static RollableScalableResource<Deployment> resourceOf(KubernetesClient client, Deployment deployment) {
        return client.apps()
                .deployments()
                .inNamespace(deployment.getMetadata().getNamespace())
                .withName(deployment.getMetadata().getName());
    }

    /** Sends the patch; null when it was applied, else why not (read back from the live Deployment). */
    private ActionPlan.Done apply(ActionPlan plan, Deployment deployment, List<Map<String, Object>> patch) {
        var resource = resourceOf(deployment);
        try {
            resource.patch(PatchContext.of(PatchType.JSON), Serialization.asJson(patch));
            return null;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 422) {
                throw e;
            }
            Deployment live = resource.get();
            if (live == null) {
                return new ActionPlan.Done(
                        ActionPlan.Result.FAILED, "Deployment " + plan.workload() + " no longer exists; nothing done");
            }
            Map<String, String> annotations = live.getMetadata().getAnnotations();
            if (annotations != null
                    && mark(plan.checkName(), plan.release().revision).equals(annotations.get(CHECK_ANNOTATION))) {
                return new ActionPlan.Done(ActionPlan.Result.DONE, plan.phrase());
            }
            Long revision = Revisions.revisionOf(live);
            if (!String.valueOf(plan.release().revision).equals(String.valueOf(revision))) {
                return new ActionPlan.Done(ActionPlan.Result.SUPERSEDED, movedOn(plan, revision));
            }
            return new ActionPlan.Done(
                    ActionPlan.Result.FAILED,
                    "the API server refused the change: " + e.getStatus().getMessage());
        }
    }

    /**
     * Why a rollback would discard a pod template set after the judged revision, else null. A paused Deployment (a
     * concurrent hold) takes a new template without making a new revision, so the revision test cannot see it; the
     * comparison is the Deployment controller's own, the templates equal but for the ReplicaSet's hash label.
     */
    private String newerTemplate(Deployment deployment, ReleaseInfo release) {
        Deployment live = resourceOf(deployment).get();
        PodTemplateSpec judged = templateOf(deployment, release.revision);
        if (live == null
                || live.getSpec() == null
                || judged == null
                || judged.equals(live.getSpec().getTemplate())) {
            return null;
        }
        return "the pod template of Deployment " + deployment.getMetadata().getName() + " was changed after revision "
                + release.revision + " was judged, without a new revision (the rollout was paused); rolling back"
                + " would discard that change, so nothing was rolled back"
                + (Boolean.TRUE.equals(live.getSpec().getPaused())
                        ? " and the rollout stays paused: kubectl rollout resume rolls out the new template"
                        : "");
    }

    /** The pod template of the judged release's previous revision, without the ReplicaSet's own hash label. */
    private PodTemplateSpec baselineTemplate(Deployment deployment, ReleaseInfo release) {
        return templateOf(deployment, release.baselineRevision);
    }

    /** The pod template of a revision's ReplicaSet without its hash label; null when there is none. */
    private PodTemplateSpec templateOf(Deployment deployment, Long revision) {
        if (revision == null) {
            return null;
        }
        ReplicaSet cached = Revisions.withRevision(workloads.replicaSetsOf(deployment), revision)
                .orElse(null);
        // The caches keep no pod specs: a template is read when it is needed.
        ReplicaSet full = cached == null
                ? null
                : workloads.replicaSet(
                        deployment.getMetadata().getNamespace(),
                        cached.getMetadata().getName());
        if (full == null || full.getSpec() == null || full.getSpec().getTemplate() == null) {
            return null;
        }
        PodTemplateSpec template = Serialization.clone(full.getSpec().getTemplate());
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            template.getMetadata().getLabels().remove(POD_TEMPLATE_HASH);
        }
        return template;
    }

    private static String annotationPath(String key) {
        return "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1");
    }

    /** Best effort: a Datadog outage must not undo or repeat what was done to the Deployment. */
    private String postDatadogEvent(ActionPlan plan) {
        ReleaseInfo release = plan.release();
        String alertType = switch (plan.outcome()) {
            case PASSED -> "success";
            case FAILED -> "error";
            case INCONCLUSIVE -> "warning";
        };
        String outcome = plan.outcome().word();
        try {
            datadog.postEvent(new DatadogEvent(
                    "Release check " + outcome + ": " + release.service + " " + release.candidateVersion,
                    plan.summary() + "\n\nReleaseCheck " + plan.namespace() + "/" + plan.checkName(),
                    List.of(
                            "service:" + release.service,
                            "env:" + release.env,
                            "version:" + release.candidateVersion,
                            "source:mimamori",
                            "release-check:" + outcome),
                    alertType));
            return "";
        } catch (DatadogException e) {
            return " (Datadog event not posted: " + e.getMessage() + ")";
        }
    }
}
