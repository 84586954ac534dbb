package dev.mimamori.sync;

import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.MonitorDefinition;
import java.util.Comparator;
import java.util.List;

/** Monitors: listed by the ownership tags (one call per 1,000), oldest first by id. */
public final class MonitorKind extends TaggedKind<MonitorDefinition, ManagedMonitor> {
    /** The tag naming which of its owner's monitors this is (the template name). */
    public static final String NAME_TAG = "mimamori-monitor";

    public MonitorKind(DatadogApi datadog, String cluster) {
        super(datadog, cluster, "monitor", NAME_TAG);
    }

    @Override
    protected List<String> tagsOf(ManagedMonitor actual) {
        return actual.tags();
    }

    @Override
    public String id(ManagedMonitor actual) {
        return Long.toString(actual.id());
    }

    @Override
    public Comparator<ManagedMonitor> oldestFirst() {
        return Comparator.comparingLong(ManagedMonitor::id);
    }

    @Override
    public boolean isSatisfiedBy(MonitorDefinition desired, ManagedMonitor actual) {
        return desired.isSatisfiedBy(actual);
    }

    @Override
    public List<ManagedMonitor> listAll() {
        return datadog.listMonitors(List.of(Ownership.MANAGED_BY_US, Ownership.clusterTag(cluster)));
    }

    @Override
    public List<ManagedMonitor> listOwner(String owner) {
        return datadog.listMonitors(
                List.of(Ownership.MANAGED_BY_US, Ownership.clusterTag(cluster), Ownership.ownerTag(owner)));
    }

    @Override
    public ManagedMonitor create(MonitorDefinition desired) {
        return datadog.createMonitor(desired);
    }

    @Override
    public ManagedMonitor update(ManagedMonitor current, MonitorDefinition desired) {
        return datadog.updateMonitor(current.id(), desired);
    }

    @Override
    public void delete(ManagedMonitor actual) {
        datadog.deleteMonitor(actual.id());
    }

    /** Only the tags change: the inventory keeps no more of a monitor, and Datadog keeps what an update leaves out. */
    @Override
    public void release(ManagedMonitor actual) {
        datadog.retagMonitor(actual.id(), Ownership.released(actual.tags()));
    }

    @Override
    public String url(ManagedMonitor actual) {
        return datadog.monitorUrl(actual.id());
    }
}
