package dev.mimamori.rollout;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ServiceMonitoring;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Informer caches that keep only the fields the operator reads. The rollout controller watches every Deployment and
 * ReplicaSet in the cluster, whose pod templates and managed fields are most of their size, and would otherwise keep
 * a second full copy of every ServiceMonitoring and ReleaseCheck beside their own controllers' caches. Name and
 * namespace are kept as the key, the resource version always.
 */
public final class ReducedStores {
    /** Read by the gate and the rollout controller: revision annotation, tagging labels, owner and uid. */
    private static final String[] WORKLOAD_METADATA = {
        "metadata.uid",
        "metadata.labels",
        "metadata.annotations",
        "metadata.ownerReferences",
        "metadata.creationTimestamp",
        "metadata.deletionTimestamp",
        "metadata.generation"
    };

    /**
     * Every workload is parsed in full before it is reduced: the informers list them in pages (the API server honours
     * the limit) so that a start-up in a large cluster does not hold all of them in full at once.
     */
    public static final long LIST_PAGE = 500;

    /** One serializer for the four stores: each would otherwise build its own Jackson caches. */
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ReducedStores() {}

    /**
     * Deployments: their metadata, the pod template's labels (service, env, version), and the replicas, strategy and
     * paused flag a concurrent comparison reads before it holds a rollout; not the pod spec.
     */
    public static class Deployments extends ReducedStateItemStore<Deployment> {
        public Deployments() {
            super(
                    NAME_KEY_STATE,
                    Deployment.class,
                    SERIALIZATION,
                    with(
                            WORKLOAD_METADATA,
                            "spec.template.metadata.labels",
                            "spec.replicas",
                            "spec.strategy",
                            "spec.paused"));
        }

        @Override
        public Deployment put(String key, Deployment deployment) {
            shareStrings(deployment.getMetadata());
            if (deployment.getSpec() != null && deployment.getSpec().getTemplate() != null) {
                shareStrings(deployment.getSpec().getTemplate().getMetadata());
            }
            return super.put(key, deployment);
        }
    }

    /**
     * ReplicaSets: revision, owner, creation time, the pod template's labels, and the wanted and ready pods a hold
     * waits on. A rollback reads the one pod
     * template it restores with a GET at the time (see RolloutActions).
     */
    public static ReducedStateItemStore<ReplicaSet> replicaSets() {
        return new ReducedStateItemStore<>(
                ReducedStateItemStore.NAME_KEY_STATE,
                ReplicaSet.class,
                SERIALIZATION,
                with(WORKLOAD_METADATA, "spec.template.metadata.labels", "spec.replicas", "status.readyReplicas")) {
            @Override
            public ReplicaSet put(String key, ReplicaSet replicaSet) {
                shareStrings(replicaSet.getMetadata());
                if (replicaSet.getSpec() != null && replicaSet.getSpec().getTemplate() != null) {
                    shareStrings(replicaSet.getSpec().getTemplate().getMetadata());
                }
                return super.put(key, replicaSet);
            }
        };
    }

    /**
     * Label and annotation keys and values, and owner references, repeat across every revision of a workload and
     * across workloads: the cache keeps one copy of each (interned strings are collected once no one uses them).
     */
    static void shareStrings(ObjectMeta meta) {
        if (meta == null) {
            return;
        }
        meta.setLabels(shared(meta.getLabels()));
        meta.setAnnotations(shared(meta.getAnnotations()));
        meta.setCreationTimestamp(intern(meta.getCreationTimestamp()));
        if (meta.getOwnerReferences() != null) {
            for (OwnerReference owner : meta.getOwnerReferences()) {
                owner.setApiVersion(intern(owner.getApiVersion()));
                owner.setKind(intern(owner.getKind()));
                owner.setName(intern(owner.getName()));
                owner.setUid(intern(owner.getUid()));
            }
        }
    }

    private static Map<String, String> shared(Map<String, String> map) {
        if (map == null) {
            return null;
        }
        Map<String, String> copy = new LinkedHashMap<>(map.size() * 2);
        map.forEach((k, v) -> copy.put(intern(k), intern(v)));
        return copy;
    }

    private static String intern(String s) {
        return s == null ? null : s.intern();
    }

    /** What the rollout controller reads of a ServiceMonitoring: which Deployments it gates and with what. */
    public static ReducedStateItemStore<ServiceMonitoring> gatingMonitorings() {
        return new ReducedStateItemStore<>(
                ReducedStateItemStore.NAME_KEY_STATE,
                ServiceMonitoring.class,
                SERIALIZATION,
                "spec.service",
                "spec.env",
                "spec.profile",
                "spec.releaseCheck");
    }

    /** What the rollout controller reads of a ReleaseCheck: that it exists, and its workload and revision labels. */
    public static ReducedStateItemStore<ReleaseCheck> checkLabels() {
        return new ReducedStateItemStore<>(
                ReducedStateItemStore.NAME_KEY_STATE, ReleaseCheck.class, SERIALIZATION, "metadata.labels");
    }

    private static String[] with(String[] fields, String... more) {
        String[] all = java.util.Arrays.copyOf(fields, fields.length + more.length);
        System.arraycopy(more, 0, all, fields.length, more.length);
        return all;
    }
}
