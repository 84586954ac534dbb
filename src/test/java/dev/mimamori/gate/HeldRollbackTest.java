package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseInfo;
import dev.mimamori.status.KubeEvents;
import dev.mimamori.testing.InMemoryDatadog;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.MovableClock;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rollback of a held rollout against the API server: a paused Deployment takes a new pod template without making a
 * new revision, so the revision the verdict judged is no proof that the template is still the judged one.
 */
class HeldRollbackTest {
    static MockCluster cluster;
    static KubernetesClient client;
    static RolloutActions actions;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start();
        client = cluster.client();
        actions = new RolloutActions(
                client, new InMemoryDatadog(), new KubeEvents(client, MovableClock.INSTANCE), new Workloads(client));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** checkout at revision 2 (2.0.0, revision 1 ran 1.0.0), paused and marked as held by check checkout-2. */
    static Deployment held(String namespace) {
        Deployment deployment = Rollouts.deploy(client, namespace, "checkout", "checkout", "prod", "1.0.0", "2.0.0");
        return client.resource(deployment).edit(d -> {
            d.getSpec().setPaused(true);
            d.getMetadata().getAnnotations().put(CanaryHold.HELD_BY, RolloutActions.mark("checkout-2", 2L));
            return d;
        });
    }

    static ActionPlan rollback(String namespace) {
        ReleaseInfo release = new ReleaseInfo();
        release.service = "checkout";
        release.env = "prod";
        release.candidateVersion = "2.0.0";
        release.baselineVersion = "1.0.0";
        release.revision = 2L;
        release.baselineRevision = 1L;
        release.mode = ReleaseResolution.MODE_CONCURRENT;
        return new ActionPlan(
                namespace, "checkout-2", "checkout", OnFailure.Rollback, Outcome.FAILED, release, "p95 +40%: failed");
    }

    static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    @Test
    void aTemplatePushedWhileHeldIsNotDiscardedByTheRollback() {
        Deployment deployment = held("held-push");
        // Someone ships 3.0.0 during the hold: the controller makes no revision 3 while the Deployment is paused.
        Deployment pushed = client.resource(deployment).edit(d -> {
            d.getSpec().setTemplate(Rollouts.template("checkout", "checkout", "prod", "3.0.0"));
            return d;
        });
        assertThat(pushed.getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "2");

        ActionPlan.Done done = actions.carryOut(rollback("held-push"), pushed);

        Deployment after = client.resource(deployment).get();
        assertThat(done.result()).isEqualTo(ActionPlan.Result.FAILED);
        assertThat(done.message())
                .contains("was changed after revision 2 was judged")
                .contains("nothing was rolled back")
                .contains("stays paused");
        assertThat(image(after)).isEqualTo("registry.example/checkout:3.0.0");
        assertThat(after.getSpec().getPaused()).isTrue();
    }

    @Test
    void aHeldRolloutWhoseTemplateIsTheJudgedOneIsRolledBackAndResumed() {
        Deployment deployment = held("held-same");

        ActionPlan.Done done = actions.carryOut(rollback("held-same"), deployment);

        Deployment after = client.resource(deployment).get();
        assertThat(done.result()).isEqualTo(ActionPlan.Result.DONE);
        assertThat(done.message()).startsWith("rolled back to revision 1");
        assertThat(image(after)).isEqualTo("registry.example/checkout:1.0.0");
        assertThat(after.getSpec().getPaused()).isFalse();
    }
}
