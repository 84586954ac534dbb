package dev.mimamori.datadog;

import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorOptions;
import com.datadog.api.client.v1.model.MonitorThresholds;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v1.model.MonitorUpdateRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Translates between the client's monitor model and ours. Threshold keys are Datadog's snake_case names. */
final class MonitorMapping {
    static final String CRITICAL = "critical";
    static final String WARNING = "warning";
    static final String CRITICAL_RECOVERY = "critical_recovery";
    static final String WARNING_RECOVERY = "warning_recovery";
    static final String OK = "ok";

    private MonitorMapping() {}

    static ManagedMonitor fromDatadog(Monitor monitor) {
        return ManagedMonitor.of(monitor.getId(), definitionOf(monitor));
    }

    static MonitorDefinition definitionOf(Monitor monitor) {
        MonitorOptions options = monitor.getOptions();
        TreeMap<String, Double> thresholds = new TreeMap<>();
        MonitorSettings settings = MonitorSettings.NONE;
        if (options != null) {
            MonitorThresholds t = options.getThresholds();
            if (t != null) {
                putIfSet(thresholds, CRITICAL, t.getCritical());
                putIfSet(thresholds, WARNING, t.getWarning());
                putIfSet(thresholds, CRITICAL_RECOVERY, t.getCriticalRecovery());
                putIfSet(thresholds, WARNING_RECOVERY, t.getWarningRecovery());
                putIfSet(thresholds, OK, t.getOk());
            }
            settings = new MonitorSettings(
                    options.getNotifyNoData(),
                    toInt(options.getNoDataTimeframe()),
                    toInt(options.getRenotifyInterval()),
                    toInt(options.getEvaluationDelay()),
                    toInt(options.getNewGroupDelay()),
                    options.getRequireFullWindow(),
                    options.getIncludeTags());
        }
        String type = monitor.getType() == null
                ? null
                : String.valueOf(monitor.getType().getValue());
        return new MonitorDefinition(
                monitor.getName(),
                type,
                monitor.getQuery(),
                monitor.getMessage(),
                toInt(monitor.getPriority()),
                monitor.getTags() == null ? null : new ArrayList<>(monitor.getTags()),
                thresholds,
                settings);
    }

    static Monitor toCreateRequest(MonitorDefinition d) {
        Monitor monitor = new Monitor()
                .name(d.name())
                .type(MonitorType.fromValue(d.type()))
                .query(d.query())
                .message(d.message())
                .tags(new ArrayList<>(d.tags()))
                .options(options(d));
        if (d.priority() != null) {
            monitor.priority(d.priority().longValue());
        }
        return monitor;
    }

    static MonitorUpdateRequest toUpdateRequest(MonitorDefinition d) {
        MonitorUpdateRequest update = new MonitorUpdateRequest()
                .name(d.name())
                .type(MonitorType.fromValue(d.type()))
                .query(d.query())
                .message(d.message())
                .tags(new ArrayList<>(d.tags()))
                .options(options(d));
        if (d.priority() != null) {
            update.priority(d.priority().longValue());
        }
        return update;
    }

    /** Datadog's monitor update takes every field as optional and keeps what is not sent. */
    static MonitorUpdateRequest toTagsUpdate(List<String> tags) {
        return new MonitorUpdateRequest().tags(new ArrayList<>(tags));
    }

    private static MonitorOptions options(MonitorDefinition d) {
        MonitorOptions options = new MonitorOptions();
        if (!d.thresholds().isEmpty()) {
            MonitorThresholds t = new MonitorThresholds();
            Map<String, Double> v = d.thresholds();
            setIfPresent(v, CRITICAL, t::critical);
            setIfPresent(v, WARNING, t::warning);
            setIfPresent(v, CRITICAL_RECOVERY, t::criticalRecovery);
            setIfPresent(v, WARNING_RECOVERY, t::warningRecovery);
            setIfPresent(v, OK, t::ok);
            options.thresholds(t);
        }
        MonitorSettings s = d.settings();
        if (s.notifyNoData() != null) {
            options.notifyNoData(s.notifyNoData());
        }
        if (s.noDataTimeframe() != null) {
            options.noDataTimeframe(s.noDataTimeframe().longValue());
        }
        if (s.renotifyInterval() != null) {
            options.renotifyInterval(s.renotifyInterval().longValue());
        }
        if (s.evaluationDelay() != null) {
            options.evaluationDelay(s.evaluationDelay().longValue());
        }
        if (s.newGroupDelay() != null) {
            options.newGroupDelay(s.newGroupDelay().longValue());
        }
        if (s.requireFullWindow() != null) {
            options.requireFullWindow(s.requireFullWindow());
        }
        if (s.includeTags() != null) {
            options.includeTags(s.includeTags());
        }
        return options;
    }

    private static void setIfPresent(Map<String, Double> values, String key, Consumer<Double> setter) {
        Double value = values.get(key);
        if (value != null) {
            setter.accept(value);
        }
    }

    private static void putIfSet(Map<String, Double> map, String key, Double value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static Integer toInt(Long value) {
        return value == null ? null : value.intValue();
    }
}
