package dev.mimamori.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import org.junit.jupiter.api.Test;

class ReducedStoresTest {

    /** As each ReplicaSet arrives from the API server: its own copy of every string. */
    private static ReplicaSet revision(String name, int revision) {
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName(name)
                .addToLabels(new String("tags.datadoghq.com/service"), new String("checkout"))
                .addToAnnotations(new String("deployment.kubernetes.io/revision"), String.valueOf(revision))
                .addNewOwnerReference()
                .withKind(new String("Deployment"))
                .withName(new String("checkout"))
                .withUid(new String("uid-1"))
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels(new String("tags.datadoghq.com/service"), new String("checkout"))
                .endMetadata()
                .endTemplate()
                .endSpec()
                .build();
    }

    @Test
    void revisionsOfAWorkloadShareTheirLabelAndOwnerStringsInTheCacheAndKeepWhatIsRead() {
        ReducedStateItemStore<ReplicaSet> store = ReducedStores.replicaSets();
        store.put("shop/checkout-1", revision("checkout-1", 1));
        store.put("shop/checkout-2", revision("checkout-2", 2));

        ReplicaSet first = store.get("shop/checkout-1");
        ReplicaSet second = store.get("shop/checkout-2");
        assertThat(second.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
        assertThat(second.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("tags.datadoghq.com/service", "checkout");
        assertThat(second.getMetadata().getLabels().get("tags.datadoghq.com/service"))
                .isSameAs(first.getMetadata().getLabels().get("tags.datadoghq.com/service"))
                .isSameAs(
                        first.getSpec().getTemplate().getMetadata().getLabels().get("tags.datadoghq.com/service"));
        assertThat(second.getMetadata().getOwnerReferences().get(0).getUid())
                .isSameAs(first.getMetadata().getOwnerReferences().get(0).getUid());
    }
}
