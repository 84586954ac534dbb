package dev.mimamori.sync;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
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
    public record Owned(String owner, String name) {
    }

    private Ownership() {
    }

    /** The tags that make an object ours: the order is irrelevant to Datadog, but stable for comparisons. */
    public static List<String> tags(String cluster, String owner, String nameKey, String name) {
        return List.of(MANAGED_BY_US, CLUSTER + ":" + lower(cluster), OWNER + ":" + lower(owner),
                nameKey + ":" + lower(name));
    }

    /** Datadog stores tags lower-cased: so are ours when written, and names are compared that way. */
    public static String lower(String value) {
        return value == null ? null : value.toLowerCase(java.util.Locale.ROOT);
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
        if (!"mimamori".equals(managedBy) || !cluster.equalsIgnoreCase(String.valueOf(clusterValue)) || owner == null || owner.isEmpty()
                || name == null || name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Owned(lower(owner), lower(name)));
    }

    /** Which cluster and profile a dashboard belongs to, read from the marker line of its description. */
    public record DashboardOwner(String cluster, String profile) {
    }

    private static final Pattern DASHBOARD_MARKER = Pattern.compile("\\[mimamori cluster=(\\S+) profile=(\\S+)]");

    /** Dashboards take no free-form tags: this last line of the description says whose a dashboard is. */
    public static String dashboardMarker(String cluster, String profile) {
        return "[mimamori cluster=" + cluster + " profile=" + profile + "]";
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
        DashboardOwner owner = new DashboardOwner(m.group(1), m.group(2));
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
