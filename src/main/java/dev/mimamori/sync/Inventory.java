package dev.mimamori.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * What this cluster's objects of one kind look like in Datadog, by owner, for every owner at once. Read with one
 * list per resync and kept current by writing our own creates, updates and deletes through it, so a reconcile reads
 * nothing from Datadog and an unchanged resync writes nothing. Only strictly owned objects enter (see
 * {@link Ownership}). No lock is held while Datadog is called: concurrent refreshes share one list call.
 */
public final class Inventory<D, A> {
    private final ObjectKind<D, A> kind;
    private final AtomicLong managed;
    private final Object state = new Object();
    /** Owners with a write whose outcome is unknown (a timeout): re-read before their next sync. */
    private final Set<String> uncertain = ConcurrentHashMap.newKeySet();
    /** Owners whose objects a sync is changing right now; a second sync of the same owner waits its turn. */
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    private final AtomicReference<CompletableFuture<Set<String>>> refreshing = new AtomicReference<>();

    private Map<String, List<A>> byOwner = new HashMap<>();
    private volatile boolean loaded;
    /** How many times Datadog has been listed in full: what was known before a list may have changed since. */
    private volatile long lists;
    /** Owners written to while a list was under way: their write-through state is newer than the list. */
    private final Set<String> writtenDuringRefresh = new HashSet<>();

    private boolean listing;

    public Inventory(ObjectKind<D, A> kind, AtomicLong managed) {
        this.kind = kind;
        this.managed = managed == null ? new AtomicLong() : managed;
    }

    public ObjectKind<D, A> kind() {
        return kind;
    }

    /**
     * The owner's objects; the first call after start lists Datadog once for everyone. An owner marked uncertain is
     * re-read first (one list filtered on the owner), so a create that timed out but happened is found, not repeated.
     */
    public List<A> of(String owner) {
        if (uncertain.contains(owner)) {
            List<A> listed = kind.listOwner(owner).stream()
                    .filter(a -> isOwnedBy(a, owner))
                    .toList();
            edit(owner, list -> {
                list.clear();
                list.addAll(listed);
            });
            uncertain.remove(owner);
        }
        if (!loaded) {
            refresh();
        }
        synchronized (state) {
            return List.copyOf(byOwner.getOrDefault(owner, List.of()));
        }
    }

    /** Every owner with at least one object in Datadog, as last known. */
    public Set<String> owners() {
        synchronized (state) {
            return Set.copyOf(byOwner.keySet());
        }
    }

    public boolean isLoaded() {
        return loaded;
    }

    /** How many full lists of Datadog have completed; a different count means the inventory has been re-read. */
    public long lists() {
        return lists;
    }

    /**
     * Re-reads Datadog and returns the owners whose objects differ from what we last knew: edited or deleted in
     * Datadog, or created there with our tags. A refresh asked for while one is under way shares its result.
     */
    public Set<String> refresh() {
        CompletableFuture<Set<String>> mine = new CompletableFuture<>();
        CompletableFuture<Set<String>> running = refreshing.compareAndExchange(null, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            Set<String> changed = refreshNow();
            mine.complete(changed);
            return changed;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            refreshing.set(null);
        }
    }

    private Set<String> refreshNow() {
        synchronized (state) {
            listing = true;
            writtenDuringRefresh.clear();
        }
        List<A> listed;
        try {
            listed = kind.listAll();
        } catch (RuntimeException e) {
            synchronized (state) {
                listing = false;
            }
            throw e;
        }
        Map<String, List<A>> fresh = new HashMap<>();
        for (A item : listed) {
            kind.ownership(item)
                    .ifPresent(o -> fresh.computeIfAbsent(o.owner(), k -> new ArrayList<>())
                            .add(item));
        }
        synchronized (state) {
            // Only now: a write made after the list ended but before this point is newer than the list too.
            listing = false;
            Map<String, List<A>> previous = byOwner;
            for (String owner : writtenDuringRefresh) {
                fresh.put(owner, new ArrayList<>(previous.getOrDefault(owner, List.of())));
            }
            fresh.values().removeIf(List::isEmpty);
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
            lists++;
            recount();
            return changed;
        }
    }

    /**
     * Claims the owner for one sync; empty when another sync of the same owner is under way (it does the work, and
     * the caller uses what it leaves). Never blocks.
     */
    public Optional<AutoCloseable> tryClaim(String owner) {
        if (!claimed.add(owner)) {
            return Optional.empty();
        }
        return Optional.of(() -> claimed.remove(owner));
    }

    /** A create for this owner may or may not have happened in Datadog (no answer came back). */
    public void markUncertain(String owner) {
        uncertain.add(owner);
    }

    /**
     * A full list that ended between Datadog storing our create and this call already holds the object: it is kept
     * once, or the next sync would take the second copy for a duplicate and delete the object itself.
     */
    public void recordCreated(String owner, A item) {
        recordUpdated(owner, item);
    }

    public void recordUpdated(String owner, A item) {
        String id = kind.id(item);
        edit(owner, list -> {
            list.removeIf(existing -> Objects.equals(kind.id(existing), id));
            list.add(item);
        });
    }

    public void recordDeleted(String owner, String id) {
        edit(owner, list -> list.removeIf(existing -> Objects.equals(kind.id(existing), id)));
    }

    /** Stops tracking an owner whose objects were released from management (deletionPolicy Orphan). */
    public void forget(String owner) {
        edit(owner, List::clear);
    }

    private boolean isOwnedBy(A item, String owner) {
        return kind.ownership(item).map(o -> o.owner().equals(owner)).orElse(false);
    }

    private void edit(String owner, Consumer<List<A>> change) {
        synchronized (state) {
            List<A> list = byOwner.computeIfAbsent(owner, k -> new ArrayList<>());
            change.accept(list);
            if (list.isEmpty()) {
                byOwner.remove(owner);
            }
            if (listing) {
                writtenDuringRefresh.add(owner);
            }
            recount();
        }
    }

    private void recount() {
        managed.set(byOwner.values().stream().mapToLong(List::size).sum());
    }

    private List<A> sorted(List<A> items) {
        if (items == null) {
            return List.of();
        }
        List<A> copy = new ArrayList<>(items);
        copy.sort(kind.oldestFirst());
        return copy;
    }
}
