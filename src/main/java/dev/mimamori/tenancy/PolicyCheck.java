package dev.mimamori.tenancy;

import dev.mimamori.api.GateMetric;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.SloTemplate;
import dev.mimamori.render.DesiredMonitor;
import dev.mimamori.render.DesiredSlo;
import dev.mimamori.render.Rendering;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether what a tenant wrote keeps within its namespace's {@link TenantRules}. Only what the tenant wrote is judged:
 * a profile is the platform team's, so its queries and messages stand. Pure.
 */
public final class PolicyCheck {
    /** An @-mention as Datadog reads one in a message: the handle runs to the next space or punctuation. */
    private static final Pattern MENTION = Pattern.compile("@[A-Za-z0-9_.+/@-]+");
    /** The monitor types whose query is a metric query with {...} scopes. */
    private static final Set<String> METRIC_TYPES = Set.of("query alert", "metric alert");

    private static final Set<String> CLAIMED_TAG_KEYS = Set.of("service", "env", "team");

    private PolicyCheck() {}

    /** The rule broken and a sentence naming it, for the condition message. */
    public record Violation(String rule, String message) {
        public String describe() {
            return message + " (rule " + rule + ")";
        }
    }

    /** The first rule the ServiceMonitoring breaks, or null; {@code rendering} is its successful rendering. */
    public static Violation serviceMonitoring(
            TenantRules rules, String namespace, ServiceMonitoringSpec spec, Rendering rendering) {
        Violation identity = identity(rules, namespace, spec.service, spec.env);
        if (identity != null) {
            return identity;
        }
        if (spec.team != null && !spec.team.isEmpty() && !rules.allowsTeam(spec.team)) {
            return violation(
                    rules,
                    "teams",
                    "team \"" + spec.team + "\" is not allowed in namespace " + namespace + " (allowed: "
                            + String.join(", ", rules.teams()) + ")");
        }
        Violation tags = claimedTags(rules, spec, nullToEmpty(spec.tags), "spec.tags");
        for (String handle : nullToEmpty(spec.notify)) {
            if (!rules.allowsHandle(handle)) {
                return handleViolation(rules, namespace, handle, "spec.notify");
            }
        }
        for (MonitorTemplate written : nullToEmpty(spec.monitors)) {
            tags = tags != null
                    ? tags
                    : claimedTags(rules, spec, nullToEmpty(written.tags), "monitor \"" + written.name + "\"");
            DesiredMonitor rendered = rendering.monitors().stream()
                    .filter(m -> m.templateName().equals(written.name))
                    .findFirst()
                    .orElse(null);
            if (rendered == null) {
                continue;
            }
            if (written.query != null) {
                Violation query = monitorQuery(rules, spec, written.name, rendered);
                if (query != null) {
                    return query;
                }
            }
            if (written.message != null) {
                Matcher m = MENTION.matcher(rendered.definition().message());
                while (m.find()) {
                    if (!rules.allowsHandle(m.group())) {
                        return handleViolation(
                                rules, namespace, m.group(), "the message of monitor \"" + written.name + "\"");
                    }
                }
            }
        }
        if (tags != null) {
            return tags;
        }
        for (SloTemplate written : nullToEmpty(spec.slos)) {
            if (written.good == null && written.total == null) {
                continue;
            }
            DesiredSlo rendered = rendering.slos().stream()
                    .filter(s -> s.templateName().equals(written.name))
                    .findFirst()
                    .orElse(null);
            if (rendered == null) {
                continue;
            }
            if (!rules.customQueries()) {
                return customQueriesRefused(rules, namespace, "SLO \"" + written.name + "\"");
            }
            for (String query : List.of(
                    rendered.definition().numerator(), rendered.definition().denominator())) {
                String problem = QueryScope.problem(query, spec.service, spec.env);
                if (problem != null) {
                    return violation(
                            rules, "scope", "SLO \"" + written.name + "\" reads outside its service: " + problem);
                }
            }
        }
        Violation spliced = parameterFilledQueries(rules, spec, rendering);
        if (spliced != null) {
            return spliced;
        }
        if (spec.releaseCheck != null) {
            Violation gate = gateMetrics(rules, namespace, spec.releaseCheck.metrics, spec.service, spec.env);
            if (gate != null) {
                return gate;
            }
        }
        int objects = rendering.monitors().size() + rendering.slos().size();
        if (rules.maxMonitors() != null && objects > rules.maxMonitors()) {
            return violation(
                    rules,
                    "maxMonitors",
                    "renders " + objects + " monitors and SLOs, more than the " + rules.maxMonitors()
                            + " allowed per ServiceMonitoring in namespace " + namespace);
        }
        return null;
    }

    /**
     * Whether the namespace may use the profile: a profile's queries and messages are trusted, so one kept for a team
     * (its pager in messages, its data in queries) must not be borrowed by another namespace.
     */
    public static Violation profile(TenantRules rules, String namespace, String profile, boolean shared) {
        if (rules.allowsProfile(profile, shared)) {
            return null;
        }
        return violation(
                rules,
                "profiles",
                "MonitoringProfile \"" + profile + "\" is not allowed in namespace " + namespace + " (allowed: "
                        + patterns(rules.profiles()) + (rules.sharedProfiles() ? " and profiles marked shared" : "")
                        + ")");
    }

    /** Whether the namespace may claim the service and env (a ServiceMonitoring's, or what a ReleaseCheck judges). */
    public static Violation identity(TenantRules rules, String namespace, String service, String env) {
        if (!rules.allowsService(service)) {
            return violation(
                    rules,
                    "services",
                    "service \"" + service + "\" is not allowed in namespace " + namespace + " (allowed: "
                            + patterns(rules.services()) + ")");
        }
        if (!rules.allowsEnv(env)) {
            return violation(
                    rules,
                    "envs",
                    "env \"" + env + "\" is not allowed in namespace " + namespace + " (allowed: "
                            + patterns(rules.envs()) + ")");
        }
        return null;
    }

    /** Gate metrics the tenant wrote: allowed at all, and every term (request counts too) confined to the service and env. */
    public static Violation gateMetrics(
            TenantRules rules, String namespace, List<GateMetric> written, String service, String env) {
        for (GateMetric metric : nullToEmpty(written)) {
            if (!rules.customQueries()) {
                return customQueriesRefused(rules, namespace, "gate metric \"" + metric.name + "\"");
            }
            for (String template : new String[] {metric.query, metric.requests}) {
                if (template == null) {
                    continue;
                }
                String query = template.replace("${service}", service)
                        .replace("${env}", env)
                        .replace("${version}", "version");
                String problem = QueryScope.gateProblem(query, service, env);
                if (problem != null) {
                    return violation(
                            rules,
                            "scope",
                            "gate metric \"" + metric.name + "\" reads outside service " + service + " in " + env + ": "
                                    + problem);
                }
            }
        }
        return null;
    }

    /**
     * A count limit: the oldest {@code max} resources (by creation, then name) are served, so a new one cannot push
     * out one already working.
     */
    public static Violation count(
            TenantRules rules,
            String rule,
            Integer max,
            List<? extends HasMetadata> all,
            HasMetadata resource,
            String what) {
        if (max == null) {
            return null;
        }
        Comparator<HasMetadata> age = Comparator.comparing(
                        (HasMetadata r) -> String.valueOf(r.getMetadata().getCreationTimestamp()))
                .thenComparing(r -> r.getMetadata().getName());
        long older = all.stream()
                .filter(r ->
                        !r.getMetadata().getName().equals(resource.getMetadata().getName()))
                .filter(r -> age.compare(r, resource) < 0)
                .count();
        if (older < max) {
            return null;
        }
        return violation(
                rules,
                rule,
                "namespace " + resource.getMetadata().getNamespace() + " already holds " + older + " " + what
                        + ", the most allowed is " + max);
    }

    private static Violation monitorQuery(
            TenantRules rules, ServiceMonitoringSpec spec, String name, DesiredMonitor rendered) {
        if (!rules.customQueries()) {
            return customQueriesRefused(rules, null, "monitor \"" + name + "\"");
        }
        String type = rendered.definition().type();
        if (type == null || !METRIC_TYPES.contains(type)) {
            return violation(
                    rules,
                    "scope",
                    "monitor \"" + name + "\" has type \"" + type + "\"; a query written "
                            + "in a ServiceMonitoring must be a metric query (query alert or metric alert)");
        }
        String problem = QueryScope.problem(rendered.definition().query(), spec.service, spec.env);
        return problem == null
                ? null
                : violation(rules, "scope", "monitor \"" + name + "\" reads outside its service: " + problem);
    }

    /**
     * A profile's queries stand as the platform wrote them, but the tenant's parameter values are spliced into them:
     * a value such as {@code x-avg:other.metric} must not add a term that has no scope.
     */
    private static Violation parameterFilledQueries(
            TenantRules rules, ServiceMonitoringSpec spec, Rendering rendering) {
        if (spec.parameters == null || spec.parameters.isEmpty()) {
            return null;
        }
        String set = "with parameters " + String.join(", ", new TreeSet<>(spec.parameters.keySet())) + ", ";
        for (DesiredMonitor monitor : rendering.monitors()) {
            if (METRIC_TYPES.contains(monitor.definition().type())) {
                String problem = QueryScope.unscopedTerm(monitor.definition().query());
                if (problem != null) {
                    return violation(
                            rules, "scope", set + "monitor \"" + monitor.templateName() + "\" reads: " + problem);
                }
            }
        }
        for (DesiredSlo slo : rendering.slos()) {
            for (String query :
                    new String[] {slo.definition().numerator(), slo.definition().denominator()}) {
                String problem = query == null ? null : QueryScope.unscopedTerm(query);
                if (problem != null) {
                    return violation(rules, "scope", set + "SLO \"" + slo.templateName() + "\" reads: " + problem);
                }
            }
        }
        return null;
    }

    /** service:, env: and team: tags may only repeat what the resource claims: they route notifications. */
    private static Violation claimedTags(
            TenantRules rules, ServiceMonitoringSpec spec, List<String> tags, String where) {
        for (String tag : tags) {
            int colon = tag.indexOf(':');
            String key = colon < 0 ? tag : tag.substring(0, colon);
            if (!CLAIMED_TAG_KEYS.contains(key)) {
                continue;
            }
            String value = colon < 0 ? "" : tag.substring(colon + 1);
            String own = key.equals("service") ? spec.service : key.equals("env") ? spec.env : spec.team;
            if (!value.equals(own) && !value.equals("${" + key + "}")) {
                return violation(
                        rules,
                        key.equals("team") ? "teams" : key + "s",
                        where + " has tag \"" + tag + "\"; the tags service:, env: and team: may only name what spec."
                                + key + " claims");
            }
        }
        return null;
    }

    private static Violation handleViolation(TenantRules rules, String namespace, String handle, String where) {
        return violation(
                rules,
                "notify",
                where + " notifies " + handle + ", which is not allowed in namespace " + namespace + " (allowed: "
                        + patterns(rules.handles()) + ")");
    }

    private static Violation customQueriesRefused(TenantRules rules, String namespace, String what) {
        return violation(
                rules,
                "customQueries",
                what + " has its own query, but " + rules.source()
                        + " does not allow custom queries" + (namespace == null ? "" : " in namespace " + namespace)
                        + "; use the profile's");
    }

    private static Violation violation(TenantRules rules, String rule, String message) {
        return new Violation(rules.source() + " " + rule, message);
    }

    private static String patterns(List<String> patterns) {
        return patterns.isEmpty() ? "none" : String.join(", ", patterns);
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
