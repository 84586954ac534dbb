package dev.mimamori.sync;

import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.ManagedSlo;
import dev.mimamori.datadog.SloDefinition;
import java.util.Comparator;
import java.util.List;

/** SLOs: Datadog filters the list on one tag (the cluster's); ownership is checked on every object read. */
public final class SloKind extends TaggedKind<SloDefinition, ManagedSlo> {
    /** The tag naming which of its owner's SLOs this is. */
    public static final String NAME_TAG = "mimamori-slo";

    public SloKind(DatadogApi datadog, String cluster) {
        super(datadog, cluster, "SLO", NAME_TAG);
    }

    @Override
    protected List<String> tagsOf(ManagedSlo actual) {
        return actual.tags();
    }

    @Override
    public String id(ManagedSlo actual) {
        return actual.id();
    }

    @Override
    public Comparator<ManagedSlo> oldestFirst() {
        return Comparator.comparingLong(ManagedSlo::createdAt).thenComparing(ManagedSlo::id);
    }

    @Override
    public boolean isSatisfiedBy(SloDefinition desired, ManagedSlo actual) {
        return desired.isSatisfiedBy(actual);
    }

    @Override
    public List<ManagedSlo> listAll() {
        return datadog.listSlos(Ownership.clusterTag(cluster));
    }

    @Override
    public List<ManagedSlo> listOwner(String owner) {
        return datadog.listSlos(Ownership.ownerTag(owner));
    }

    @Override
    public ManagedSlo create(SloDefinition desired) {
        return datadog.createSlo(desired);
    }

    @Override
    public ManagedSlo update(ManagedSlo current, SloDefinition desired) {
        return datadog.updateSlo(current.id(), desired);
    }

    @Override
    public void delete(ManagedSlo actual) {
        datadog.deleteSlo(actual.id());
    }

    /**
     * Datadog's SLO update replaces the whole SLO and the inventory keeps only a fingerprint of it: the SLO is read
     * first (releases are rare), then written back without the managed-by tag.
     */
    @Override
    public void release(ManagedSlo actual) {
        SloDefinition current = datadog.readSlo(actual.id());
        datadog.updateSlo(actual.id(), current.withTags(Ownership.released(current.tags())));
    }

    @Override
    public String url(ManagedSlo actual) {
        return datadog.sloUrl(actual.id());
    }
}
