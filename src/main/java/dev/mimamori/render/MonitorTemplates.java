package dev.mimamori.render;

import static dev.mimamori.render.NamedOverrides.pick;

import dev.mimamori.api.MonitorOptions;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.MonitorThresholds;
import dev.mimamori.status.Reasons;
import java.util.ArrayList;
import java.util.List;

/** Applies a ServiceMonitoring's monitor entries to its profile's templates: override, drop or add by name. */
final class MonitorTemplates {

    private MonitorTemplates() {}

    static List<MonitorTemplate> merge(List<MonitorTemplate> profile, List<MonitorTemplate> overrides) {
        List<MonitorTemplate> merged = NamedOverrides.merge(
                profile, overrides, t -> t.name, t -> Boolean.FALSE.equals(t.enabled), MonitorTemplates::overlay);
        List<MonitorTemplate> result = new ArrayList<>();
        for (MonitorTemplate t : merged) {
            if (t.type == null || t.query == null || t.message == null) {
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        "monitor \"" + t.name + "\" is not in the profile, so it needs type, query and message");
            }
            result.add(t);
        }
        return result;
    }

    private static MonitorTemplate overlay(MonitorTemplate base, MonitorTemplate o) {
        MonitorTemplate t = new MonitorTemplate();
        t.name = base.name;
        t.title = pick(o.title, base.title);
        t.type = pick(o.type, base.type);
        t.query = pick(o.query, base.query);
        t.message = pick(o.message, base.message);
        t.priority = pick(o.priority, base.priority);
        t.tags = pick(o.tags, base.tags);
        t.thresholds = overlay(base.thresholds, o.thresholds);
        t.options = overlay(base.options, o.options);
        return t;
    }

    private static MonitorThresholds overlay(MonitorThresholds base, MonitorThresholds o) {
        if (base == null || o == null) {
            return pick(o, base);
        }
        MonitorThresholds t = new MonitorThresholds();
        t.critical = pick(o.critical, base.critical);
        t.warning = pick(o.warning, base.warning);
        t.criticalRecovery = pick(o.criticalRecovery, base.criticalRecovery);
        t.warningRecovery = pick(o.warningRecovery, base.warningRecovery);
        t.ok = pick(o.ok, base.ok);
        return t;
    }

    private static MonitorOptions overlay(MonitorOptions base, MonitorOptions o) {
        if (base == null || o == null) {
            return pick(o, base);
        }
        MonitorOptions t = new MonitorOptions();
        t.notifyNoData = pick(o.notifyNoData, base.notifyNoData);
        t.noDataTimeframe = pick(o.noDataTimeframe, base.noDataTimeframe);
        t.renotifyInterval = pick(o.renotifyInterval, base.renotifyInterval);
        t.evaluationDelay = pick(o.evaluationDelay, base.evaluationDelay);
        t.newGroupDelay = pick(o.newGroupDelay, base.newGroupDelay);
        t.requireFullWindow = pick(o.requireFullWindow, base.requireFullWindow);
        t.includeTags = pick(o.includeTags, base.includeTags);
        return t;
    }
}
