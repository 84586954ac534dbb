package dev.mimamori.rollout;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.gate.CanaryHold;
import dev.mimamori.gate.Revisions;
import dev.mimamori.gate.RolloutActions;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Informer caches that keep only the fields the operator reads, in small records. The rollout controller watches every
 * Deployment and ReplicaSet in the cluster, whose pod templates, managed fields and annotations (a kubectl-applied
 * object carries a copy of itself) are most of their size, and would otherwise keep a second copy of every
 * ServiceMonitoring and ReleaseCheck beside their own controllers' caches. Name, namespace and resource version are
 * always kept, and the uid (JOSDK puts it in the logging context of every event, which refuses a null, and a relist
 * hands listeners this store's copy of an object deleted meanwhile). A field read anywhere from these caches must be
 * added here, or it reads as absent.
 */
public final class ReducedStores {
    /**
     * Every workload is parsed in full before it is reduced: the informers list them in pages (the API server honours
     * the limit) so that a start-up in a large cluster does not hold all of them in full at once.
     */
    public static final long LIST_PAGE = 500;

    /** Read from a Deployment: its revision, an opt-out, and the marks of the check that holds or acted on it. */
    static final String[] DEPLOYMENT_ANNOTATIONS = {
        Revisions.REVISION, RolloutActions.RESULT_ANNOTATION, CanaryHold.HELD_BY, RolloutActions.CHECK_ANNOTATION
    };

    /** Read from a pod template: the unified service tagging labels a check resolves its release from. */
    static final String[] TEMPLATE_LABELS = {Revisions.SERVICE_LABEL, Revisions.ENV_LABEL, Revisions.VERSION_LABEL};

    /** Read from a ReplicaSet: its revision, and whether it served earlier revisions (a rollback). */
    static final String[] REPLICA_SET_ANNOTATIONS = {Revisions.REVISION, CanaryHold.REVISION_HISTORY};

    private ReducedStores() {}

    /**
     * Refuses a list of namespaces for the controller that uses these stores. JOSDK runs one informer per listed
     * namespace and gives them all the one store of its configuration; fabric8's informer then treats the whole store
     * as its own, and each namespace's list removes the objects of every other (the gate would see no revisions).
     * Every namespace, or one, runs a single informer per store.
     */
    public static void requireOneInformerPerStore(Set<String> namespaces) {
        if (namespaces != null && namespaces.size() > 1) {
            throw new IllegalStateException("the rollout controller watches every namespace or one namespace, not a"
                    + " list (" + String.join(",", new TreeSet<>(namespaces)) + "): unset"
                    + " QUARKUS_OPERATOR_SDK_CONTROLLERS__ROLLOUT__NAMESPACES or give it one namespace"
                    + " (docs/operations.md, Watching only some namespaces)");
        }
    }

    /**
     * Deployments: uid, generation and deletion time, all labels (a ServiceMonitoring's workloadSelector may name any),
     * the annotations above, the pod template's tagging labels, and the replicas, strategy and paused flag a
     * concurrent comparison reads before it holds a rollout; not the pod spec.
     */
    public static class Deployments extends CompactStore<Deployment, Deployments.Kept> {
        record Kept(
                long version,
                String versionText,
                String uid,
                Long generation,
                String deletionTimestamp,
                String[] labels,
                String[] annotations,
                String[] templateLabels,
                Integer replicas,
                Boolean paused,
                String strategy,
                Object maxSurge,
                Object maxUnavailable) {}

        @Override
        protected Kept compact(Deployment deployment) {
            if (deployment == null) {
                return null;
            }
            ObjectMeta meta = deployment.getMetadata();
            DeploymentSpec spec = deployment.getSpec();
            DeploymentStrategy strategy = spec == null ? null : spec.getStrategy();
            RollingUpdateDeployment rolling = strategy == null ? null : strategy.getRollingUpdate();
            String version = meta.getResourceVersion();
            return new Kept(
                    versionNumber(version),
                    versionText(version),
                    intern(meta.getUid()),
                    meta.getGeneration() == null ? null : Long.valueOf(meta.getGeneration()),
                    meta.getDeletionTimestamp(),
                    pairs(meta.getLabels()),
                    pairs(meta.getAnnotations(), DEPLOYMENT_ANNOTATIONS),
                    pairs(templateLabels(spec == null ? null : spec.getTemplate()), TEMPLATE_LABELS),
                    spec == null ? null : boxed(spec.getReplicas()),
                    spec == null ? null : spec.getPaused(),
                    strategy == null ? null : intern(strategy.getType()),
                    rolling == null ? null : value(rolling.getMaxSurge()),
                    rolling == null ? null : value(rolling.getMaxUnavailable()));
        }

        @Override
        protected Deployment restore(Kept kept) {
            ObjectMeta meta = meta(kept.version(), kept.versionText());
            meta.setUid(kept.uid());
            meta.setGeneration(kept.generation());
            meta.setDeletionTimestamp(kept.deletionTimestamp());
            meta.setLabels(map(kept.labels()));
            meta.setAnnotations(map(kept.annotations()));
            DeploymentSpec spec = new DeploymentSpec();
            spec.setReplicas(kept.replicas());
            spec.setPaused(kept.paused());
            spec.setTemplate(template(kept.templateLabels()));
            if (kept.strategy() != null || kept.maxSurge() != null || kept.maxUnavailable() != null) {
                DeploymentStrategy strategy = new DeploymentStrategy();
                strategy.setType(kept.strategy());
                if (kept.maxSurge() != null || kept.maxUnavailable() != null) {
                    strategy.setRollingUpdate(new RollingUpdateDeployment(
                            intOrString(kept.maxSurge()), intOrString(kept.maxUnavailable())));
                }
                spec.setStrategy(strategy);
            }
            Deployment deployment = new Deployment();
            deployment.setMetadata(meta);
            deployment.setSpec(spec);
            return deployment;
        }

        @Override
        protected void keepOnly(Deployment received, Deployment kept) {
            received.setMetadata(kept.getMetadata());
            received.setSpec(kept.getSpec());
            received.setStatus(kept.getStatus());
        }
    }

    /**
     * ReplicaSets: uid, owners, creation time, the annotations above, the pod template's version label, and the
     * wanted and ready pods a hold waits on. A rollback reads the one pod template it restores with a GET at the time
     * (see RolloutActions).
     */
    public static class ReplicaSets extends CompactStore<ReplicaSet, ReplicaSets.Kept> {
        /** {@code owners} holds apiVersion, kind, name and uid of each owner in turn. */
        record Kept(
                long version,
                String versionText,
                String uid,
                long created,
                String createdText,
                String[] annotations,
                String[] owners,
                String templateVersion,
                Integer replicas,
                Integer ready) {}

        @Override
        protected Kept compact(ReplicaSet rs) {
            if (rs == null) {
                return null;
            }
            ObjectMeta meta = rs.getMetadata();
            ReplicaSetSpec spec = rs.getSpec();
            Map<String, String> templateLabels = templateLabels(spec == null ? null : spec.getTemplate());
            String version = meta.getResourceVersion();
            return new Kept(
                    versionNumber(version),
                    versionText(version),
                    meta.getUid(),
                    seconds(meta.getCreationTimestamp()),
                    secondsText(meta.getCreationTimestamp()),
                    pairs(meta.getAnnotations(), REPLICA_SET_ANNOTATIONS),
                    owners(meta.getOwnerReferences()),
                    templateLabels == null ? null : intern(templateLabels.get(Revisions.VERSION_LABEL)),
                    spec == null ? null : boxed(spec.getReplicas()),
                    rs.getStatus() == null ? null : boxed(rs.getStatus().getReadyReplicas()));
        }

        @Override
        protected ReplicaSet restore(Kept kept) {
            ObjectMeta meta = meta(kept.version(), kept.versionText());
            meta.setUid(kept.uid());
            meta.setCreationTimestamp(timestamp(kept.created(), kept.createdText()));
            meta.setAnnotations(map(kept.annotations()));
            meta.setOwnerReferences(owners(kept.owners()));
            ReplicaSetSpec spec = new ReplicaSetSpec();
            spec.setReplicas(kept.replicas());
            spec.setTemplate(template(
                    kept.templateVersion() == null
                            ? null
                            : new String[] {Revisions.VERSION_LABEL, kept.templateVersion()}));
            ReplicaSet rs = new ReplicaSet();
            rs.setMetadata(meta);
            rs.setSpec(spec);
            if (kept.ready() != null) {
                ReplicaSetStatus status = new ReplicaSetStatus();
                status.setReadyReplicas(kept.ready());
                rs.setStatus(status);
            }
            return rs;
        }

        @Override
        protected void keepOnly(ReplicaSet received, ReplicaSet kept) {
            received.setMetadata(kept.getMetadata());
            received.setSpec(kept.getSpec());
            received.setStatus(kept.getStatus());
        }

        private static String[] owners(List<OwnerReference> owners) {
            if (owners == null || owners.isEmpty()) {
                return null;
            }
            String[] kept = new String[owners.size() * 4];
            int i = 0;
            for (OwnerReference owner : owners) {
                kept[i++] = intern(owner.getApiVersion());
                kept[i++] = intern(owner.getKind());
                kept[i++] = intern(owner.getName());
                kept[i++] = intern(owner.getUid());
            }
            return kept;
        }

        private static List<OwnerReference> owners(String[] kept) {
            if (kept == null) {
                return null;
            }
            List<OwnerReference> owners = new ArrayList<>(kept.length / 4);
            for (int i = 0; i < kept.length; i += 4) {
                OwnerReference owner = new OwnerReference();
                owner.setApiVersion(kept[i]);
                owner.setKind(kept[i + 1]);
                owner.setName(kept[i + 2]);
                owner.setUid(kept[i + 3]);
                owners.add(owner);
            }
            return owners;
        }
    }

    public static ReplicaSets replicaSets() {
        return new ReplicaSets();
    }

    /**
     * What the rollout controller reads of a ServiceMonitoring: which Deployments it gates and with what. Of one
     * that gates nothing (most) only the key and resource version are kept. The kept release check section is the
     * one the informer received, shared by every read and never changed by the readers.
     */
    public static CompactStore<ServiceMonitoring, ?> gatingMonitorings() {
        return new GatingMonitorings();
    }

    private static final class GatingMonitorings extends CompactStore<ServiceMonitoring, GatingMonitorings.Kept> {
        record Kept(long version, String versionText, String uid, ServiceMonitoringSpec gating) {}

        @Override
        protected Kept compact(ServiceMonitoring sm) {
            if (sm == null) {
                return null;
            }
            ServiceMonitoringSpec gating = null;
            if (RolloutGate.gates(sm)) {
                gating = new ServiceMonitoringSpec();
                gating.service = intern(sm.getSpec().service);
                gating.env = intern(sm.getSpec().env);
                gating.profile = intern(sm.getSpec().profile);
                gating.releaseCheck = sm.getSpec().releaseCheck;
            }
            String version = sm.getMetadata().getResourceVersion();
            return new Kept(
                    versionNumber(version),
                    versionText(version),
                    sm.getMetadata().getUid(),
                    gating);
        }

        @Override
        protected ServiceMonitoring restore(Kept kept) {
            ServiceMonitoring sm = new ServiceMonitoring();
            sm.setMetadata(meta(kept.version(), kept.versionText()));
            sm.getMetadata().setUid(kept.uid());
            sm.setSpec(kept.gating());
            return sm;
        }
    }

    /**
     * What the rollout controller reads of a ReleaseCheck: that it exists, its workload and revision labels, and the
     * Deployment it names (a check created by hand has no labels, and its deletion may leave a hold to lift).
     */
    public static CompactStore<ReleaseCheck, ?> checkLabels() {
        return new CheckLabels();
    }

    private static final class CheckLabels extends CompactStore<ReleaseCheck, CheckLabels.Kept> {
        record Kept(long version, String versionText, String uid, String[] labels, String workload) {}

        @Override
        protected Kept compact(ReleaseCheck check) {
            if (check == null) {
                return null;
            }
            String version = check.getMetadata().getResourceVersion();
            return new Kept(
                    versionNumber(version),
                    versionText(version),
                    check.getMetadata().getUid(),
                    pairs(check.getMetadata().getLabels(), RolloutGate.WORKLOAD_LABEL, RolloutGate.REVISION_LABEL),
                    check.getSpec() == null || check.getSpec().workload == null
                            ? null
                            : intern(check.getSpec().workload.name));
        }

        @Override
        protected ReleaseCheck restore(Kept kept) {
            ReleaseCheck check = new ReleaseCheck();
            check.setMetadata(meta(kept.version(), kept.versionText()));
            check.getMetadata().setUid(kept.uid());
            check.getMetadata().setLabels(map(kept.labels()));
            if (kept.workload() != null) {
                check.setSpec(new ReleaseCheckSpec());
                check.getSpec().workload = new WorkloadRef();
                check.getSpec().workload.name = kept.workload();
            }
            return check;
        }
    }

    private static Map<String, String> templateLabels(PodTemplateSpec template) {
        return template == null || template.getMetadata() == null
                ? null
                : template.getMetadata().getLabels();
    }

    private static PodTemplateSpec template(String[] labels) {
        if (labels == null) {
            return null;
        }
        ObjectMeta meta = new ObjectMeta();
        meta.setLabels(CompactStore.map(labels));
        PodTemplateSpec template = new PodTemplateSpec();
        template.setMetadata(meta);
        return template;
    }

    /** The JVM's shared instance for small counts, so most records point at one Integer. */
    private static Integer boxed(Integer value) {
        return value == null ? null : Integer.valueOf(value.intValue());
    }

    private static Object value(IntOrString value) {
        if (value == null) {
            return null;
        }
        return value.getIntVal() != null ? boxed(value.getIntVal()) : CompactStore.intern(value.getStrVal());
    }

    private static IntOrString intOrString(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof Integer number ? new IntOrString(number) : new IntOrString((String) value);
    }
}
