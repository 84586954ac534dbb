package dev.mimamori.tenancy;

import dev.mimamori.api.TenantPolicy;
import dev.mimamori.config.MimamoriConfig;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;

/**
 * The rules of each namespace, from the cluster's TenantPolicies and the namespaces' labels, both kept in informer
 * caches: asking costs no API call. The caches are filled before the first answer, so no reconcile ever runs under
 * the default while a stricter policy exists but was not read yet.
 */
@ApplicationScoped
public class TenantPolicies {
    private final KubernetesClient client;
    private final TenantRules.Defaults defaults;
    private SharedIndexInformer<TenantPolicy> policies;
    private SharedIndexInformer<Namespace> namespaces;

    public TenantPolicies(KubernetesClient client, MimamoriConfig config) {
        this.client = client;
        MimamoriConfig.Tenancy t = config.tenancy();
        this.defaults = new TenantRules.Defaults(
                t.defaultServices().orElse(TenantRules.DEFAULT_SERVICES),
                t.defaultTeams().orElse(TenantRules.DEFAULT_TEAMS),
                t.defaultEnvs().orElse(TenantRules.DEFAULT_ENVS),
                t.defaultNotify().orElse(TenantRules.DEFAULT_NOTIFY),
                t.defaultProfiles().orElse(TenantRules.DEFAULT_PROFILES));
    }

    public TenantRules rulesFor(String namespace) {
        start();
        Namespace ns = namespaces.getStore().getByKey(namespace);
        Map<String, String> labels = ns == null ? Map.of() : ns.getMetadata().getLabels();
        return TenantRules.forNamespace(
                namespace,
                labels,
                List.copyOf(policies.getStore().list()),
                defaults,
                namespaces.getStore().listKeys());
    }

    /** inform() returns once the first list is in the cache. */
    private synchronized void start() {
        if (policies == null) {
            policies = client.resources(TenantPolicy.class).inform();
            namespaces = client.namespaces().inform();
        }
    }

    synchronized void stop(@Observes ShutdownEvent ignored) {
        if (policies != null) {
            policies.close();
            namespaces.close();
        }
    }
}
