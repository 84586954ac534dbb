package dev.mimamori.datadog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of the values that thousands of listed monitors and SLOs repeat (tags such as {@code env:prod} or the
 * cluster tag, types, settings), so an inventory holds references rather than copies.
 */
final class Shared {
    /** Profiles make a handful of distinct settings; past this many, hand-edited ones are kept per object. */
    private static final int MAX_SETTINGS = 1024;

    private static final Map<MonitorSettings, MonitorSettings> SETTINGS = new ConcurrentHashMap<>();

    private Shared() {}

    /** The JVM's interned copy, which it forgets once no object refers to it. */
    static String text(String value) {
        return value == null ? null : value.intern();
    }

    static List<String> tags(List<String> tags) {
        String[] shared = new String[tags.size()];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = text(tags.get(i));
        }
        return List.of(shared);
    }

    static MonitorSettings settings(MonitorSettings settings) {
        MonitorSettings known = SETTINGS.get(settings);
        if (known != null || SETTINGS.size() >= MAX_SETTINGS) {
            return known != null ? known : settings;
        }
        MonitorSettings first = SETTINGS.putIfAbsent(settings, settings);
        return first != null ? first : settings;
    }
}
