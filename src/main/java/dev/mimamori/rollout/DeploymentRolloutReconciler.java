package dev.mimamori.rollout;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.gate.Workloads;
import dev.mimamori.status.KubeEvents;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Watches Deployments and gives every rollout of a monitored service its ReleaseCheck. Every event is looked at
 * (not only spec changes) because the controller writes the new revision in an annotation; the work is a cache
 * lookup unless the revision has no check yet.
 */
@ControllerConfiguration(
        name = "rollout",
        generationAwareEventProcessing = false,
        informer = @Informer(itemStore = ReducedStores.Deployments.class, informerListLimit = ReducedStores.LIST_PAGE))
public class DeploymentRolloutReconciler implements Reconciler<Deployment> {
    private static final Logger LOG = Logger.getLogger(DeploymentRolloutReconciler.class);
    private static final String GATING_BY_NAMESPACE = "gating-by-namespace";

    private final KubernetesClient client;
    private final KubeEvents events;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Workloads workloads;
    private final OrphanedHolds orphanedHolds;
    private InformerEventSource<ServiceMonitoring, Deployment> monitorings;
    private InformerEventSource<ReleaseCheck, Deployment> checks;
    private InformerEventSource<ReplicaSet, Deployment> replicaSets;

    public DeploymentRolloutReconciler(
            KubernetesClient client, KubeEvents events, MeterRegistry registry, Clock clock, Workloads workloads) {
        this.workloads = workloads;
        this.client = client;
        this.events = events;
        this.registry = registry;
        this.clock = clock;
        this.orphanedHolds = new OrphanedHolds(client, events);
    }

    @Override
    public List<EventSource<?, Deployment>> prepareEventSources(EventSourceContext<Deployment> context) {
        ReducedStores.requireOneInformerPerStore(
                context.getControllerConfiguration().getInformerConfig().getNamespaces());
        // A gate that starts or changes looks at the Deployments it selects: applied with them (one kubectl apply, one
        // Argo CD sync), the ServiceMonitoring can reach this cache after their rollout did, which it must still gate
        // (RolloutGate.checkFor skips rollouts too old to compare). Status writes change no gate and wake nothing.
        IndexerResourceCache<Deployment> deployments = context.getPrimaryCache();
        monitorings = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ServiceMonitoring.class, Deployment.class)
                        .withName("rollout-monitorings")
                        .withItemStore(ReducedStores.gatingMonitorings())
                        .withSecondaryToPrimaryMapper(sm -> gatedBy(sm, deployments))
                        .withOnUpdateFilter((now, before) -> !RolloutGate.sameGate(now, before))
                        // Nothing asks this source for a Deployment's ServiceMonitorings: without this mapper JOSDK
                        // would keep that index by calling the one above for every event, status writes included.
                        .<Deployment>withPrimaryToSecondaryMapper(d -> Set.of())
                        .build(),
                context);
        checks = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ReleaseCheck.class, Deployment.class)
                        .withName("rollout-checks")
                        .withItemStore(ReducedStores.checkLabels())
                        // A check's deletion wakes its Deployment too, whose hold it may leave behind.
                        .withSecondaryToPrimaryMapper(check -> workloadsOf(check).stream()
                                .map(w -> new ResourceID(w, check.getMetadata().getNamespace()))
                                .collect(Collectors.toSet()))
                        .build(),
                context);
        // The controller may create the new ReplicaSet after it bumps the revision: its arrival is a rollout event too.
        replicaSets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ReplicaSet.class, Deployment.class)
                        .withName("rollout-replicasets")
                        .withItemStore(ReducedStores.replicaSets())
                        .withInformerListLimit(ReducedStores.LIST_PAGE)
                        .withSecondaryToPrimaryMapper(rs -> rs.getMetadata().getOwnerReferences() == null
                                ? Set.of()
                                : rs.getMetadata().getOwnerReferences().stream()
                                        .filter(o -> "Deployment".equals(o.getKind()))
                                        .map(o -> new ResourceID(
                                                o.getName(), rs.getMetadata().getNamespace()))
                                        .collect(Collectors.toSet()))
                        .build(),
                context);
        // Most ServiceMonitorings gate nothing: only those that do are read (and restored from the reduced store).
        monitorings.addIndexers(Map.of(
                GATING_BY_NAMESPACE,
                sm -> RolloutGate.gates(sm) ? List.of(sm.getMetadata().getNamespace()) : List.of()));
        // The gate reads Deployments and ReplicaSets through these caches instead of keeping its own.
        workloads.attach(context.getPrimaryCache(), replicaSets);
        return List.of(monitorings, checks, replicaSets);
    }

    /** The Deployments a gating ServiceMonitoring selects in its namespace, from the cache; none when it gates none. */
    private static Set<ResourceID> gatedBy(ServiceMonitoring sm, IndexerResourceCache<Deployment> deployments) {
        if (!RolloutGate.gates(sm)) {
            return Set.of();
        }
        List<Deployment> inNamespace =
                deployments.byIndex(Cache.NAMESPACE_INDEX, sm.getMetadata().getNamespace());
        return RolloutGate.selected(sm, inNamespace.stream())
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<Deployment> reconcile(Deployment deployment, Context<Deployment> context) {
        registry.counter("mimamori.reconciles", "kind", "Deployment").increment();
        String namespace = deployment.getMetadata().getNamespace();
        orphanedHolds.liftIfOrphaned(
                deployment, name -> checks.get(new ResourceID(name, namespace)).isPresent());
        Optional<ServiceMonitoring> gating =
                RolloutGate.gatingMonitoring(deployment, monitorings.byIndex(GATING_BY_NAMESPACE, namespace));
        if (gating.isEmpty()) {
            return UpdateControl.noUpdate();
        }
        Long revision = dev.mimamori.gate.Revisions.revisionOf(deployment);
        if (revision != null
                && checks.get(new ResourceID(RolloutGate.checkName(deployment, revision), namespace))
                        .isEmpty()) {
            create(deployment, gating.get());
        }
        prune(deployment, gating.get().getSpec().releaseCheck.effectiveHistoryLimit());
        return UpdateControl.noUpdate();
    }

    /** The Deployment a check gates: its spec names it; an automatic check's label names it too. */
    private static Set<String> workloadsOf(ReleaseCheck check) {
        Set<String> names = new HashSet<>();
        Map<String, String> labels = check.getMetadata().getLabels();
        if (labels != null && labels.get(RolloutGate.WORKLOAD_LABEL) != null) {
            names.add(labels.get(RolloutGate.WORKLOAD_LABEL));
        }
        if (check.getSpec() != null && check.getSpec().workload != null && check.getSpec().workload.name != null) {
            names.add(check.getSpec().workload.name);
        }
        return names;
    }

    private void create(Deployment deployment, ServiceMonitoring gating) {
        String namespace = deployment.getMetadata().getNamespace();
        Optional<ReleaseCheck> check = RolloutGate.checkFor(
                deployment, gating, replicaSets.list(namespace, rs -> true).toList(), clock.instant());
        if (check.isEmpty()) {
            return;
        }
        try {
            client.resource(check.get()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return; // created by an earlier pass whose informer event has not arrived yet
            }
            throw e;
        }
        registry.counter("mimamori.releasechecks.created").increment();
        String name = check.get().getMetadata().getName();
        LOG.infof(
                "%s/%s: rollout detected, created ReleaseCheck %s",
                namespace, deployment.getMetadata().getName(), name);
        events.record(
                deployment,
                KubeEvents.NORMAL,
                "ReleaseCheckCreated",
                "gating this rollout with ReleaseCheck " + name + " (from ServiceMonitoring "
                        + gating.getMetadata().getName() + ")");
    }

    private void prune(Deployment deployment, int historyLimit) {
        List<ReleaseCheck> ofDeployment = checks.list(
                        deployment.getMetadata().getNamespace(),
                        c -> c.getMetadata().getLabels() != null
                                && deployment
                                        .getMetadata()
                                        .getName()
                                        .equals(c.getMetadata().getLabels().get(RolloutGate.WORKLOAD_LABEL)))
                .toList();
        for (ReleaseCheck old : RolloutGate.beyondHistory(ofDeployment, historyLimit)) {
            client.resource(old).delete();
        }
    }
}
