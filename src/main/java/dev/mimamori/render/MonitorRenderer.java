package dev.mimamori.render;

import dev.mimamori.api.GateMetric;
import dev.mimamori.api.MonitorOptions;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.MonitorThresholds;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.TagRules;
import dev.mimamori.datadog.MetricFormula;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.MonitorSettings;
import dev.mimamori.gate.AnalysisSettings;
import dev.mimamori.gate.GateMetrics;
import dev.mimamori.status.Reason;
import dev.mimamori.status.Reasons;
import dev.mimamori.sync.MonitorKind;
import dev.mimamori.sync.Ownership;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Profile + ServiceMonitoring -> the exact Datadog monitors and SLOs wanted. Pure: no I/O, same input, same output; used by the
 * reconciler and by the {@code render} command alike.
 */
public final class MonitorRenderer {

    private MonitorRenderer() {}

    public static Rendering render(
            MonitoringProfileSpec profile, ServiceMonitoringSpec spec, String ownerKey, String clusterName) {
        try {
            checkIdentity(spec);
            Map<String, String> parameters = parameters(profile, spec);
            Placeholders placeholders = new Placeholders(spec.service, spec.env, spec.team, parameters);
            List<DesiredMonitor> result = new ArrayList<>();
            List<MonitorTemplate> merged = MonitorTemplates.merge(profile.monitors, spec.monitors);
            for (MonitorTemplate template : merged) {
                if (!isComposite(template) || keepComposite(template, merged, profile.monitors)) {
                    result.add(new DesiredMonitor(
                            template.name, definition(template, spec, placeholders, ownerKey, clusterName)));
                }
            }
            List<DesiredSlo> slos =
                    SloRenderer.render(profile.slos, spec, placeholders, ownerKey, clusterName, serviceTags(spec));
            checkNamesUnique(result, slos);
            return Rendering.of(
                    result,
                    slos,
                    DashboardRenderer.render(
                            spec.profileName(),
                            profile.dashboard,
                            clusterName,
                            parameters,
                            profile.parameters == null ? Map.of() : profile.parameters),
                    gate(profile, spec, parameters));
        } catch (RenderException e) {
            return Rendering.failed(e.reason, e.getMessage());
        }
    }

    /**
     * The gate metrics this service's ReleaseChecks compare by default (its own, else the profile's), compiled now so
     * that a query Datadog's v2 API cannot take is refused when the resource is applied, not at the next release.
     */
    private static Map<String, MetricFormula> gate(
            MonitoringProfileSpec profile, ServiceMonitoringSpec spec, Map<String, String> parameters) {
        List<GateMetric> metrics =
                spec.releaseCheck != null && spec.releaseCheck.metrics != null && !spec.releaseCheck.metrics.isEmpty()
                        ? spec.releaseCheck.metrics
                        : profile.gate == null
                                ? null
                                : GateMetrics.withParameters(nullToEmpty(profile.gate.metrics), parameters);
        Map<String, MetricFormula> result = new LinkedHashMap<>();
        for (GateMetric metric : nullToEmpty(metrics)) {
            try {
                GateMetrics.check(metric);
            } catch (IllegalArgumentException e) {
                throw new RenderException(Reasons.INVALID_QUERY, e.getMessage());
            }
            result.put(
                    metric.name,
                    MetricFormula.compile(
                            metric.query.replace("${service}", spec.service).replace("${env}", spec.env)));
        }
        return result;
    }

    private static void checkIdentity(ServiceMonitoringSpec spec) {
        requireTagValue("service", spec.service, true);
        requireTagValue("env", spec.env, true);
        requireTagValue("team", spec.team, false);
        for (String tag : nullToEmpty(spec.tags)) {
            refuseReserved(tag, "spec.tags");
            if (!TagRules.isTag(tag)) {
                throw new RenderException(
                        Reasons.INVALID_TAG_VALUE,
                        "tag \"" + tag
                                + "\" is not a valid Datadog tag (lowercase, starts with a letter; letters, digits, _ . : / -)");
            }
        }
        if (spec.profile != null && !TagRules.isProfileName(spec.profile)) {
            throw new RenderException(
                    Reason.InvalidSpec.name(),
                    "spec.profile \"" + spec.profile
                            + "\" is not a MonitoringProfile name (lowercase letters, digits and -, at most 63 characters)");
        }
        if (spec.releaseCheck != null) {
            try {
                AnalysisSettings.of(spec.releaseCheck.analysis);
            } catch (IllegalArgumentException e) {
                throw new RenderException(Reason.InvalidSpec.name(), "spec.releaseCheck." + e.getMessage());
            }
        }
        for (String handle : nullToEmpty(spec.notify)) {
            if (!TagRules.isHandle(handle)) {
                throw new RenderException(
                        Reasons.INVALID_TAG_VALUE,
                        "notify entry \"" + handle + "\" is not a Datadog handle such as @slack-payments");
            }
        }
    }

    /** Ownership tags are the operator's alone: one written by a person could claim or hide another's objects. */
    static void refuseReserved(String tag, String where) {
        if (Ownership.isReserved(tag)) {
            throw new RenderException(
                    Reasons.RESERVED_TAG,
                    where + " has tag \"" + tag + "\", but tag keys "
                            + "managed-by and mimamori-* are reserved for the operator's ownership tags; use another key");
        }
    }

    private static void requireTagValue(String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                throw new RenderException(Reasons.INVALID_TAG_VALUE, "spec." + field + " is required");
            }
            return;
        }
        if (!TagRules.isTagValue(value)) {
            throw new RenderException(
                    Reasons.INVALID_TAG_VALUE,
                    "spec." + field + " \"" + value
                            + "\" is not a valid Datadog tag value: lowercase letters, digits and"
                            + " _ . / -, starting with a letter or digit (at most 100 characters)");
        }
    }

    private static Map<String, String> parameters(MonitoringProfileSpec profile, ServiceMonitoringSpec spec) {
        Map<String, String> values = new LinkedHashMap<>(profile.parameters == null ? Map.of() : profile.parameters);
        if (spec.parameters != null) {
            for (Map.Entry<String, String> override : new TreeMap<>(spec.parameters).entrySet()) {
                if (!values.containsKey(override.getKey())) {
                    throw new RenderException(
                            Reasons.UNKNOWN_PARAMETER,
                            "parameter \"" + override.getKey()
                                    + "\" is not declared by the profile; known parameters: "
                                    + String.join(", ", new TreeMap<>(values).keySet()));
                }
                values.put(override.getKey(), override.getValue());
            }
        }
        for (Map.Entry<String, String> p : values.entrySet()) {
            if (!TagRules.isParameterValue(p.getValue())) {
                throw new RenderException(
                        Reasons.INVALID_PARAMETER_VALUE,
                        "parameter \"" + p.getKey()
                                + "\" has value \"" + p.getValue()
                                + "\": use a number or a word of letters, digits, _ . : / - (no spaces, braces or quotes)");
            }
        }
        return values;
    }

    private static MonitorDefinition definition(
            MonitorTemplate t,
            ServiceMonitoringSpec spec,
            Placeholders placeholders,
            String ownerKey,
            String clusterName) {
        String where = "monitor \"" + t.name + "\"";
        Function<String, String> fill = text -> placeholders.fill(text, where);
        String title = t.title != null ? fill.apply(t.title) : "[" + spec.env + "] " + spec.service + ": " + t.name;
        String query = fill.apply(t.query);
        QuerySyntax.check(query, where);
        String message = fill.apply(t.message);
        if (spec.notify != null && !spec.notify.isEmpty()) {
            message = message + "\n\n" + String.join(" ", spec.notify);
        }
        List<String> tags = new ArrayList<>(Ownership.tags(clusterName, ownerKey, MonitorKind.NAME_TAG, t.name));
        tags.addAll(serviceTags(spec));
        for (String tag : nullToEmpty(t.tags)) {
            String filled = fill.apply(tag);
            refuseReserved(filled, where);
            if (!TagRules.isTag(filled)) {
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        where + " has tag \"" + filled + "\", which is not a valid Datadog tag");
            }
            tags.add(filled);
        }
        return new MonitorDefinition(
                title,
                t.type,
                query,
                message,
                t.priority,
                tags,
                thresholds(t.thresholds, fill, where),
                settings(t.options));
    }

    /**
     * Every monitor of a service has its own name, whatever its case (Datadog lower-cases tags): a template named
     * like an SLO's burn-rate alert, or two differing only in case, would make every sync create one and delete the
     * other.
     */
    private static void checkNamesUnique(List<DesiredMonitor> monitors, List<DesiredSlo> slos) {
        Map<String, String> seen = new java.util.HashMap<>();
        for (DesiredMonitor m : monitors) {
            String previous = seen.put(
                    m.templateName().toLowerCase(java.util.Locale.ROOT), "monitor \"" + m.templateName() + "\"");
            if (previous != null) {
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        "monitor \"" + m.templateName() + "\" has the same name as " + previous
                                + " (names are compared without case); rename one");
            }
        }
        for (DesiredSlo slo : slos) {
            for (BurnRateAlert alert : slo.alerts()) {
                String taken = seen.get(alert.templateName().toLowerCase(java.util.Locale.ROOT));
                if (taken != null) {
                    throw new RenderException(
                            Reasons.INVALID_TEMPLATE,
                            taken + " is named like the burn-rate "
                                    + "alert of SLO \"" + slo.templateName()
                                    + "\"; monitor names starting with slo- are "
                                    + "best avoided");
                }
            }
        }
    }

    static boolean isComposite(MonitorTemplate t) {
        return CompositeExpression.TYPE.equals(t.type);
    }

    /**
     * A composite is kept when every monitor it combines is rendered too. One whose member this service dropped
     * goes with it; one that names a monitor nobody declared, or another composite, is a template error.
     */
    private static boolean keepComposite(
            MonitorTemplate composite, List<MonitorTemplate> merged, List<MonitorTemplate> profileMonitors) {
        String where = "composite monitor \"" + composite.name + "\"";
        java.util.Set<String> members;
        try {
            members = CompositeExpression.members(composite.query);
        } catch (IllegalArgumentException e) {
            throw new RenderException(Reasons.INVALID_TEMPLATE, where + ": " + e.getMessage());
        }
        for (String member : members) {
            MonitorTemplate found = merged.stream()
                    .filter(t -> t.name.equals(member))
                    .findFirst()
                    .orElse(null);
            if (found != null && isComposite(found)) {
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        where + " combines \"" + member + "\", another composite; combine single-signal monitors only");
            }
            if (found == null) {
                boolean dropped =
                        profileMonitors != null && profileMonitors.stream().anyMatch(t -> t.name.equals(member));
                if (dropped) {
                    return false;
                }
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        where + " combines \"" + member + "\", which is not a monitor of this profile or service");
            }
        }
        return true;
    }

    /** The tags every monitor and SLO of the service carries besides the ownership tags. */
    private static List<String> serviceTags(ServiceMonitoringSpec spec) {
        List<String> tags = new ArrayList<>();
        tags.add("service:" + spec.service);
        tags.add("env:" + spec.env);
        if (spec.team != null && !spec.team.isEmpty()) {
            tags.add("team:" + spec.team);
        }
        tags.addAll(nullToEmpty(spec.tags));
        return tags;
    }

    private static TreeMap<String, Double> thresholds(
            MonitorThresholds t, Function<String, String> fill, String where) {
        TreeMap<String, Double> result = new TreeMap<>();
        if (t == null) {
            return result;
        }
        putNumber(result, "critical", t.critical, fill, where);
        putNumber(result, "warning", t.warning, fill, where);
        putNumber(result, "critical_recovery", t.criticalRecovery, fill, where);
        putNumber(result, "warning_recovery", t.warningRecovery, fill, where);
        putNumber(result, "ok", t.ok, fill, where);
        return result;
    }

    private static void putNumber(
            Map<String, Double> into, String key, String raw, Function<String, String> fill, String where) {
        if (raw == null) {
            return;
        }
        String value = fill.apply(raw).trim();
        try {
            into.put(key, Double.parseDouble(value));
        } catch (NumberFormatException e) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    where + ": threshold " + key + " renders to \"" + value + "\", which is not a number");
        }
    }

    private static MonitorSettings settings(MonitorOptions o) {
        if (o == null) {
            return MonitorSettings.NONE;
        }
        return new MonitorSettings(
                o.notifyNoData,
                o.noDataTimeframe,
                o.renotifyInterval,
                o.evaluationDelay,
                o.newGroupDelay,
                o.requireFullWindow,
                o.includeTags);
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
