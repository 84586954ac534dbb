package dev.mimamori.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.ActionStatus;
import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.OnInconclusive;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ReleaseCheckTemplate;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.gate.RolloutActions;
import dev.mimamori.it.ApiRequest.Permission;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.Kubeconfig;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.OperatorProcess;
import dev.mimamori.testing.Resources;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The RBAC in deploy/ against what the packaged operator really asks the API server for. The operator runs as its
 * own process against the mock API server, which records every request; the test drives every Kubernetes code path
 * the operator has (ServiceMonitoring create, update and delete through the finalizer, a MonitoringProfile and its
 * change, automatic and manual ReleaseChecks with their pruning, rollback and pause, Events, leader election), then
 * checks both ways: nothing it asked for is refused, and nothing granted goes unasked without a stated reason.
 */
class RbacIT {
    static final Path WORK = Path.of("target/it/rbac");
    static final String OPERATOR_NAMESPACE = "mimamori-system";
    static final String NS = "rbac-shop";
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final Duration RESYNC = Duration.ofSeconds(3);

    /**
     * Granted by deploy/ but possibly not asked for in this run, each for the reason given. The Lease is asked for
     * only by a build that runs leader election (the prod profile, i.e. the packaged operator, when enabled).
     */
    static final Map<Permission, String> GRANTED_UNOBSERVED = Map.of(
            new Permission("mimamori.dev", "servicemonitorings", "get"),
            "JOSDK re-reads the resource when a finalizer patch meets a conflict (409), which a quiet run never hits",
            new Permission("coordination.k8s.io", "leases", "update"),
            "JOSDK's start-up check (LeaderElectionManager.checkLeaseAccess) demands create, update and get",
            new Permission("coordination.k8s.io", "leases", "get"),
            "leader election: reads the Lease",
            new Permission("coordination.k8s.io", "leases", "create"),
            "leader election: the first leader creates it",
            new Permission("coordination.k8s.io", "leases", "patch"),
            "leader election: the leader renews it",
            new Permission("mimamori.dev", "servicemonitorings/status", "patch"),
            "written so only when Datadog refuses a deletion (a monitor still referenced), which this run never meets",
            new Permission("mimamori.dev", "tenantpolicies", "get"),
            "JOSDK re-reads a TenantPolicy when its status patch meets a conflict; this run creates no policy",
            new Permission("mimamori.dev", "tenantpolicies/status", "patch"),
            "the TenantPolicy reconciler writes a policy's Ready condition; this run creates no policy");

    /** What every authenticated identity may ask through the built-in ClusterRoles, so deploy/ need not grant it. */
    static final Map<Permission, String> ALLOWED_TO_EVERYONE = Map.of(
            new Permission("authorization.k8s.io", "selfsubjectrulesreviews", "create"),
            "JOSDK asks what it may do with Leases before leader election (system:basic-user)");

    /** The discovery and version paths of system:discovery and system:public-info-viewer, open to everyone. */
    static final List<String> NON_RESOURCE_ALLOWED_TO_EVERYONE =
            List.of("/api", "/api/*", "/apis", "/apis/*", "/version", "/openapi/*");

    /** The operator's requests, "METHOD /path?query", and the User-Agents they came with. */
    record Recording(List<String> requests, Set<String> userAgents, Duration took) {}

    @Test
    void theOperatorIsGrantedWhatItAsksForAndAsksForWhatItIsGranted() throws Exception {
        Recording recording = runTheOperatorThroughEveryKubernetesCodePath();
        DeployedRbac rbac = DeployedRbac.read(Path.of("deploy"));

        Map<String, List<String>> refused = new TreeMap<>();
        Map<Permission, Set<String>> observed = new TreeMap<>(Comparator.comparing(Permission::toString));
        Set<String> nonResource = new TreeSet<>();
        for (String line : recording.requests()) {
            String[] methodAndPath = line.split(" ", 2);
            ApiRequest request = ApiRequest.of(methodAndPath[0], methodAndPath[1]);
            boolean allowed;
            String what;
            if (request.isResourceRequest()) {
                observed.computeIfAbsent(request.permission(), x -> new TreeSet<>())
                        .add(request.namespace() == null ? "(cluster)" : request.namespace());
                allowed = ALLOWED_TO_EVERYONE.containsKey(request.permission()) || rbac.allows(request);
                what = request.permission() + " in "
                        + (request.namespace() == null ? "all namespaces" : "namespace " + request.namespace());
            } else {
                nonResource.add(request.verb() + " " + request.path());
                allowed = openToEveryone(request.path()) || rbac.allows(request);
                what = "non-resource " + request.path();
            }
            if (!allowed) {
                refused.computeIfAbsent(what, x -> new ArrayList<>()).add(line);
            }
        }
        List<String> grantedButUnused = new ArrayList<>();
        List<String> wildcards = new ArrayList<>();
        List<String> unusedWithReason = new ArrayList<>();
        for (DeployedRbac.Grant grant : rbac.grants()) {
            String reason = GRANTED_UNOBSERVED.get(grant.permission());
            if (grant.isWildcard()) {
                wildcards.add(grant.permission() + " (" + grant.source() + ")");
            } else if (!observed.containsKey(grant.permission())) {
                (reason == null ? grantedButUnused : unusedWithReason)
                        .add(String.format(
                                "%-50s %s", grant.permission(), reason == null ? "(" + grant.source() + ")" : reason));
            }
        }

        System.out.printf(
                "RbacIT: %d requests by the operator (User-Agent %s) in %ds; deploy/ grants service "
                        + "account %s/%s %d rules%n",
                recording.requests().size(),
                recording.userAgents(),
                recording.took().toSeconds(),
                rbac.serviceAccountNamespace,
                rbac.serviceAccount,
                rbac.rules.size());
        observed.forEach((p, namespaces) -> System.out.printf("  observed  %-50s %s%n", p, namespaces));
        nonResource.forEach(p -> System.out.printf("  observed  non-resource %s%n", p));
        unusedWithReason.forEach(line -> System.out.printf("  granted, not observed: %s%n", line));

        assertThat(observed)
                .as("the exercise reached the operator's Kubernetes code paths")
                .containsKeys(
                        new Permission("mimamori.dev", "servicemonitorings", "watch"),
                        new Permission("mimamori.dev", "servicemonitorings", "patch"),
                        new Permission("mimamori.dev", "servicemonitorings/status", "update"),
                        new Permission("mimamori.dev", "monitoringprofiles/status", "patch"),
                        new Permission("mimamori.dev", "releasechecks", "create"),
                        new Permission("mimamori.dev", "releasechecks", "delete"),
                        new Permission("mimamori.dev", "releasechecks/status", "patch"),
                        new Permission("apps", "deployments", "patch"),
                        new Permission("", "events", "create"));
        assertThat(refused.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue().size() + " request(s), e.g. "
                                + e.getValue().get(0))
                        .toList())
                .as("requests the operator made that deploy/ RBAC would refuse (403)")
                .isEmpty();
        assertThat(wildcards).as("wildcard grants in deploy/").isEmpty();
        assertThat(grantedButUnused)
                .as("granted in deploy/ but never asked for, with no reason in GRANTED_UNOBSERVED")
                .isEmpty();
        Set<Permission> granted =
                rbac.grants().stream().map(DeployedRbac.Grant::permission).collect(Collectors.toSet());
        assertThat(GRANTED_UNOBSERVED.keySet())
                .as("GRANTED_UNOBSERVED names only what deploy/ grants")
                .allMatch(granted::contains);
    }

    /** The mock API server records every request that does not come from the harness's own client. */
    private static Recording runTheOperatorThroughEveryKubernetesCodePath() throws Exception {
        Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
        Files.createDirectories(WORK);
        Instant began = Instant.now();
        Queue<String> requests = new ConcurrentLinkedQueue<>();
        Set<String> userAgents = ConcurrentHashMap.newKeySet();
        try (MockCluster cluster = MockCluster.start();
                DatadogSimulator datadog = new DatadogSimulator()) {
            datadog.start();
            cluster.onRequest(request -> {
                String userAgent = String.valueOf(request.getHeader("User-Agent"));
                if (!MockCluster.HARNESS_USER_AGENT.equals(userAgent)) {
                    requests.add(request.getMethod() + " " + request.getPath());
                    userAgents.add(userAgent);
                }
            });
            KubernetesClient k = cluster.client();
            Resources.namespace(k, OPERATOR_NAMESPACE);
            Resources.namespace(k, NS);
            // The context's namespace plays the pod's own: the Lease for leader election goes there.
            Path kubeconfig = Kubeconfig.write(WORK.resolve("kubeconfig"), cluster.url(), OPERATOR_NAMESPACE);
            Map<String, String> env = Map.of(
                    "MIMAMORI_DATADOG_URL",
                    datadog.url(),
                    "DD_API_KEY",
                    DatadogSimulator.DEFAULT_API_KEY,
                    "DD_APP_KEY",
                    DatadogSimulator.DEFAULT_APP_KEY,
                    "MIMAMORI_CLUSTER_NAME",
                    "rbac-it",
                    "MIMAMORI_RESYNC_INTERVAL",
                    RESYNC.toSeconds() + "s",
                    "MIMAMORI_FULL_RESYNC_INTERVAL",
                    RESYNC.toSeconds() + "s",
                    "MIMAMORI_TELEMETRY_BATCH_DELAY",
                    "1s",
                    "POD_NAME",
                    "mimamori-rbac-it");
            try (OperatorProcess operator = OperatorProcess.start(kubeconfig, env, WORK.resolve("operator.log"))) {
                new Exercise(k, datadog, operator).run();
            }
        }
        return new Recording(List.copyOf(requests), new TreeSet<>(userAgents), Duration.between(began, Instant.now()));
    }

    private static boolean openToEveryone(String path) {
        return NON_RESOURCE_ALLOWED_TO_EVERYONE.stream()
                .anyMatch(url ->
                        url.equals(path) || url.endsWith("/*") && path.startsWith(url.substring(0, url.length() - 1)));
    }

    /** The story the operator is put through; every step waits for the operator to have done its part. */
    private static final class Exercise {
        private final KubernetesClient k;
        private final DatadogSimulator datadog;
        private final OperatorProcess operator;

        Exercise(KubernetesClient k, DatadogSimulator datadog, OperatorProcess operator) {
            this.k = k;
            this.datadog = datadog;
            this.operator = operator;
        }

        void run() {
            // A profile (its own status), a service on it, one on the built-in profile, one gating its rollouts.
            k.resource(Resources.profile(
                            "rbac-web",
                            Map.of("depth", "100"),
                            Resources.metricMonitor("queue-depth", "queue.depth", "depth")))
                    .create();
            ServiceMonitoring checkout = Resources.serviceMonitoring(NS, "checkout", "checkout", "prod");
            ServiceMonitoring queue = Resources.serviceMonitoring(NS, "queue", "queue", "prod");
            queue.getSpec().profile = "rbac-web";
            ServiceMonitoring api = Resources.serviceMonitoring(NS, "api", "api", "prod");
            api.getSpec().releaseCheck = gate();
            List.of(checkout, queue, api).forEach(sm -> k.resource(sm).create());
            List.of("checkout", "queue", "api").forEach(this::awaitReady);
            Waits.until(operator, TIMEOUT, "MonitoringProfile rbac-web Ready", () -> {
                MonitoringProfile p = k.resources(MonitoringProfile.class)
                        .withName("rbac-web")
                        .get();
                return p.getStatus() != null && Resources.ready(p.getStatus().conditions) != null;
            });

            // Updates: a ServiceMonitoring's spec, and the profile another one uses.
            // Merge patches without a resourceVersion, as kubectl patch sends: the operator writes status meanwhile.
            k.resources(ServiceMonitoring.class)
                    .inNamespace(NS)
                    .withName("checkout")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"parameters\":{\"latencyP95Ms\":\"500\"}}}");
            awaitMonitorQueryEndsWith("checkout", "latency-p95", "> 500");
            k.resources(MonitoringProfile.class)
                    .withName("rbac-web")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"parameters\":{\"depth\":\"200\"}}}");
            awaitMonitorQueryEndsWith("queue", "queue-depth", "> 200");

            // Automatic checks: one per rollout, the older pruned (historyLimit 1); v2 is rolled back.
            Deployment deployment = Rollouts.deploy(k, NS, "api", "api", "prod", "1.0.0");
            awaitCheck("api-1");
            rollout(deployment, 2, "2.0.0");
            awaitCheck("api-2");
            Waits.until(
                    operator,
                    TIMEOUT,
                    "ReleaseCheck api-1 pruned",
                    () -> k.resources(ReleaseCheck.class)
                                    .inNamespace(NS)
                                    .withName("api-1")
                                    .get()
                            == null);
            // A manual check whose failure pauses the rollout.
            Rollouts.deploy(k, NS, "web", "web", "prod", "1.0.0", "2.0.0");
            k.resource(manualCheck("web-2", "web", OnFailure.Pause)).create();
            awaitActed("api-2");
            awaitActed("web-2");
            assertThat(k.apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("api")
                            .get()
                            .getMetadata()
                            .getAnnotations())
                    .containsEntry(RolloutActions.ROLLED_BACK_BY, "api-2");
            assertThat(k.apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("web")
                            .get()
                            .getSpec()
                            .getPaused())
                    .isTrue();

            // Deletion through the finalizer: monitors go from Datadog first.
            k.resources(ServiceMonitoring.class)
                    .inNamespace(NS)
                    .withName("checkout")
                    .delete();
            k.resources(ServiceMonitoring.class)
                    .inNamespace(NS)
                    .withName("queue")
                    .delete();
            Waits.until(
                    operator,
                    TIMEOUT,
                    "ServiceMonitorings checkout and queue gone",
                    () -> k.resources(ServiceMonitoring.class)
                                            .inNamespace(NS)
                                            .withName("checkout")
                                            .get()
                                    == null
                            && k.resources(ServiceMonitoring.class)
                                            .inNamespace(NS)
                                            .withName("queue")
                                            .get()
                                    == null);
            assertThat(datadog.monitorsTagged("mimamori-owner:" + NS + "/checkout"))
                    .isEmpty();
            // A couple of resyncs with nothing to do, and leader-election renewals.
            Waits.sleep(RESYNC.multipliedBy(2));
        }

        private static ReleaseCheckTemplate gate() {
            ReleaseCheckTemplate template = new ReleaseCheckTemplate();
            template.analysis = quickAnalysis();
            template.onFailure = OnFailure.Rollback;
            // One 10 s bucket can never be conclusive: treated as failed, so the rollback runs.
            template.onInconclusive = OnInconclusive.Fail;
            template.historyLimit = 1;
            return template;
        }

        private static AnalysisSpec quickAnalysis() {
            AnalysisSpec analysis = new AnalysisSpec();
            analysis.warmup = "0s";
            analysis.duration = "10s";
            analysis.interval = "10s";
            analysis.dataDelay = "0s";
            return analysis;
        }

        private static ReleaseCheck manualCheck(String name, String workload, OnFailure onFailure) {
            ReleaseCheck check = new ReleaseCheck();
            check.setMetadata(
                    new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
            ReleaseCheckSpec spec = new ReleaseCheckSpec();
            spec.workload = new WorkloadRef();
            spec.workload.name = workload;
            spec.analysis = quickAnalysis();
            spec.onFailure = onFailure;
            spec.onInconclusive = OnInconclusive.Fail;
            check.setSpec(spec);
            return check;
        }

        /** What the Deployment controller does on a pod template change. */
        private void rollout(Deployment deployment, long revision, String version) {
            Deployment current = k.resource(deployment).get();
            current.getSpec()
                    .setTemplate(Rollouts.template(current.getMetadata().getName(), "api", "prod", version));
            current.getMetadata().getAnnotations().put(Rollouts.REVISION, String.valueOf(revision));
            Rollouts.replicaSet(k, current, revision, current.getSpec().getTemplate());
            k.resource(current).update();
        }

        private void awaitReady(String name) {
            Waits.until(
                    operator,
                    TIMEOUT,
                    () -> "ServiceMonitoring " + NS + "/" + name + " Ready=True, status: " + statusOf(name),
                    () -> {
                        var ready = Resources.ready(k.resources(ServiceMonitoring.class)
                                .inNamespace(NS)
                                .withName(name)
                                .get());
                        return ready != null && "True".equals(ready.getStatus());
                    });
        }

        private String statusOf(String name) {
            ServiceMonitoring sm = k.resources(ServiceMonitoring.class)
                    .inNamespace(NS)
                    .withName(name)
                    .get();
            return sm == null ? "(gone)" : Serialization.asJson(sm.getStatus());
        }

        private void awaitMonitorQueryEndsWith(String owner, String template, String end) {
            Waits.until(operator, TIMEOUT, "monitor " + template + " of " + owner + " ending with " + end, () -> {
                List<ObjectNode> monitors =
                        datadog.monitorsTagged("mimamori-owner:" + NS + "/" + owner, "mimamori-monitor:" + template);
                return monitors.size() == 1
                        && monitors.get(0).path("query").asText().endsWith(end);
            });
        }

        private void awaitCheck(String name) {
            Waits.until(
                    operator,
                    TIMEOUT,
                    "ReleaseCheck " + name + " created by the operator",
                    () -> k.resources(ReleaseCheck.class)
                                    .inNamespace(NS)
                                    .withName(name)
                                    .get()
                            != null);
        }

        private void awaitActed(String name) {
            Waits.until(
                    operator,
                    TIMEOUT,
                    () -> "ReleaseCheck " + name + " decided and acted on, status: " + statusOfCheck(name),
                    () -> {
                        ReleaseCheck check = k.resources(ReleaseCheck.class)
                                .inNamespace(NS)
                                .withName(name)
                                .get();
                        return check != null
                                && check.getStatus() != null
                                && check.getStatus().isFinished()
                                && check.getStatus().action != null
                                && ActionStatus.DONE.equals(check.getStatus().action.result);
                    });
        }

        private String statusOfCheck(String name) {
            ReleaseCheck check = k.resources(ReleaseCheck.class)
                    .inNamespace(NS)
                    .withName(name)
                    .get();
            return check == null ? "(gone)" : Serialization.asJson(check.getStatus());
        }
    }
}
