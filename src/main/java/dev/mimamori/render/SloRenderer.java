package dev.mimamori.render;

import static dev.mimamori.render.NamedOverrides.pick;

import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.SloTemplate;
import dev.mimamori.datadog.SloDefinition;
import dev.mimamori.status.Reasons;
import dev.mimamori.sync.MonitorKind;
import dev.mimamori.sync.Ownership;
import dev.mimamori.sync.SloKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Profile SLO templates + a ServiceMonitoring's overrides -> the SLOs and burn-rate alerts wanted. Pure. */
final class SloRenderer {
    static final String DEFAULT_TIMEFRAME = "30d";
    static final int MAX_DECIMALS = 3;

    private SloRenderer() {}

    static List<DesiredSlo> render(
            List<SloTemplate> profile,
            ServiceMonitoringSpec spec,
            Placeholders placeholders,
            String ownerKey,
            String clusterName,
            List<String> serviceTags) {
        List<DesiredSlo> result = new ArrayList<>();
        for (SloTemplate t : merge(profile, spec.slos)) {
            result.add(render(t, spec, placeholders, ownerKey, clusterName, serviceTags));
        }
        return result;
    }

    private static DesiredSlo render(
            SloTemplate t,
            ServiceMonitoringSpec spec,
            Placeholders placeholders,
            String ownerKey,
            String clusterName,
            List<String> serviceTags) {
        String where = "SLO \"" + t.name + "\"";
        Function<String, String> fill = text -> placeholders.fill(text, where);
        String timeframe = t.timeframe == null ? DEFAULT_TIMEFRAME : t.timeframe;
        if (!timeframe.matches("^(7d|30d|90d)$")) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE, where + " has timeframe \"" + timeframe + "\"; use 7d, 30d or 90d");
        }
        double target = percent(fill.apply(t.target), where, "target");
        Double warning = t.warning == null ? null : percent(fill.apply(t.warning), where, "warning");
        if (warning != null && warning <= target) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    where + ": warning " + BurnRateAlert.number(warning) + " must be above the target "
                            + BurnRateAlert.number(target));
        }
        String good = fill.apply(t.good);
        String total = fill.apply(t.total);
        QuerySyntax.check(good, where + " (good)");
        QuerySyntax.check(total, where + " (total)");
        String title = t.title != null ? fill.apply(t.title) : "[" + spec.env + "] " + spec.service + ": " + t.name;
        String description = t.description == null ? null : fill.apply(t.description);
        List<String> tags = new ArrayList<>(Ownership.tags(clusterName, ownerKey, SloKind.NAME_TAG, t.name));
        tags.addAll(serviceTags);
        SloDefinition definition = new SloDefinition(title, description, tags, timeframe, target, warning, good, total);
        List<BurnRateAlert> alerts = Boolean.FALSE.equals(t.burnRateAlerts)
                ? List.of()
                : burnRateAlerts(t.name, title, timeframe, target, spec, ownerKey, clusterName, serviceTags, where);
        return new DesiredSlo(t.name, definition, alerts);
    }

    private static List<BurnRateAlert> burnRateAlerts(
            String name,
            String sloTitle,
            String timeframe,
            double target,
            ServiceMonitoringSpec spec,
            String ownerKey,
            String clusterName,
            List<String> serviceTags,
            String where) {
        BurnRateAlert.Pairs pairs = BurnRateAlert.RECOMMENDED.get(timeframe);
        double fast = pairs.fast().factor();
        double ceiling = BurnRateAlert.maxBurnRate(target);
        if (fast >= ceiling) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    String.format(
                            Locale.ROOT,
                            "%s: with a target of %s%% the budget can burn at most %.1fx, so the %sx burn-rate alert could"
                                    + " never fire; raise the target or set burnRateAlerts: false",
                            where,
                            BurnRateAlert.number(target),
                            ceiling,
                            BurnRateAlert.number(fast)));
        }
        String notify = spec.notify == null || spec.notify.isEmpty() ? "" : "\n\n" + String.join(" ", spec.notify);
        return List.of(
                alert(
                        name,
                        "fast-burn",
                        timeframe,
                        pairs.fast(),
                        1,
                        sloTitle,
                        notify,
                        ownerKey,
                        clusterName,
                        serviceTags),
                alert(
                        name,
                        "slow-burn",
                        timeframe,
                        pairs.slow(),
                        2,
                        sloTitle,
                        notify,
                        ownerKey,
                        clusterName,
                        serviceTags));
    }

    private static BurnRateAlert alert(
            String name,
            String speed,
            String timeframe,
            BurnRateAlert.Pair pair,
            int priority,
            String sloTitle,
            String notify,
            String ownerKey,
            String clusterName,
            List<String> serviceTags) {
        String templateName = "slo-" + name + "-" + speed;
        double factor = pair.factor();
        String title = sloTitle + ": error budget burning " + BurnRateAlert.number(factor) + "x";
        String message = "{{#is_alert}}" + sloTitle + " is burning its " + timeframe + " error budget "
                + BurnRateAlert.number(factor) + " times faster than the objective allows: at this pace "
                + pair.budgetShare() + " of the budget is gone in " + pair.span() + ".{{/is_alert}}\n"
                + "{{#is_recovery}}" + sloTitle + " is back within its error budget pace.{{/is_recovery}}" + notify;
        List<String> tags = new ArrayList<>(Ownership.tags(clusterName, ownerKey, MonitorKind.NAME_TAG, templateName));
        tags.addAll(serviceTags);
        return new BurnRateAlert(
                templateName, timeframe, pair.longWindow(), pair.shortWindow(), factor, title, message, priority, tags);
    }

    private static double percent(String raw, String where, String field) {
        if (raw == null) {
            throw new RenderException(Reasons.INVALID_TEMPLATE, where + " needs a " + field);
        }
        double value;
        try {
            value = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    where + ": " + field + " renders to \"" + raw + "\", which is not a number");
        }
        if (!(value > 0 && value < 100)) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    where + ": " + field + " " + raw + " must be a percentage above 0 and below 100");
        }
        // Datadog takes at most 3 decimals on a metric SLO's target and warning (docs: SLOs, metric.md).
        if (new BigDecimal(raw.trim()).stripTrailingZeros().scale() > MAX_DECIMALS) {
            throw new RenderException(
                    Reasons.INVALID_TEMPLATE,
                    where + ": " + field + " " + raw.trim()
                            + " has more than " + MAX_DECIMALS + " decimals; Datadog takes at most " + MAX_DECIMALS
                            + " on an SLO target, such as 99.995");
        }
        return value;
    }

    /** Applies a ServiceMonitoring's SLO entries to the profile's: override fields, drop, or add by name. */
    static List<SloTemplate> merge(List<SloTemplate> profile, List<SloTemplate> overrides) {
        List<SloTemplate> merged = NamedOverrides.merge(
                profile, overrides, t -> t.name, t -> Boolean.FALSE.equals(t.enabled), SloRenderer::overlay);
        List<SloTemplate> result = new ArrayList<>();
        for (SloTemplate t : merged) {
            if (t.target == null || t.good == null || t.total == null) {
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        "SLO \"" + t.name + "\" is not in the profile, so it needs target, good and total");
            }
            result.add(t);
        }
        return result;
    }

    private static SloTemplate overlay(SloTemplate base, SloTemplate o) {
        SloTemplate t = new SloTemplate();
        t.name = base.name;
        t.title = pick(o.title, base.title);
        t.description = pick(o.description, base.description);
        t.target = pick(o.target, base.target);
        t.warning = pick(o.warning, base.warning);
        t.timeframe = pick(o.timeframe, base.timeframe);
        t.good = pick(o.good, base.good);
        t.total = pick(o.total, base.total);
        t.burnRateAlerts = pick(o.burnRateAlerts, base.burnRateAlerts);
        return t;
    }
}
