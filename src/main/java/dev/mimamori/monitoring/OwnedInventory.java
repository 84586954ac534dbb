package dev.mimamori.monitoring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What this cluster's objects of one kind (monitors, SLOs) look like in Datadog, for every ServiceMonitoring at once.
 * Read with one tag-filtered, paginated list per resync, and kept current by writing our own creates, updates and
 * deletes through it; so a reconcile reads nothing from Datadog and an unchanged resync writes nothing.
 */
class OwnedInventory<T> {
    private final Supplier<List<T>> lister;
    private final Function<String, List<T>> ownerLister;
    /** Owners with a write whose outcome is unknown (a timeout): re-read before their next sync. */
    private final Set<String> uncertain = ConcurrentHashMap.newKeySet();
    private final Function<T, String> ownerOf;
    private final Function<T, Object> idOf;
    private final Comparator<T> oldestFirst;
    private final Object refreshLock = new Object();
    private final Object oneRefreshAtATime = new Object();
    private final AtomicLong managed;

    private Map<String, List<T>> byOwner = new HashMap<>();
    private volatile boolean loaded;
    /** Owners written to while a list was under way: their write-through state is newer than the list. */
    private final Set<String> writtenDuringRefresh = new HashSet<>();
    private boolean refreshing;

    OwnedInventory(Supplier<List<T>> lister, Function<String, List<T>> ownerLister, Function<T, String> ownerOf,
            Function<T, Object> idOf, Comparator<T> oldestFirst, AtomicLong managed) {
        this.lister = lister;
        this.ownerLister = ownerLister;
        this.ownerOf = ownerOf;
        this.idOf = idOf;
        this.oldestFirst = oldestFirst;
        this.managed = managed;
    }

    /**
     * The owner's objects; the first call after start lists Datadog once for everyone. An owner marked uncertain is
     * re-read first (one list call filtered on its owner tag), so a create that timed out but happened in Datadog is
     * found instead of made twice.
     */
    List<T> of(String owner) {
        if (uncertain.contains(owner)) {
            List<T> listed = ownerLister.apply(owner);
            edit(owner, list -> {
                list.clear();
                listed.stream().filter(item -> owner.equals(ownerOf.apply(item))).forEach(list::add);
            });
            uncertain.remove(owner);
        }
        if (!loaded) {
            synchronized (oneRefreshAtATime) {
                if (!loaded) {
                    refresh();
                }
            }
        }
        synchronized (refreshLock) {
            return List.copyOf(byOwner.getOrDefault(owner, List.of()));
        }
    }

    /**
     * Re-reads Datadog and returns the owners whose objects differ from what we last knew: edited or deleted in
     * Datadog, or created by hand with our tags. Those need a reconcile; nobody else does.
     */
    Set<String> refresh() {
        // Two lists at once (the drift check, and a first reconcile loading the cache) would each clear the other's
        // record of writes made meanwhile; one at a time keeps every write.
        synchronized (oneRefreshAtATime) {
            return refreshAlone();
        }
    }

    private Set<String> refreshAlone() {
        synchronized (refreshLock) {
            refreshing = true;
            writtenDuringRefresh.clear();
        }
        List<T> listed;
        try {
            listed = lister.get();
        } catch (RuntimeException e) {
            synchronized (refreshLock) {
                refreshing = false;
            }
            throw e;
        }
        Map<String, List<T>> fresh = new HashMap<>();
        for (T item : listed) {
            String owner = ownerOf.apply(item);
            if (owner != null) {
                fresh.computeIfAbsent(owner, k -> new ArrayList<>()).add(item);
            }
        }
        synchronized (refreshLock) {
            // Only now: a write made after the list ended but before this point is newer than the list too.
            refreshing = false;
            Map<String, List<T>> previous = byOwner;
            for (String owner : writtenDuringRefresh) {
                fresh.put(owner, new ArrayList<>(previous.getOrDefault(owner, List.of())));
            }
            Set<String> changed = new HashSet<>();
            Set<String> owners = new HashSet<>(previous.keySet());
            owners.addAll(fresh.keySet());
            for (String owner : owners) {
                if (!sorted(previous.get(owner)).equals(sorted(fresh.get(owner)))) {
                    changed.add(owner);
                }
            }
            byOwner = fresh;
            loaded = true;
            recount();
            return changed;
        }
    }

    /** A create for this owner may or may not have happened in Datadog (no answer came back). */
    void markUncertain(String owner) {
        uncertain.add(owner);
    }

    void recordCreated(String owner, T item) {
        edit(owner, list -> list.add(item));
    }

    void recordUpdated(String owner, T item) {
        Object id = idOf.apply(item);
        edit(owner, list -> {
            list.removeIf(existing -> Objects.equals(idOf.apply(existing), id));
            list.add(item);
        });
    }

    void recordDeleted(String owner, Object id) {
        edit(owner, list -> list.removeIf(existing -> Objects.equals(idOf.apply(existing), id)));
    }

    /** Stops tracking an owner whose objects were left in Datadog on purpose (deletionPolicy Orphan). */
    void forget(String owner) {
        edit(owner, List::clear);
    }

    private void edit(String owner, Consumer<List<T>> change) {
        synchronized (refreshLock) {
            List<T> list = byOwner.computeIfAbsent(owner, k -> new ArrayList<>());
            change.accept(list);
            if (list.isEmpty()) {
                byOwner.remove(owner);
            }
            if (refreshing) {
                writtenDuringRefresh.add(owner);
            }
            recount();
        }
    }

    private void recount() {
        managed.set(byOwner.values().stream().mapToLong(List::size).sum());
    }

    private List<T> sorted(List<T> items) {
        if (items == null) {
            return List.of();
        }
        List<T> copy = new ArrayList<>(items);
        copy.sort(oldestFirst);
        return copy;
    }
}
