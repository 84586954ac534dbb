package dev.mimamori.testing;

import dev.mimamori.api.ReleaseCheck;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * What the Deployment controller would do, done by hand: the mock API server runs no controllers, so a rollout here
 * is a Deployment with a revision annotation and one ReplicaSet per revision, owned by it.
 */
public final class Rollouts {
    public static final String REVISION = "deployment.kubernetes.io/revision";

    private Rollouts() {}

    public static PodTemplateSpec template(String app, String service, String env, String version) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(Map.of(
                        "app",
                        app,
                        "tags.datadoghq.com/service",
                        service,
                        "tags.datadoghq.com/env",
                        env,
                        "tags.datadoghq.com/version",
                        version))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(app)
                .withImage("registry.example/" + app + ":" + version)
                .endContainer()
                .endSpec()
                .build();
    }

    /** A Deployment at revision {@code versions.length}, with one ReplicaSet per version (oldest first). */
    public static Deployment deploy(
            KubernetesClient client, String namespace, String name, String service, String env, String... versions) {
        return deploy(client, namespace, name, service, env, Map.of(), versions);
    }

    public static Deployment deploy(
            KubernetesClient client,
            String namespace,
            String name,
            String service,
            String env,
            Map<String, String> annotations,
            String... versions) {
        Resources.namespace(client, namespace);
        Map<String, String> allAnnotations = new java.util.HashMap<>(annotations);
        allAnnotations.put(REVISION, String.valueOf(versions.length));
        String current = versions[versions.length - 1];
        Deployment deployment = client.resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(name)
                        .withLabels(Map.of("tags.datadoghq.com/service", service))
                        .withAnnotations(allAnnotations)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(3)
                        .withNewSelector()
                        .withMatchLabels(Map.of("app", name))
                        .endSelector()
                        .withTemplate(template(name, service, env, current))
                        .endSpec()
                        .build())
                .create();
        for (int i = 0; i < versions.length; i++) {
            replicaSet(client, deployment, i + 1, template(name, service, env, versions[i]));
        }
        return deployment;
    }

    public static ReplicaSet replicaSet(
            KubernetesClient client, Deployment owner, long revision, PodTemplateSpec template) {
        String hash = Long.toHexString((template.toString().hashCode() & 0xffffffL) + revision);
        PodTemplateSpec withHash = new PodTemplateSpecBuilder(template)
                .editMetadata()
                .addToLabels("pod-template-hash", hash)
                .endMetadata()
                .build();
        return client.resource(new ReplicaSetBuilder()
                        .withNewMetadata()
                        .withNamespace(owner.getMetadata().getNamespace())
                        .withName(owner.getMetadata().getName() + "-" + hash)
                        .withAnnotations(Map.of(REVISION, String.valueOf(revision)))
                        .withOwnerReferences(new OwnerReferenceBuilder()
                                .withApiVersion("apps/v1")
                                .withKind("Deployment")
                                .withName(owner.getMetadata().getName())
                                .withUid(owner.getMetadata().getUid())
                                .withController(true)
                                .build())
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(0)
                        .withNewSelector()
                        .withMatchLabels(Map.of("pod-template-hash", hash))
                        .endSelector()
                        .withTemplate(withHash)
                        .endSpec()
                        .build())
                .create();
    }

    /**
     * When the check's windows are counted from: its {@code status.startedAt}, once it has resolved what it compares
     * (or its creation, when it ended before that). Tests move the operator's clock from here. Counted from the
     * creation instead, a check that looked once before its ReplicaSet reached the operator's cache (and so waited
     * for it) would start at the moved time, and its verdict would never come while the test waited for it.
     */
    public static Instant startOf(KubernetesClient client, ReleaseCheck check) {
        ReleaseCheck started = Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(
                        () -> client.resource(check).get(),
                        c -> c.getStatus() != null
                                && (c.getStatus().startedAt != null
                                        || c.getStatus().isFinished()));
        return Instant.parse(
                started.getStatus().startedAt != null
                        ? started.getStatus().startedAt
                        : started.getMetadata().getCreationTimestamp());
    }
}
