package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.mimamori.sync.Ownership;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One service's Datadog monitoring: the operator keeps the service's standard monitors in Datadog in sync with it. */
@Group(ServiceMonitoring.GROUP)
@Version(ServiceMonitoring.VERSION)
@ShortNames("smon")
@Categories("mimamori")
@AdditionalPrinterColumn(name = "Service", jsonPath = ".spec.service", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Env", jsonPath = ".spec.env", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Monitors",
        jsonPath = ".status.monitorsInSync",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class ServiceMonitoring extends CustomResource<ServiceMonitoringSpec, ServiceMonitoringStatus>
        implements Namespaced {
    public static final String GROUP = "mimamori.dev";
    public static final String VERSION = "v1alpha1";

    /** {@code namespace/name} (shortened when too long for a tag): the owner key every monitor it manages carries. */
    public String ownerKey() {
        return Ownership.ownerKey(getMetadata().getNamespace(), getMetadata().getName());
    }

    @Override
    @Required
    @JsonPropertyDescription(
            "What to monitor: the service, its environment and team, and changes to the profile's standard.")
    public ServiceMonitoringSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("What the operator last did: the Ready condition and the monitors in Datadog.")
    public ServiceMonitoringStatus getStatus() {
        return super.getStatus();
    }
}
