package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** The organisation's standard set of monitors (and gate metrics) that ServiceMonitorings apply to their service. */
@Group(ServiceMonitoring.GROUP)
@Version(ServiceMonitoring.VERSION)
@ShortNames("mprof")
@Categories("mimamori")
@AdditionalPrinterColumn(
        name = "Monitors",
        jsonPath = ".status.monitorCount",
        type = AdditionalPrinterColumn.Type.INTEGER)
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
public class MonitoringProfile extends CustomResource<MonitoringProfileSpec, MonitoringProfileStatus> {

    @Override
    @Required
    @JsonPropertyDescription("The standard: parameters with defaults, monitor templates and the release gate.")
    public MonitoringProfileSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Whether every template of the profile renders.")
    public MonitoringProfileStatus getStatus() {
        return super.getStatus();
    }
}
