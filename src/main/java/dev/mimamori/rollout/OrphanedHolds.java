package dev.mimamori.rollout;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.gate.CanaryHold;
import dev.mimamori.gate.RolloutActions;
import dev.mimamori.status.KubeEvents;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Resumes a Deployment held for a concurrent comparison whose ReleaseCheck was deleted: only the check lifts its own
 * hold, so without this the rollout would stay paused for ever. The rollout controller, which sees every Deployment
 * change, does it rather than a finalizer on every ReleaseCheck, which would block the deletion of checks (and of
 * their namespace) while the operator is down. A pause without mimamori's {@code held-by} mark is never touched.
 */
final class OrphanedHolds {
    private static final Logger LOG = Logger.getLogger(OrphanedHolds.class);

    private final KubernetesClient client;
    private final KubeEvents events;

    OrphanedHolds(KubernetesClient client, KubeEvents events) {
        this.client = client;
        this.events = events;
    }

    /**
     * Lifts the Deployment's hold if the check named in its mark no longer exists; {@code cached} says whether the
     * rollout controller's cache holds a check of that name. The cache can lag a check just created (which may
     * already hold the Deployment through its own controller's cache), so absence is confirmed with the API server.
     */
    void liftIfOrphaned(Deployment deployment, Predicate<String> cached) {
        String holder = CanaryHold.holdingCheck(deployment);
        if (holder == null || cached.test(holder)) {
            return;
        }
        String namespace = deployment.getMetadata().getNamespace();
        if (client.resources(ReleaseCheck.class)
                        .inNamespace(namespace)
                        .withName(holder)
                        .get()
                != null) {
            return;
        }
        String mark = deployment.getMetadata().getAnnotations().get(CanaryHold.HELD_BY);
        // The patch tests the mark, so a hold taken over or resumed since this Deployment was read is left alone.
        if (!RolloutActions.lift(client, deployment, mark)) {
            return;
        }
        String name = deployment.getMetadata().getName();
        LOG.infof("%s/%s: ReleaseCheck %s that held the rollout was deleted; resumed it", namespace, name, holder);
        events.record(
                deployment,
                KubeEvents.NORMAL,
                "HoldLifted",
                "ReleaseCheck " + holder + " that held this rollout no longer exists; the rollout goes on");
    }
}
