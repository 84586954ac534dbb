package dev.mimamori.sync;

import dev.mimamori.datadog.DatadogException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One sync of one owner's objects across kinds. Kinds (or steps of one kind) are upserted in the order the caller
 * names them (an SLO before the burn-rate monitors that need its id, members before the composites that name them);
 * deletes wait until {@link #finish()} and run in the reverse order, so what refers to an object is always gone
 * before the object.
 *
 * <p>Failures are isolated per object: a refused, referenced or forbidden object becomes an {@link ObjectProblem}
 * and the rest still runs. A failure that concerns every object (rate limit, outage, keys) is thrown; whatever was
 * done before it is in the inventory and in {@link #report()}, and the next sync continues from there.
 */
public final class SyncRun {
    private final String owner;
    private final List<Runnable> deletes = new ArrayList<>();
    private final List<Named> created = new ArrayList<>();
    private final List<Named> updated = new ArrayList<>();
    private final List<Named> deleted = new ArrayList<>();
    private final List<ObjectProblem> problems = new ArrayList<>();
    /** Whether the key could still read when an object answered 403; null until one did. */
    private Boolean keyReads;

    public SyncRun(String owner) {
        this.owner = owner;
    }

    /** One object by kind and name, as events and logs mention it. */
    public record Named(String kind, String name) {
        @Override
        public String toString() {
            return kind + " " + name;
        }
    }

    /** What the run changed and what it could not, so far. */
    public record Report(List<Named> created, List<Named> updated, List<Named> deleted, List<ObjectProblem> problems) {
        public boolean changedAnything() {
            return !created.isEmpty() || !updated.isEmpty() || !deleted.isEmpty();
        }
    }

    public Report report() {
        return new Report(List.copyOf(created), List.copyOf(updated), List.copyOf(deleted), List.copyOf(problems));
    }

    /**
     * Creates and updates the owner's objects of one kind; the deletes the plan holds run at {@link #finish()}.
     * Returns every desired object that exists in Datadog, by name.
     */
    public <D, A> List<SyncedObject> upsert(Inventory<D, A> inventory, List<Desired<D>> desired) {
        return upsert(inventory, desired, a -> true);
    }

    /**
     * As {@link #upsert(Inventory, List)}, over only the owner's objects in {@code scope}: one kind synced in steps
     * (members before the composites that name them) keeps each step's plan to its own objects.
     */
    public <D, A> List<SyncedObject> upsert(
            Inventory<D, A> inventory, List<Desired<D>> desired, java.util.function.Predicate<A> scope) {
        ObjectKind<D, A> kind = inventory.kind();
        SyncPlan<D, A> plan = SyncPlan.between(
                kind, desired, inventory.of(owner).stream().filter(scope).toList());
        List<SyncedObject> synced = new ArrayList<>();
        for (SyncPlan.Change<D, A> kept : plan.unchanged()) {
            synced.add(synced(kind, kept.desired().name(), kept.current()));
        }
        for (SyncPlan.Change<D, A> change : plan.updates()) {
            update(inventory, change, synced);
        }
        for (Desired<D> d : plan.creates()) {
            create(inventory, d, synced);
        }
        deletes.add(() -> plan.deletes().forEach(a -> delete(inventory, a)));
        synced.sort(Comparator.comparing(SyncedObject::name));
        return synced;
    }

    /** Deletes every object of the owner of this kind (when {@link #finish()} runs). */
    public <D, A> void removeAll(Inventory<D, A> inventory) {
        upsert(inventory, List.of());
    }

    /** Runs the deletes, last kind first. */
    public void finish() {
        for (int i = deletes.size() - 1; i >= 0; i--) {
            deletes.get(i).run();
        }
        deletes.clear();
    }

    private <D, A> void update(Inventory<D, A> inventory, SyncPlan.Change<D, A> change, List<SyncedObject> synced) {
        ObjectKind<D, A> kind = inventory.kind();
        Desired<D> d = change.desired();
        try {
            A after = kind.update(change.current(), d.definition());
            inventory.recordUpdated(owner, after);
            synced.add(synced(kind, d.name(), after));
            updated.add(new Named(kind.noun(), d.name()));
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.NOT_FOUND) {
                // Deleted in Datadog since we last looked: forget it and create it again.
                inventory.recordDeleted(owner, kind.id(change.current()));
                create(inventory, d, synced);
                return;
            }
            problem(inventory, d.name(), kind.id(change.current()), e, false);
            // The object as it was still stands, and so does whatever refers to it.
            synced.add(synced(kind, d.name(), change.current()));
        }
    }

    private <D, A> void create(Inventory<D, A> inventory, Desired<D> d, List<SyncedObject> synced) {
        ObjectKind<D, A> kind = inventory.kind();
        try {
            A made = kind.create(d.definition());
            inventory.recordCreated(owner, made);
            synced.add(synced(kind, d.name(), made));
            created.add(new Named(kind.noun(), d.name()));
        } catch (DatadogException e) {
            if (e.kind() == DatadogException.Kind.UNAVAILABLE) {
                // No answer is not "not created": look before creating it again.
                inventory.markUncertain(owner);
            }
            // A 403 on a create is the key's, not the object's: it concerns every object, so it is thrown.
            problem(inventory, d.name(), null, e, true);
        }
    }

    private <D, A> void delete(Inventory<D, A> inventory, A actual) {
        ObjectKind<D, A> kind = inventory.kind();
        String name = kind.ownership(actual).map(Ownership.Owned::name).orElse("?");
        try {
            kind.delete(actual);
        } catch (DatadogException e) {
            problem(inventory, name, kind.id(actual), e, false);
            return;
        }
        inventory.recordDeleted(owner, kind.id(actual));
        deleted.add(new Named(kind.noun(), name));
    }

    /** Records a failure that concerns this object only; rethrows one that concerns every object. */
    private void problem(Inventory<?, ?> inventory, String name, String id, DatadogException e, boolean creating) {
        ObjectProblem.Problem problem = switch (e.kind()) {
            case REJECTED -> ObjectProblem.Problem.REJECTED;
            case REFERENCED -> ObjectProblem.Problem.REFERENCED;
            case FORBIDDEN -> creating || !keyCanRead(inventory) ? null : ObjectProblem.Problem.FORBIDDEN;
            default -> null;
        };
        if (problem == null) {
            throw e;
        }
        problems.add(new ObjectProblem(inventory.kind().noun(), name, id, problem, e.getMessage()));
    }

    /**
     * A 403 on one object is that object's (restricted roles) only if the key can still read: Datadog answers a
     * revoked key with 403 too. One list of the owner's objects tells them apart, once per run.
     */
    private boolean keyCanRead(Inventory<?, ?> inventory) {
        if (keyReads == null) {
            try {
                inventory.kind().listOwner(owner);
                keyReads = true;
            } catch (DatadogException e) {
                if (e.kind() != DatadogException.Kind.FORBIDDEN) {
                    throw e;
                }
                keyReads = false;
            }
        }
        return keyReads;
    }

    private static <D, A> SyncedObject synced(ObjectKind<D, A> kind, String name, A actual) {
        return new SyncedObject(kind.noun(), name, kind.id(actual), kind.url(actual));
    }
}
