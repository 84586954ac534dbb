package dev.mimamori.datadog;

import java.util.List;

/**
 * A monitor that exists in Datadog, as an inventory keeps thousands of them: its id, its type and tags (shared
 * copies; ownership is read from the tags), the settings mimamori manages, and a {@link MonitorDefinition#fingerprint()
 * fingerprint} of the rest of what mimamori compares, in place of the name, query and message themselves.
 */
public record ManagedMonitor(long id, String type, List<String> tags, MonitorSettings settings, long fingerprint) {

    /** The monitor as {@code definition} describes it, kept compact. */
    public static ManagedMonitor of(long id, MonitorDefinition definition) {
        return new ManagedMonitor(
                id,
                Shared.text(definition.type()),
                Shared.tags(definition.tags()),
                Shared.settings(definition.settings()),
                definition.fingerprint());
    }
}
