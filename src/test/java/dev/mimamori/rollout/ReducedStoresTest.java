package dev.mimamori.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mimamori.api.GateMetric;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckTemplate;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.WorkloadSelector;
import dev.mimamori.gate.CanaryHold;
import dev.mimamori.gate.Revisions;
import dev.mimamori.gate.RolloutActions;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReducedStoresTest {
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /** A pod template as a real service has it, its own copy of every string as it arrives from the API server. */
    private static PodTemplateSpec template(String version) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .addToLabels(new String("app"), new String("checkout"))
                .addToLabels(new String(Revisions.SERVICE_LABEL), new String("checkout"))
                .addToLabels(new String(Revisions.ENV_LABEL), new String("prod"))
                .addToLabels(new String(Revisions.VERSION_LABEL), new String(version))
                .addToAnnotations("prometheus.io/scrape", "true")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("checkout")
                .withImage("registry.example.com/shop/checkout:" + version)
                .addNewEnv()
                .withName("DD_VERSION")
                .withValue(version)
                .endEnv()
                .endContainer()
                .endSpec()
                .build();
    }

    private static Deployment deployment() {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("checkout")
                .withUid("uid-1")
                .withResourceVersion("73021")
                .withGeneration(7L)
                .withCreationTimestamp("2026-11-01T10:00:00Z")
                .addToLabels("app", "checkout")
                .addToLabels("team", "payments")
                .addToLabels(Revisions.SERVICE_LABEL, "checkout")
                .addToAnnotations(Revisions.REVISION, "4")
                .addToAnnotations(RolloutActions.RESULT_ANNOTATION, "disabled")
                .addToAnnotations(CanaryHold.HELD_BY, "checkout-4@4")
                .addToAnnotations(RolloutActions.CHECK_ANNOTATION, "checkout-3@3")
                .addToAnnotations(RolloutActions.SUMMARY_ANNOTATION, "passed: 3 metrics compared")
                .addToAnnotations(LAST_APPLIED, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}")
                .addNewManagedField()
                .withManager("kubectl")
                .endManagedField()
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .withPaused(true)
                .withNewSelector()
                .addToMatchLabels("app", "checkout")
                .endSelector()
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxSurge(new IntOrString(1))
                .withMaxUnavailable(new IntOrString("25%"))
                .endRollingUpdate()
                .endStrategy()
                .withTemplate(template("1.4.0"))
                .endSpec()
                .withNewStatus()
                .withReadyReplicas(3)
                .endStatus()
                .build();
    }

    private static ReplicaSet revision(String name, int revision) {
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName(name)
                .withUid("rs-uid-" + revision)
                .withResourceVersion("7302" + revision)
                .withCreationTimestamp("2026-11-0" + revision + "T10:00:00Z")
                .addToLabels("app", "checkout")
                .addToAnnotations(new String(Revisions.REVISION), String.valueOf(revision))
                .addToAnnotations(CanaryHold.REVISION_HISTORY, "1")
                .addToAnnotations("deployment.kubernetes.io/desired-replicas", "3")
                .addToAnnotations(LAST_APPLIED, "{}")
                .addNewOwnerReference()
                .withApiVersion(new String("apps/v1"))
                .withKind(new String("Deployment"))
                .withName(new String("checkout"))
                .withUid(new String("uid-1"))
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withTemplate(template("1." + revision + ".0"))
                .endSpec()
                .withNewStatus()
                .withReplicas(2)
                .withReadyReplicas(1)
                .endStatus()
                .build();
    }

    @Test
    void aDeploymentKeepsEveryFieldTheOperatorReadsAndNeitherItsPodSpecNorUnreadAnnotations() {
        ReducedStores.Deployments store = new ReducedStores.Deployments();
        Deployment original = deployment();
        store.put(store.getKey(original), original);

        Deployment cached = store.get("shop/checkout");

        assertThat(cached.getApiVersion()).isEqualTo("apps/v1");
        assertThat(cached.getKind()).isEqualTo("Deployment");
        assertThat(cached.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(cached.getMetadata().getName()).isEqualTo("checkout");
        assertThat(cached.getMetadata().getUid()).isEqualTo("uid-1");
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("73021");
        assertThat(cached.getMetadata().getGeneration()).isEqualTo(7L);
        // The store reduces what it is given in place: expectations come from a Deployment it has not seen.
        Deployment listed = deployment();
        assertThat(cached.getMetadata().getLabels())
                .isEqualTo(listed.getMetadata().getLabels());
        assertThat(cached.getMetadata().getAnnotations())
                .containsOnly(
                        Map.entry(Revisions.REVISION, "4"),
                        Map.entry(RolloutActions.RESULT_ANNOTATION, "disabled"),
                        Map.entry(CanaryHold.HELD_BY, "checkout-4@4"),
                        Map.entry(RolloutActions.CHECK_ANNOTATION, "checkout-3@3"));
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(Revisions.revisionOf(cached)).isEqualTo(4L);
        assertThat(Revisions.templateLabel(cached, Revisions.SERVICE_LABEL)).isEqualTo("checkout");
        assertThat(Revisions.templateLabel(cached, Revisions.ENV_LABEL)).isEqualTo("prod");
        assertThat(Revisions.templateLabel(cached, Revisions.VERSION_LABEL)).isEqualTo("1.4.0");
        assertThat(cached.getSpec().getTemplate().getSpec()).isNull();
        assertThat(cached.getSpec().getReplicas()).isEqualTo(3);
        assertThat(cached.getSpec().getPaused()).isTrue();
        assertThat(cached.getSpec().getStrategy()).isEqualTo(listed.getSpec().getStrategy());
        assertThat(CanaryHold.overlapProblem(cached)).isEqualTo(CanaryHold.overlapProblem(listed));
        assertThat(CanaryHold.heldBy(cached, "checkout-4", 4L)).isTrue();
    }

    @Test
    void aDeploymentWithoutTemplateLabelsOrStrategyReadsAsOneWithout() {
        ReducedStores.Deployments store = new ReducedStores.Deployments();
        Deployment bare = new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("bare")
                .withResourceVersion("opaque-version")
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build();
        String overlapAsListed = CanaryHold.overlapProblem(bare);
        store.put("shop/bare", bare);

        Deployment cached = store.get("shop/bare");

        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("opaque-version");
        assertThat(cached.getMetadata().getLabels()).isNullOrEmpty();
        assertThat(Revisions.revisionOf(cached)).isNull();
        assertThat(Revisions.templateLabel(cached, Revisions.SERVICE_LABEL)).isNull();
        assertThat(cached.getSpec().getPaused()).isNull();
        assertThat(CanaryHold.overlapProblem(cached)).isEqualTo(overlapAsListed);
    }

    @Test
    void aReplicaSetKeepsOwnersRevisionsCreationAndPodsAndNotItsTemplate() {
        ReducedStores.ReplicaSets store = ReducedStores.replicaSets();
        ReplicaSet original = revision("checkout-abc", 3);
        store.put(store.getKey(original), original);

        ReplicaSet cached = store.get("shop/checkout-abc");

        assertThat(cached.getMetadata().getName()).isEqualTo("checkout-abc");
        assertThat(cached.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("73023");
        assertThat(cached.getMetadata().getCreationTimestamp()).isEqualTo("2026-11-03T10:00:00Z");
        assertThat(cached.getMetadata().getAnnotations())
                .containsOnly(Map.entry(Revisions.REVISION, "3"), Map.entry(CanaryHold.REVISION_HISTORY, "1"));
        assertThat(cached.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getApiVersion()).isEqualTo("apps/v1");
            assertThat(owner.getKind()).isEqualTo("Deployment");
            assertThat(owner.getName()).isEqualTo("checkout");
            assertThat(owner.getUid()).isEqualTo("uid-1");
        });
        assertThat(Revisions.owned(deployment(), List.of(cached))).hasSize(1);
        assertThat(Revisions.templateLabel(cached, Revisions.VERSION_LABEL)).isEqualTo("1.3.0");
        assertThat(cached.getSpec().getTemplate().getSpec()).isNull();
        assertThat(cached.getSpec().getReplicas()).isEqualTo(2);
        assertThat(cached.getStatus().getReadyReplicas()).isEqualTo(1);
        assertThat(CanaryHold.rollbackProblem(List.of(cached), 3L, 2L)).isNotNull();
    }

    /**
     * The informer queues the object it received for its listeners: at start-up in a large cluster thousands wait
     * there, so they must be as small as the cache's copies, and a listener must read what a cache read gives.
     */
    @Test
    void theObjectTheInformerHandsItsListenersHoldsOnlyWhatTheCacheKeeps() {
        ReducedStores.ReplicaSets replicaSets = ReducedStores.replicaSets();
        ReplicaSet listedReplicaSet = revision("checkout-abc", 3);
        replicaSets.put(replicaSets.getKey(listedReplicaSet), listedReplicaSet);
        ReducedStores.Deployments deployments = new ReducedStores.Deployments();
        Deployment listedDeployment = deployment();
        deployments.put(deployments.getKey(listedDeployment), listedDeployment);

        assertThat(listedReplicaSet.getSpec().getTemplate().getSpec()).isNull();
        assertThat(listedReplicaSet).isEqualTo(replicaSets.get("shop/checkout-abc"));
        assertThat(listedReplicaSet.getMetadata().getUid()).isNotNull();
        assertThat(listedReplicaSet.getApiVersion()).isEqualTo("apps/v1");
        assertThat(listedReplicaSet.getKind()).isEqualTo("ReplicaSet");
        assertThat(listedReplicaSet.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(owner -> assertThat(owner.getName()).isEqualTo("checkout"));
        assertThat(listedDeployment.getSpec().getTemplate().getSpec()).isNull();
        assertThat(listedDeployment.getMetadata().getAnnotations()).doesNotContainKey(LAST_APPLIED);
        assertThat(listedDeployment.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(listedDeployment).isEqualTo(deployments.get("shop/checkout"));
        assertThat(Revisions.revisionOf(listedDeployment)).isEqualTo(4L);
    }

    @Test
    void theRolloutControllerRefusesAListOfNamespacesWhoseInformersWouldShareOneStore() {
        ReducedStores.requireOneInformerPerStore(Set.of("JOSDK_ALL_NAMESPACES"));
        ReducedStores.requireOneInformerPerStore(Set.of("shop"));

        assertThatThrownBy(() -> ReducedStores.requireOneInformerPerStore(Set.of("shop", "payments")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a list (payments,shop)")
                .hasMessageContaining("QUARKUS_OPERATOR_SDK_CONTROLLERS__ROLLOUT__NAMESPACES");
    }

    @Test
    void aCreationTimeInAnotherFormThanTheApiServersIsKeptAsWritten() {
        ReducedStores.ReplicaSets store = ReducedStores.replicaSets();
        ReplicaSet rs = revision("checkout-frac", 1);
        rs.getMetadata().setCreationTimestamp("2026-11-01T10:00:00.250Z");
        store.put("shop/checkout-frac", rs);

        assertThat(store.get("shop/checkout-frac").getMetadata().getCreationTimestamp())
                .isEqualTo("2026-11-01T10:00:00.250Z");
    }

    @Test
    void revisionsOfAWorkloadShareTheirOwnerAndLabelStringsInTheCache() {
        ReducedStores.ReplicaSets store = ReducedStores.replicaSets();
        store.put("shop/checkout-1", revision("checkout-1", 1));
        store.put("shop/checkout-2", revision("checkout-2", 2));
        ReducedStores.Deployments deployments = new ReducedStores.Deployments();
        deployments.put("shop/checkout", deployment());

        ReplicaSet first = store.get("shop/checkout-1");
        ReplicaSet second = store.get("shop/checkout-2");

        assertThat(second.getMetadata().getOwnerReferences().get(0).getUid())
                .isSameAs(first.getMetadata().getOwnerReferences().get(0).getUid())
                .isSameAs(deployments.get("shop/checkout").getMetadata().getUid());
        assertThat(second.getMetadata().getOwnerReferences().get(0).getName())
                .isSameAs(first.getMetadata().getOwnerReferences().get(0).getName());
    }

    @Test
    void putAndRemoveGiveBackThePreviousObjectAsReadSoTheInformerSeesTheVersionChange() {
        ReducedStores.ReplicaSets store = ReducedStores.replicaSets();
        assertThat(store.put("shop/checkout-abc", revision("checkout-abc", 1))).isNull();

        ReplicaSet previous = store.put("shop/checkout-abc", revision("checkout-abc", 2));
        ReplicaSet removed = store.remove("shop/checkout-abc");

        assertThat(previous.getMetadata().getResourceVersion()).isEqualTo("73021");
        assertThat(removed.getMetadata().getResourceVersion()).isEqualTo("73022");
        assertThat(store.size()).isZero();
        assertThat(store.isFullState()).isFalse();
    }

    private static ServiceMonitoring monitoring(String name, boolean gating) {
        ServiceMonitoring sm = new ServiceMonitoring();
        sm.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName(name)
                .withResourceVersion("88")
                .addToAnnotations(LAST_APPLIED, "{}")
                .build());
        ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
        spec.service = name;
        spec.env = "prod";
        spec.profile = "web";
        spec.team = "payments";
        spec.tags = List.of("tier:1");
        if (gating) {
            spec.releaseCheck = new ReleaseCheckTemplate();
            spec.releaseCheck.enabled = true;
            spec.releaseCheck.historyLimit = 2;
            spec.releaseCheck.workloadSelector = new WorkloadSelector();
            spec.releaseCheck.workloadSelector.matchLabels = Map.of("team", "payments");
            GateMetric metric = new GateMetric();
            metric.name = "errors";
            spec.releaseCheck.metrics = List.of(metric);
        }
        sm.setSpec(spec);
        return sm;
    }

    @Test
    void aGatingServiceMonitoringKeepsWhatTheRolloutControllerReadsAndOneThatGatesNothingOnlyItsKey() {
        ItemStore<ServiceMonitoring> store = ReducedStores.gatingMonitorings();
        store.put("shop/checkout", monitoring("checkout", true));
        store.put("shop/search", monitoring("search", false));

        ServiceMonitoring gating = store.get("shop/checkout");
        ServiceMonitoring quiet = store.get("shop/search");

        assertThat(RolloutGate.gates(gating)).isTrue();
        assertThat(gating.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(gating.getMetadata().getName()).isEqualTo("checkout");
        assertThat(gating.getMetadata().getResourceVersion()).isEqualTo("88");
        assertThat(gating.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(gating.getSpec().service).isEqualTo("checkout");
        assertThat(gating.getSpec().env).isEqualTo("prod");
        assertThat(gating.getSpec().profileName()).isEqualTo("web");
        assertThat(gating.getSpec().releaseCheck.effectiveHistoryLimit()).isEqualTo(2);
        assertThat(gating.getSpec().releaseCheck.metrics)
                .extracting(m -> m.name)
                .containsExactly("errors");
        assertThat(RolloutGate.gatingMonitoring(deployment(), List.of(gating, quiet)))
                .hasValueSatisfying(sm -> assertThat(sm.getMetadata().getName()).isEqualTo("checkout"));
        assertThat(RolloutGate.gates(quiet)).isFalse();
        assertThat(quiet.getMetadata().getResourceVersion()).isEqualTo("88");
    }

    /**
     * After a watch gap the informer relists and hands its listeners, for each object deleted meanwhile, the copy this
     * store removes; JOSDK puts that copy's uid in the logging MDC, which throws on null and loses the event (for a
     * check, the wake-up of the Deployment whose hold it may leave behind).
     */
    @Test
    void aCheckOrMonitoringDeletedDuringAWatchGapReachesTheListenersWithItsUid() {
        ItemStore<ReleaseCheck> checks = ReducedStores.checkLabels();
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("checkout-4")
                .withUid("check-uid")
                .withResourceVersion("91")
                .build());
        checks.put("shop/checkout-4", check);
        ItemStore<ServiceMonitoring> monitorings = ReducedStores.gatingMonitorings();
        ServiceMonitoring search = monitoring("search", false);
        search.getMetadata().setUid("search-uid");
        monitorings.put("shop/search", search);

        assertThat(checks.remove("shop/checkout-4").getMetadata().getUid()).isEqualTo("check-uid");
        assertThat(monitorings.remove("shop/search").getMetadata().getUid()).isEqualTo("search-uid");
    }

    @Test
    void aReleaseCheckKeepsItsWorkloadAndRevisionLabelsForPruning() {
        ItemStore<ReleaseCheck> store = ReducedStores.checkLabels();
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("checkout-4")
                .withResourceVersion("91")
                .addToLabels(RolloutGate.WORKLOAD_LABEL, "checkout")
                .addToLabels(RolloutGate.REVISION_LABEL, "4")
                .addToLabels("team", "payments")
                .build());
        store.put("shop/checkout-4", check);

        ReleaseCheck cached = store.get("shop/checkout-4");

        assertThat(cached.getKind()).isEqualTo("ReleaseCheck");
        assertThat(cached.getApiVersion()).isEqualTo(check.getApiVersion());
        assertThat(cached.getMetadata().getName()).isEqualTo("checkout-4");
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("91");
        assertThat(cached.getMetadata().getLabels())
                .containsOnly(
                        Map.entry(RolloutGate.WORKLOAD_LABEL, "checkout"), Map.entry(RolloutGate.REVISION_LABEL, "4"));
        assertThat(RolloutGate.beyondHistory(List.of(cached), 0)).containsExactly(cached);
    }
}
