package dev.mimamori.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that decides whether a Datadog object is mimamori's, and whose. An object is ours only if it carries
 * exactly one {@code managed-by:mimamori}, exactly one {@code mimamori-cluster:} naming this cluster, exactly one
 * {@code mimamori-owner:} and exactly one name tag of its kind. Anything else (a second owner, another cluster, a
 * missing tag) is foreign: never updated, adopted or deleted, so a forged tag can move nothing.
 */
public final class Ownership {
    public static final String MANAGED_BY = "managed-by";
    public static final String MANAGED_BY_US = MANAGED_BY + ":mimamori";
    public static final String CLUSTER = "mimamori-cluster";
    public static final String OWNER = "mimamori-owner";
    /** Tag keys that only the operator writes; specs and profiles may not carry them. */
    public static final String RESERVED_PREFIX = "mimamori-";

    /** Whose an object is ({@code namespace/name}) and which of the owner's objects it is (its template name). */
    public record Owned(String owner, String name) {}

    private Ownership() {}

    /** Datadog cuts tags at 200 characters (and lower-cases them): an owner tag's value must fit in the rest. */
    static final int MAX_TAG_LENGTH = 200;

    static final int MAX_OWNER_LENGTH = MAX_TAG_LENGTH - OWNER.length() - 1;
    private static final int HASH_LENGTH = 16;

    /**
     * The owner key of a namespaced resource: {@code namespace/name}, or, when that would not fit in a tag,
     * {@code namespace/<start of name>_<hash>}. Kubernetes names never hold "_", so the two forms cannot collide.
     */
    public static String ownerKey(String namespace, String name) {
        String plain = namespace + "/" + name;
        if (plain.length() <= MAX_OWNER_LENGTH) {
            return plain;
        }
        String hash = sha256Hex(plain).substring(0, HASH_LENGTH);
        return plain.substring(0, MAX_OWNER_LENGTH - HASH_LENGTH - 1) + "_" + hash;
    }

    /** A namespaced resource's namespace and name. */
    public record ResourceName(String namespace, String name) {}

    /** The resource a plain owner key names; empty for a shortened key, which only its resource can match. */
    public static Optional<ResourceName> resourceOf(String ownerKey) {
        int slash = ownerKey.indexOf('/');
        if (slash <= 0 || ownerKey.indexOf('_') >= 0) {
            return Optional.empty();
        }
        return Optional.of(new ResourceName(ownerKey.substring(0, slash), ownerKey.substring(slash + 1)));
    }

    /** The tags that make an object ours, lower-cased as Datadog stores them so a read-back compares equal. */
    public static List<String> tags(String cluster, String owner, String nameKey, String name) {
        return List.of(MANAGED_BY_US, clusterTag(cluster), ownerTag(owner), nameKey + ":" + stored(name));
    }

    /** The cluster tag as Datadog stores it, for list filters. */
    public static String clusterTag(String cluster) {
        return CLUSTER + ":" + stored(cluster);
    }

    /** The owner tag as Datadog stores it, for list filters. */
    public static String ownerTag(String owner) {
        return OWNER + ":" + stored(owner);
    }

    /** A tag value as Datadog keeps it: the name an object is matched by after a read-back. */
    public static String stored(String value) {
        return value.toLowerCase(Locale.ROOT);
    }

    /** Who owns an object with these tags in {@code cluster}, if it is strictly ours. */
    public static Optional<Owned> of(Collection<String> tags, String cluster, String nameKey) {
        if (tags == null) {
            return Optional.empty();
        }
        String managedBy = only(tags, MANAGED_BY);
        String clusterValue = only(tags, CLUSTER);
        String owner = only(tags, OWNER);
        String name = only(tags, nameKey);
        if (!"mimamori".equals(managedBy)
                || !cluster.equalsIgnoreCase(String.valueOf(clusterValue))
                || owner == null
                || owner.isEmpty()
                || name == null
                || name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Owned(stored(owner), stored(name)));
    }

    /**
     * Which shared dashboard: its profile and the values of the profile parameters its queries use where they differ
     * from the profile's defaults (a metric name cannot be a template variable, so each value needs a dashboard of
     * its own). No parameters is the dashboard of the profile's defaults, which is every dashboard marked before
     * parameters existed.
     */
    public record DashboardKey(String profile, SortedMap<String, String> parameters) {
        public DashboardKey {
            parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
        }

        public static DashboardKey of(String profile) {
            return new DashboardKey(profile, new TreeMap<>());
        }

        /** The inventory's owner key: the marker's words after {@code profile=}, e.g. {@code default traceOperation=servlet.request}. */
        public String owner() {
            StringBuilder owner = new StringBuilder(profile);
            parameters.forEach(
                    (name, value) -> owner.append(' ').append(name).append('=').append(value));
            return owner.toString();
        }
    }

    /** The profile of a dashboard owner key made by {@link DashboardKey#owner()}. */
    public static String profileOfDashboard(String owner) {
        int space = owner.indexOf(' ');
        return space < 0 ? owner : owner.substring(0, space);
    }

    /** Which cluster a dashboard belongs to and which of its profile's dashboards it is, from its marker line. */
    public record DashboardOwner(String cluster, DashboardKey key) {}

    /** Parameter names a marker can carry: nothing that could end a word or the marker. */
    public static final Pattern MARKER_PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private static final Pattern DASHBOARD_MARKER =
            Pattern.compile("\\[mimamori cluster=(\\S+) profile=([^\\s\\]]+)((?: " + MARKER_PARAMETER_NAME.pattern()
                    + "=[^\\s\\]]+)*)]");

    /** Dashboards take no free-form tags: this last line of the description says whose a dashboard is. */
    public static String dashboardMarker(String cluster, DashboardKey key) {
        return "[mimamori cluster=" + cluster + " profile=" + key.owner() + "]";
    }

    /** The owner a dashboard's description names, if it names exactly one. */
    public static Optional<DashboardOwner> ofDashboard(String description) {
        if (description == null) {
            return Optional.empty();
        }
        // Exactly one marker, as the last line: a description claiming two owners is nobody's.
        Matcher m = DASHBOARD_MARKER.matcher(description);
        if (!m.find()) {
            return Optional.empty();
        }
        SortedMap<String, String> parameters = new TreeMap<>();
        for (String word : m.group(3).trim().split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            int eq = word.indexOf('=');
            if (parameters.put(word.substring(0, eq), word.substring(eq + 1)) != null) {
                // One parameter with two values names no one dashboard.
                return Optional.empty();
            }
        }
        DashboardOwner owner = new DashboardOwner(m.group(1), new DashboardKey(m.group(2), parameters));
        boolean last = description.substring(m.end()).isBlank();
        return !last || m.find() ? Optional.empty() : Optional.of(owner);
    }

    /** The tags without the one that marks an object as managed: what a released object keeps. */
    public static List<String> released(Collection<String> tags) {
        return tags.stream().filter(t -> !t.equals(MANAGED_BY_US)).toList();
    }

    /** True when a tag written by a person would claim or disturb ownership (its key is one the operator owns). */
    public static boolean isReserved(String tag) {
        if (tag == null) {
            return false;
        }
        String key = tag.contains(":") ? tag.substring(0, tag.indexOf(':')) : tag;
        return key.equals(MANAGED_BY) || key.startsWith(RESERVED_PREFIX);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The value of the one tag with this key, or null when there is none or more than one. */
    private static String only(Collection<String> tags, String key) {
        String prefix = key + ":";
        String found = null;
        for (String tag : tags) {
            if (tag != null && (tag.startsWith(prefix) || tag.equals(key))) {
                if (found != null) {
                    return null;
                }
                found = tag.length() > prefix.length() ? tag.substring(prefix.length()) : "";
            }
        }
        return found;
    }
}
