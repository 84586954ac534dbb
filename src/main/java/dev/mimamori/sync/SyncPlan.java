package dev.mimamori.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What must change in Datadog so that one owner holds exactly the desired objects of one kind: pure, computed from
 * the desired list and the owner's objects (already known to be strictly the owner's). Objects are matched by name;
 * the oldest copy of a name is kept and later copies (a retried create, a hand-made clone) are deleted.
 */
public record SyncPlan<D, A>(
        List<Desired<D>> creates, List<Change<D, A>> updates, List<A> deletes, List<Change<D, A>> unchanged) {

    /** An existing object and what it should say. */
    public record Change<D, A>(A current, Desired<D> desired) {}

    public static <D, A> SyncPlan<D, A> between(ObjectKind<D, A> kind, List<Desired<D>> desired, List<A> actual) {
        Map<String, List<A>> byName = new HashMap<>();
        actual.stream()
                .sorted(kind.oldestFirst())
                .forEach(a -> kind.ownership(a)
                        .ifPresent(
                                owned -> byName.computeIfAbsent(Ownership.stored(owned.name()), k -> new ArrayList<>())
                                        .add(a)));
        List<Desired<D>> creates = new ArrayList<>();
        List<Change<D, A>> updates = new ArrayList<>();
        List<Change<D, A>> unchanged = new ArrayList<>();
        List<A> deletes = new ArrayList<>();
        for (Desired<D> d : desired) {
            // Datadog lower-cases the name tag an object is matched by.
            List<A> existing = byName.remove(Ownership.stored(d.name()));
            if (existing == null || existing.isEmpty()) {
                creates.add(d);
                continue;
            }
            A keep = existing.get(0);
            deletes.addAll(existing.subList(1, existing.size()));
            (kind.isSatisfiedBy(d.definition(), keep) ? unchanged : updates).add(new Change<>(keep, d));
        }
        byName.values().forEach(deletes::addAll);
        deletes.sort(kind.oldestFirst());
        return new SyncPlan<>(List.copyOf(creates), List.copyOf(updates), List.copyOf(deletes), List.copyOf(unchanged));
    }

    public boolean isEmpty() {
        return creates.isEmpty() && updates.isEmpty() && deletes.isEmpty();
    }
}
