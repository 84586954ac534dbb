package dev.mimamori.gate;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Deployments and ReplicaSets as the rollout controller's informers already cache them (without pod specs, see
 * rollout/ReducedStores), so the gate reads them without a request and without a second cache of every Deployment. Until those informers run (start-up, or an
 * operator without the rollout controller) reads go to the API server.
 */
@ApplicationScoped
public class Workloads {
    private final KubernetesClient client;
    private volatile IndexerResourceCache<Deployment> deployments;
    private volatile InformerEventSource<ReplicaSet, Deployment> replicaSets;

    public Workloads(KubernetesClient client) {
        this.client = client;
    }

    /** Called by the rollout controller when it builds its event sources. */
    public void attach(
            IndexerResourceCache<Deployment> deployments, InformerEventSource<ReplicaSet, Deployment> replicaSets) {
        this.deployments = deployments;
        this.replicaSets = replicaSets;
    }

    public Optional<Deployment> deployment(String namespace, String name) {
        if (cached()) {
            return deployments.get(new ResourceID(name, namespace));
        }
        return Optional.ofNullable(client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(name)
                .get());
    }

    /** The ReplicaSets the Deployment owns. */
    public List<ReplicaSet> replicaSetsOf(Deployment deployment) {
        String namespace = deployment.getMetadata().getNamespace();
        List<ReplicaSet> candidates = cached()
                ? replicaSets.list(namespace, rs -> true).toList()
                : client.apps().replicaSets().inNamespace(namespace).list().getItems();
        return Revisions.owned(deployment, candidates);
    }

    /** The ReplicaSet in full, pod template included, from the API server (the cache keeps no pod specs). */
    public ReplicaSet replicaSet(String namespace, String name) {
        return client.apps().replicaSets().inNamespace(namespace).withName(name).get();
    }

    /** JOSDK starts a controller's primary informer before its other event sources. */
    private boolean cached() {
        InformerEventSource<ReplicaSet, Deployment> rs = replicaSets;
        return rs != null && rs.isRunning();
    }
}
