package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whether a Deployment's rolling update lets both versions serve together, as the Deployment controller rolls. */
class CanaryHoldTest {

    static Deployment rolling(Integer replicas, Object maxSurge, Object maxUnavailable) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("checkout")
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxSurge(maxSurge == null ? null : new IntOrString(maxSurge))
                .withMaxUnavailable(maxUnavailable == null ? null : new IntOrString(maxUnavailable))
                .endRollingUpdate()
                .endStrategy()
                .endSpec()
                .build();
    }

    @Test
    void theDefaultRollingUpdateOverlapsTheVersionsEvenWithOneReplica() {
        assertThat(CanaryHold.overlapProblem(rolling(3, null, null))).isNull();
        assertThat(CanaryHold.overlapProblem(rolling(1, null, null))).isNull();
        assertThat(CanaryHold.overlapProblem(rolling(null, null, null))).isNull();
    }

    @Test
    void oneReplicaWithoutSurgeStopsTheOldPodFirst() {
        assertThat(CanaryHold.overlapProblem(rolling(1, 0, null)))
                .contains("1 replica with maxSurge 0 and maxUnavailable 1", "never serve together");
        assertThat(CanaryHold.overlapProblem(rolling(1, "0%", "25%"))).contains("maxUnavailable 1");
    }

    @Test
    void withoutSurgeSeveralReplicasStillOverlapUnlessAllMayGoAtOnce() {
        assertThat(CanaryHold.overlapProblem(rolling(4, 0, 1))).isNull();
        assertThat(CanaryHold.overlapProblem(rolling(4, 1, "100%"))).contains("4 replicas");
    }

    @Test
    void recreateZeroReplicasAndNonsenseAreRefusedWithTheReason() {
        Deployment recreate = rolling(3, null, null);
        recreate.getSpec().getStrategy().setType("Recreate");
        recreate.getSpec().getStrategy().setRollingUpdate(null);
        assertThat(CanaryHold.overlapProblem(recreate)).contains("Recreate");
        assertThat(CanaryHold.overlapProblem(rolling(0, null, null))).contains("scaled to zero");
        assertThat(CanaryHold.overlapProblem(rolling(3, "lots", null))).contains("neither a number nor a percentage");
    }

    static ReplicaSet replicaSet(long revision, String created, String history) {
        ReplicaSetBuilder rs = new ReplicaSetBuilder()
                .withNewMetadata()
                .withName("checkout-" + revision)
                .withCreationTimestamp(created)
                .addToAnnotations(Revisions.REVISION, String.valueOf(revision))
                .endMetadata();
        if (history != null) {
            rs.editMetadata()
                    .addToAnnotations(CanaryHold.REVISION_HISTORY, history)
                    .endMetadata();
        }
        return rs.build();
    }

    @Test
    void aReturnToAnEarlierTemplateIsNeverHeldSoARollbackFinishesQuickly() {
        ReplicaSet first = replicaSet(1, "2026-12-04T10:00:00Z", null);
        ReplicaSet second = replicaSet(2, "2026-12-04T11:00:00Z", null);
        assertThat(CanaryHold.rollbackProblem(List.of(first, second), 2L, 1L)).isNull();

        // The controller reuses the first template's ReplicaSet as revision 3 and records what it served before.
        ReplicaSet undone = replicaSet(3, "2026-12-04T10:00:00Z", "1");
        assertThat(CanaryHold.rollbackProblem(List.of(undone, second), 3L, 2L))
                .contains("revision 3 returns to an earlier pod template (a rollback)");
        // Without the history annotation its creation time, older than the version it replaces, tells the same.
        ReplicaSet undoneWithoutHistory = replicaSet(3, "2026-12-04T10:00:00Z", null);
        assertThat(CanaryHold.rollbackProblem(List.of(undoneWithoutHistory, second), 3L, 2L))
                .isNotNull();
        assertThat(CanaryHold.rollbackProblem(List.of(second), 3L, 2L)).isNull();
    }
}
