package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
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
}
