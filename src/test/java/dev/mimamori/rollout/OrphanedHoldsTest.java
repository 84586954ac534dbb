package dev.mimamori.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.gate.CanaryHold;
import dev.mimamori.gate.RolloutActions;
import dev.mimamori.status.KubeEvents;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.MovableClock;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A hold whose ReleaseCheck is gone is lifted; a live check's hold and a pause mimamori did not make are kept. */
class OrphanedHoldsTest {
    static MockCluster cluster;
    static KubernetesClient client;
    static OrphanedHolds holds;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start();
        client = cluster.client();
        holds = new OrphanedHolds(client, new KubeEvents(client, MovableClock.INSTANCE));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** checkout at revision 2, paused; marked as held by {@code holder} at revision 2 unless it is null. */
    static Deployment paused(String namespace, String holder) {
        Deployment deployment = Rollouts.deploy(client, namespace, "checkout", "checkout", "prod", "1.0.0", "2.0.0");
        return client.resource(deployment).edit(d -> {
            d.getSpec().setPaused(true);
            if (holder != null) {
                d.getMetadata().getAnnotations().put(CanaryHold.HELD_BY, RolloutActions.mark(holder, 2L));
            }
            return d;
        });
    }

    static Deployment live(Deployment d) {
        return client.resource(d).get();
    }

    @Test
    void aHoldWhoseCheckWasDeletedIsLiftedAndSaidSo() {
        Deployment deployment = paused("orphan-deleted", "checkout-2");

        holds.liftIfOrphaned(deployment, name -> false);

        Deployment after = live(deployment);
        assertThat(after.getSpec().getPaused()).isFalse();
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKey(CanaryHold.HELD_BY);
        assertThat(client.v1().events().inNamespace("orphan-deleted").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("HoldLifted");
                    assertThat(e.getMessage()).contains("ReleaseCheck checkout-2", "no longer exists");
                });
    }

    @Test
    void aHoldWhoseCheckIsNotYetInTheCacheIsKept() {
        Deployment deployment = paused("orphan-lagging", "checkout-2");
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("orphan-lagging")
                .withName("checkout-2")
                .build());
        check.setSpec(new ReleaseCheckSpec());
        check.getSpec().workload = new WorkloadRef();
        check.getSpec().workload.name = "checkout";
        client.resource(check).create();

        holds.liftIfOrphaned(deployment, name -> false);

        Deployment after = live(deployment);
        assertThat(after.getSpec().getPaused()).isTrue();
        assertThat(after.getMetadata().getAnnotations()).containsEntry(CanaryHold.HELD_BY, "checkout-2@2");
    }

    @Test
    void aPauseWithoutMimamorisMarkIsLeftAlone() {
        Deployment deployment = paused("orphan-unmarked", null);

        holds.liftIfOrphaned(deployment, name -> false);

        assertThat(live(deployment).getSpec().getPaused()).isTrue();
    }

    @Test
    void aHoldTakenOverSinceTheDeploymentWasReadIsLeftAlone() {
        Deployment stale = paused("orphan-retaken", "checkout-2");
        client.resource(stale).edit(d -> {
            d.getMetadata().getAnnotations().put(CanaryHold.HELD_BY, RolloutActions.mark("checkout-again", 2L));
            return d;
        });

        holds.liftIfOrphaned(stale, name -> false);

        Deployment after = live(stale);
        assertThat(after.getSpec().getPaused()).isTrue();
        assertThat(after.getMetadata().getAnnotations()).containsEntry(CanaryHold.HELD_BY, "checkout-again@2");
    }

    @Test
    void aDeploymentDeletedSinceItWasReadIsNothingToLift() {
        Deployment deployment = paused("orphan-gone", "checkout-2");
        client.resource(deployment).delete();

        holds.liftIfOrphaned(deployment, name -> false);

        assertThat(client.v1().events().inNamespace("orphan-gone").list().getItems())
                .noneSatisfy(e -> assertThat(e.getReason()).isEqualTo("HoldLifted"));
    }
}
