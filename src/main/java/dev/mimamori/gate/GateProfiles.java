package dev.mimamori.gate;

import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.TagRules;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.servicemonitoring.TraceOperations;
import dev.mimamori.tenancy.PolicyCheck;
import dev.mimamori.tenancy.TenantRules;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/** Finds the gate metrics of a check: its own, else those of its service's profile. */
@ApplicationScoped
public class GateProfiles {
    private final KubernetesClient client;

    public GateProfiles(KubernetesClient client) {
        this.client = client;
    }

    /**
     * The metrics, or why there are none, or the namespace's policy refusing the profile named or used; read once per
     * check, before they are frozen in its status.
     */
    public Observations.GateMetricsLookup lookUp(ReleaseCheck check, String service, TenantRules rules) {
        try {
            return metricsFor(check, service, rules);
        } catch (IllegalArgumentException e) {
            return new Observations.GateMetricsLookup(null, e.getMessage(), null);
        }
    }

    private Observations.GateMetricsLookup metricsFor(ReleaseCheck check, String service, TenantRules rules) {
        String namespace = check.getMetadata().getNamespace();
        boolean ownMetrics =
                check.getSpec().metrics != null && !check.getSpec().metrics.isEmpty();
        if (ownMetrics && check.getSpec().profile == null) {
            return new Observations.GateMetricsLookup(check.getSpec().metrics, null, null);
        }
        ServiceMonitoring sm = ownMetrics ? null : serviceMonitoring(namespace, service);
        String profileName = check.getSpec().profile != null
                ? check.getSpec().profile
                : sm != null ? sm.getSpec().profileName() : BuiltInProfile.NAME;
        MonitoringProfile profile =
                client.resources(MonitoringProfile.class).withName(profileName).get();
        MonitoringProfileSpec spec = profile != null
                ? profile.getSpec()
                : BuiltInProfile.NAME.equals(profileName) ? BuiltInProfile.spec() : null;
        if (spec == null && !ownMetrics) {
            throw new IllegalArgumentException("MonitoringProfile \"" + profileName + "\" does not exist");
        }
        boolean shared = spec != null && Boolean.TRUE.equals(spec.shared);
        PolicyCheck.Violation refused = PolicyCheck.profile(rules, namespace, profileName, shared);
        if (refused != null || ownMetrics) {
            return new Observations.GateMetricsLookup(refused == null ? check.getSpec().metrics : null, null, refused);
        }
        if (spec.gate == null || spec.gate.metrics == null || spec.gate.metrics.isEmpty()) {
            throw new IllegalArgumentException("MonitoringProfile \"" + profileName
                    + "\" has no gate metrics; add a gate section or set spec.metrics");
        }
        return new Observations.GateMetricsLookup(
                GateMetrics.withParameters(spec.gate.metrics, parameters(spec, sm)), null, null);
    }

    /** The profile's parameters as the service renders them: its overrides, and the trace operation it uses. */
    private static Map<String, String> parameters(MonitoringProfileSpec profile, ServiceMonitoring sm) {
        Map<String, String> values = new HashMap<>(profile.parameters == null ? Map.of() : profile.parameters);
        if (sm != null && sm.getSpec().parameters != null) {
            sm.getSpec().parameters.forEach((k, v) -> {
                if (values.containsKey(k)) {
                    // The tenant's value goes into the profile's trusted queries: it must not add a term or a scope.
                    if (!TagRules.isParameterValue(v)) {
                        throw new IllegalArgumentException("ServiceMonitoring \""
                                + sm.getMetadata().getName() + "\" sets parameter \"" + k + "\" to \"" + v
                                + "\", which is not a parameter value (a number or a word of letters, digits,"
                                + " _ . : / -; no spaces, braces or quotes)");
                    }
                    values.put(k, v);
                }
            });
        }
        if (sm != null
                && sm.getStatus() != null
                && sm.getStatus().traceOperation != null
                && sm.getStatus().traceOperation.used != null
                && values.containsKey(TraceOperations.PARAMETER)) {
            values.put(TraceOperations.PARAMETER, sm.getStatus().traceOperation.used);
        }
        return values;
    }

    private ServiceMonitoring serviceMonitoring(String namespace, String service) {
        return client.resources(ServiceMonitoring.class).inNamespace(namespace).list().getItems().stream()
                .filter(sm -> sm.getSpec() != null && service.equals(sm.getSpec().service))
                .findFirst()
                .orElse(null);
    }
}
