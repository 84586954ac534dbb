package dev.mimamori.sync;

import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.ManagedSlo;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.MonitorSettings;
import dev.mimamori.datadog.SloDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Monitors and SLOs of cluster c1 for the sync engine's tests. */
final class SyncTestObjects {
    static final String CLUSTER = "c1";

    private SyncTestObjects() {}

    static MonitorDefinition monitor(String owner, String template, String query, String... extraTags) {
        List<String> tags = new ArrayList<>(Ownership.tags(CLUSTER, owner, MonitorKind.NAME_TAG, template));
        tags.add("service:a");
        tags.addAll(List.of(extraTags));
        return new MonitorDefinition(
                "title " + template,
                "query alert",
                query,
                "msg",
                2,
                tags,
                new TreeMap<>(Map.of("critical", 1.0)),
                MonitorSettings.NONE);
    }

    static Desired<MonitorDefinition> wanted(String owner, String template, String query) {
        return new Desired<>(template, monitor(owner, template, query));
    }

    static ManagedMonitor actual(long id, String owner, String template, String query, String... extraTags) {
        return ManagedMonitor.of(id, monitor(owner, template, query, extraTags));
    }

    static SloDefinition slo(String owner, String name, double target) {
        List<String> tags = new ArrayList<>(Ownership.tags(CLUSTER, owner, SloKind.NAME_TAG, name));
        return new SloDefinition(
                "slo " + name, "", tags, "30d", target, null, "sum:good{*}.as_count()", "sum:all{*}.as_count()");
    }

    static ManagedSlo actualSlo(String id, long createdAt, String owner, String name, double target) {
        return ManagedSlo.of(id, createdAt, slo(owner, name, target));
    }
}
