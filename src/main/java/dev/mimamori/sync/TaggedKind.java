package dev.mimamori.sync;

import dev.mimamori.datadog.DatadogApi;
import java.util.List;
import java.util.Optional;

/** A kind whose objects carry the ownership tags themselves (monitors, SLOs): ownership is read from the tags. */
abstract class TaggedKind<D, A> implements ObjectKind<D, A> {
    protected final DatadogApi datadog;
    protected final String cluster;
    private final String noun;
    private final String nameTag;

    TaggedKind(DatadogApi datadog, String cluster, String noun, String nameTag) {
        this.datadog = datadog;
        this.cluster = cluster;
        this.noun = noun;
        this.nameTag = nameTag;
    }

    /** The object's tags as Datadog holds them. */
    protected abstract List<String> tagsOf(A actual);

    @Override
    public String noun() {
        return noun;
    }

    @Override
    public Optional<Ownership.Owned> ownership(A actual) {
        return Ownership.of(tagsOf(actual), cluster, nameTag);
    }
}
