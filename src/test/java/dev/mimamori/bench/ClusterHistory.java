package dev.mimamori.bench;

import dev.mimamori.gate.Revisions;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The workloads of a busy cluster, created before the operator starts: one Deployment per ServiceMonitoring (carrying
 * its unified-service-tagging labels) and a quarter as many unmonitored ones, each with several revisions of
 * ReplicaSets whose pod templates are the size of a real service's (two containers, a score of environment variables,
 * probes, resources, volumes). The operator's informers list and keep all of it.
 */
final class ClusterHistory {
    private static final int THREADS = 8;

    /** What was created, and how long it took. */
    record Figures(int deployments, int replicaSets, int templateBytes, double seconds) {}

    private ClusterHistory() {}

    static Figures create(KubernetesClient client, int services, int revisions, int namespaces) throws Exception {
        long started = System.nanoTime();
        int unmonitored = Math.max(1, services / 4);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < services + unmonitored; i++) {
                int n = i;
                created.add(pool.submit(() -> {
                    boolean monitored = n < services;
                    String name = monitored ? String.format("svc-%05d", n) : String.format("app-%05d", n);
                    workload(client, ScaleRun.namespace(n % namespaces), name, revisions);
                    return null;
                }));
            }
            for (Future<?> f : created) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int templateBytes = client.getKubernetesSerialization()
                .asJson(template("svc-00000", 1))
                .length();
        return new Figures(
                services + unmonitored,
                (services + unmonitored) * revisions,
                templateBytes,
                (System.nanoTime() - started) / 1e9);
    }

    /** A Deployment at revision {@code revisions} and one ReplicaSet per revision, the oldest a month old. */
    private static void workload(KubernetesClient client, String namespace, String name, int revisions) {
        Deployment stored = createPatiently(client, deployment(namespace, name, revisions));
        for (int revision = 1; revision <= revisions; revision++) {
            createPatiently(
                    client,
                    replicaSet(
                            namespace,
                            name,
                            revision,
                            revisions,
                            stored.getMetadata().getUid()));
        }
    }

    static Deployment deployment(String namespace, String name, int revisions) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(tagging(name, revisions))
                .addToAnnotations(Revisions.REVISION, String.valueOf(revisions))
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withTemplate(template(name, revisions))
                .endSpec()
                .build();
    }

    /** The ReplicaSet of {@code revision} of a Deployment now at {@code revisions}, created a day per revision apart. */
    static ReplicaSet replicaSet(String namespace, String name, int revision, int revisions, String ownerUid) {
        Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(30, ChronoUnit.DAYS);
        String hash = Integer.toHexString((name + revision).hashCode());
        PodTemplateSpec template = template(name, revision);
        template.getMetadata().getLabels().put("pod-template-hash", hash);
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name + "-" + hash)
                .withLabels(template.getMetadata().getLabels())
                .withCreationTimestamp(first.plus(revision, ChronoUnit.DAYS).toString())
                .addToAnnotations(Revisions.REVISION, String.valueOf(revision))
                .addToAnnotations("deployment.kubernetes.io/desired-replicas", "3")
                .addToAnnotations("deployment.kubernetes.io/max-replicas", "4")
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(name)
                .withUid(ownerUid)
                .withController(true)
                .withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withReplicas(revision == revisions ? 3 : 0)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .addToMatchLabels("pod-template-hash", hash)
                .endSelector()
                .withTemplate(template)
                .endSpec()
                .build();
    }

    private static Map<String, String> tagging(String service, int revision) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", service);
        labels.put("app.kubernetes.io/name", service);
        labels.put("app.kubernetes.io/part-of", "shop");
        labels.put(Revisions.SERVICE_LABEL, service);
        labels.put(Revisions.ENV_LABEL, "prod");
        labels.put(Revisions.VERSION_LABEL, "1." + revision + ".0");
        return labels;
    }

    /** About 2.6 kB of JSON (managed fields not counted), as a typical service's pod template with a sidecar. */
    static PodTemplateSpec template(String service, int revision) {
        List<EnvVar> env = new ArrayList<>(IntStream.range(0, 18)
                .mapToObj(i -> new EnvVar("SETTING_" + i, "value-for-" + service + "-setting-" + i, null))
                .toList());
        env.add(new EnvVar("DD_ENV", "prod", null));
        env.add(new EnvVar("DD_SERVICE", service, null));
        env.add(new EnvVar("DD_VERSION", "1." + revision + ".0", null));
        Map<String, Quantity> requests = Map.of("cpu", new Quantity("250m"), "memory", new Quantity("512Mi"));
        Map<String, Quantity> limits = Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi"));
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(tagging(service, revision))
                .addToAnnotations("prometheus.io/scrape", "true")
                .addToAnnotations("prometheus.io/port", "9090")
                .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-11-01T10:00:00Z")
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(service)
                .withTerminationGracePeriodSeconds(30L)
                .addToContainers(new ContainerBuilder()
                        .withName(service)
                        .withImage("registry.example.com/shop/" + service + ":1." + revision + ".0")
                        .withEnv(env)
                        .addNewPort()
                        .withName("http")
                        .withContainerPort(8080)
                        .endPort()
                        .addNewPort()
                        .withName("metrics")
                        .withContainerPort(9090)
                        .endPort()
                        .withNewResources()
                        .withRequests(requests)
                        .withLimits(limits)
                        .endResources()
                        .withNewReadinessProbe()
                        .withNewHttpGet()
                        .withPath("/health/ready")
                        .withPort(new IntOrString("http"))
                        .endHttpGet()
                        .withPeriodSeconds(10)
                        .endReadinessProbe()
                        .withNewLivenessProbe()
                        .withNewHttpGet()
                        .withPath("/health/live")
                        .withPort(new IntOrString("http"))
                        .endHttpGet()
                        .withPeriodSeconds(10)
                        .endLivenessProbe()
                        .addNewVolumeMount()
                        .withName("config")
                        .withMountPath("/etc/" + service)
                        .endVolumeMount()
                        .addNewVolumeMount()
                        .withName("tmp")
                        .withMountPath("/tmp")
                        .endVolumeMount()
                        .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withReadOnlyRootFilesystem(true)
                        .withAllowPrivilegeEscalation(false)
                        .withNewCapabilities()
                        .addToDrop("ALL")
                        .endCapabilities()
                        .endSecurityContext()
                        .build())
                .addToContainers(new ContainerBuilder()
                        .withName("proxy")
                        .withImage("registry.example.com/mesh/proxy:2.14.1")
                        .withArgs("--port", "15001", "--admin-port", "15000", "--log-level", "warn")
                        .withNewResources()
                        .withRequests(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("64Mi")))
                        .endResources()
                        .build())
                .addNewVolume()
                .withName("config")
                .withNewConfigMap()
                .withName(service + "-config")
                .endConfigMap()
                .endVolume()
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .build();
    }

    /** A busy API server may time a create out after storing it: try again, and read back what exists. */
    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T createPatiently(
            KubernetesClient client, T object) {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.resource(object).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return client.resource(object).get();
                }
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }
}
