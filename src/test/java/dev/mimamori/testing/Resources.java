package dev.mimamori.testing;

import dev.mimamori.api.Condition;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.status.Conditions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builders for the objects tests apply, as a person would write them in YAML. */
public final class Resources {

    private Resources() {}

    public static void namespace(KubernetesClient client, String name) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .build())
                .createOr(existing -> existing.update());
    }

    public static ServiceMonitoring serviceMonitoring(String namespace, String name, String service, String env) {
        ServiceMonitoring sm = new ServiceMonitoring();
        sm.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
        spec.service = service;
        spec.env = env;
        sm.setSpec(spec);
        return sm;
    }

    public static MonitoringProfile profile(String name, Map<String, String> parameters, MonitorTemplate... monitors) {
        MonitoringProfile profile = new MonitoringProfile();
        profile.setMetadata(new ObjectMetaBuilder().withName(name).build());
        MonitoringProfileSpec spec = new MonitoringProfileSpec();
        spec.parameters = new LinkedHashMap<>(parameters);
        spec.monitors = new ArrayList<>(java.util.List.of(monitors));
        // The platform's standard profile, open to every namespace without a TenantPolicy listing profiles.
        spec.shared = true;
        profile.setSpec(spec);
        return profile;
    }

    public static MonitorTemplate metricMonitor(String name, String metric, String parameter) {
        MonitorTemplate t = new MonitorTemplate();
        t.name = name;
        t.type = "query alert";
        t.query = "avg(last_5m):avg:" + metric + "{service:${service},env:${env}} > ${params." + parameter + "}";
        t.message = "{{#is_alert}}" + metric + " of ${service} is {{value}}{{/is_alert}}";
        t.thresholds = new dev.mimamori.api.MonitorThresholds();
        t.thresholds.critical = "${params." + parameter + "}";
        return t;
    }

    public static MonitorTemplate disabled(String name) {
        MonitorTemplate t = new MonitorTemplate();
        t.name = name;
        t.enabled = false;
        return t;
    }

    public static Condition ready(java.util.List<Condition> conditions) {
        return Conditions.find(conditions, Conditions.READY);
    }

    public static Condition ready(ServiceMonitoring sm) {
        return sm == null || sm.getStatus() == null
                ? null
                : Conditions.find(sm.getStatus().conditions, Conditions.READY);
    }
}
