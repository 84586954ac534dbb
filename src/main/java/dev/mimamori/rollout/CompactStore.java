package dev.mimamori.rollout;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer store that keeps each object as a small record of the fields the operator reads and rebuilds the
 * object on every read. Keyed by namespace/name as the informer keys it, so name and namespace come from the key.
 * Strings that repeat across objects (label keys and values, owner uids, annotation values) are interned.
 *
 * @param <T> the Kubernetes type
 * @param <C> its compact record
 */
public abstract class CompactStore<T extends HasMetadata, C> implements ItemStore<T> {
    private final Map<String, C> items = new ConcurrentHashMap<>();

    /** The fields the operator reads, or null for a null object. */
    protected abstract C compact(T object);

    /** The object as the operator reads it; name and namespace are set by the caller. */
    protected abstract T restore(C compact);

    @Override
    public String getKey(T object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public T put(String key, T object) {
        C compact = compact(object);
        C previous = items.put(key, compact);
        if (object != null && compact != null) {
            keepOnly(object, restore(key, compact));
        }
        return restore(key, previous);
    }

    /**
     * Makes the object the informer received hold no more than this store keeps. The informer hands that object to
     * its listeners after this put, through a queue: while a large cluster is listed at start-up, thousands of add
     * notifications wait there for the operator's busy threads, and each would otherwise hold a whole parsed object
     * (a ReplicaSet with its pod template is some 20 KB on the heap, its reduced form some 200 B). It also means a
     * listener reads exactly what a cache read gives. By default nothing is changed.
     *
     * @param received the object as listed or watched, which the informer's listeners are about to see
     * @param kept the same object as this store gives it back
     */
    protected void keepOnly(T received, T kept) {}

    @Override
    public T remove(String key) {
        return restore(key, items.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return items.entrySet().stream().map(e -> restore(e.getKey(), e.getValue()));
    }

    @Override
    public T get(String key) {
        return restore(key, items.get(key));
    }

    @Override
    public int size() {
        return items.size();
    }

    /**
     * Not the objects as listed: the informer must hand its listeners the objects it received, not what this store
     * rebuilds (fabric8 defers the first adds and reads them back from a full-state store).
     */
    @Override
    public boolean isFullState() {
        return false;
    }

    private T restore(String key, C compact) {
        if (compact == null) {
            return null;
        }
        T object = restore(compact);
        int slash = key.indexOf('/');
        object.getMetadata().setNamespace(slash < 0 ? null : key.substring(0, slash));
        object.getMetadata().setName(key.substring(slash + 1));
        return object;
    }

    static String intern(String s) {
        return s == null ? null : s.intern();
    }

    /** The map as interned key, value pairs; null when empty. */
    static String[] pairs(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return null;
        }
        String[] pairs = new String[map.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            pairs[i++] = intern(e.getKey());
            pairs[i++] = intern(e.getValue());
        }
        return pairs;
    }

    /** Only the entries under these keys, as interned pairs; null when none is there. */
    static String[] pairs(Map<String, String> map, String... keys) {
        if (map == null) {
            return null;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        for (String key : keys) {
            String value = map.get(key);
            if (value != null) {
                kept.put(key, value);
            }
        }
        return pairs(kept);
    }

    static Map<String, String> map(String[] pairs) {
        if (pairs == null) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>(pairs.length);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** A resource version packed in a long: a decimal one as its value, any other as -1 with the text kept. */
    static long versionNumber(String version) {
        if (version == null) {
            return -2;
        }
        try {
            long number = Long.parseLong(version);
            if (number >= 0 && Long.toString(number).equals(version)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // resource versions are opaque by contract: the text is kept instead
        }
        return -1;
    }

    /** The text to keep beside {@link #versionNumber}: null unless the number cannot give it back. */
    static String versionText(String version) {
        return versionNumber(version) == -1 ? version : null;
    }

    static String version(long number, String text) {
        return number >= 0 ? Long.toString(number) : text;
    }

    /** A timestamp packed in epoch seconds when the API server's whole-second form gives it back exactly. */
    static long seconds(String timestamp) {
        if (timestamp == null) {
            return Long.MIN_VALUE;
        }
        try {
            Instant instant = Instant.parse(timestamp);
            if (instant.getNano() == 0 && instant.toString().equals(timestamp)) {
                return instant.getEpochSecond();
            }
        } catch (DateTimeParseException e) {
            // not a form we can rebuild: kept as text
        }
        return Long.MAX_VALUE;
    }

    static String secondsText(String timestamp) {
        return seconds(timestamp) == Long.MAX_VALUE ? timestamp : null;
    }

    static String timestamp(long seconds, String text) {
        if (seconds == Long.MIN_VALUE) {
            return null;
        }
        return seconds == Long.MAX_VALUE ? text : Instant.ofEpochSecond(seconds).toString();
    }

    static ObjectMeta meta(long version, String versionText) {
        ObjectMeta meta = new ObjectMeta();
        meta.setResourceVersion(version(version, versionText));
        return meta;
    }
}
