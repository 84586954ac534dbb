package dev.mimamori.sync;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One kind of Datadog object that mimamori keeps in sync (monitor, SLO, dashboard, ...): everything the sync engine
 * needs to know about it, and nothing else. {@code D} is the definition as wanted, {@code A} the object as Datadog
 * holds it. The engine owns planning, ordering, inventories and failure handling; a kind only renders, compares,
 * lists and calls.
 */
public interface ObjectKind<D, A> {

    /** How people call one of these, e.g. "monitor" or "SLO": used in status, events and logs. */
    String noun();

    /** Whose the object is, and which of the owner's objects; empty when it is not strictly ours. */
    Optional<Ownership.Owned> ownership(A actual);

    /** Datadog's id of the object, as text. */
    String id(A actual);

    /** The order in which copies of one object are kept: the first is the one people link to. */
    Comparator<A> oldestFirst();

    /** True when the object as Datadog holds it already says everything the desired definition says. */
    boolean isSatisfiedBy(D desired, A actual);

    /** Every object of this kind that may be ours in this cluster; ownership is checked again by the caller. */
    List<A> listAll();

    /** The objects that may belong to one owner, read after a write whose outcome is unknown. */
    List<A> listOwner(String owner);

    A create(D desired);

    A update(A current, D desired);

    /** Deletes the object; an object already gone counts as deleted. */
    void delete(A actual);

    /**
     * Takes the object out of mimamori's management while leaving it in Datadog (deletionPolicy Orphan): afterwards it
     * is foreign, so no later sync or collection touches it.
     */
    void release(A actual);

    /** Where a person looks at the object in Datadog. */
    String url(A actual);
}
