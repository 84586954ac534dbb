package dev.mimamori.tenancy;

import dev.mimamori.api.NamespaceSelector;
import dev.mimamori.api.TenantPolicy;
import dev.mimamori.api.TenantPolicySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one namespace may do, with its policy's placeholders filled: the policy that selects it, else the operator's
 * default. Pure. Patterns match whole values; {@code *} matches any run of characters (in handles, none holding
 * {@code @}); a value matching a pattern that starts with {@code !} is not allowed, whatever else matches it.
 *
 * @param source the rule's origin for messages: {@code TenantPolicy "<name>"} or {@code the default policy}
 * @param sharedProfiles whether profiles marked {@code spec.shared} are allowed besides those {@code profiles} match
 */
public record TenantRules(
        String source,
        List<String> services,
        List<String> envs,
        List<String> teams,
        List<String> handles,
        boolean customQueries,
        Integer maxServiceMonitorings,
        Integer maxMonitors,
        Integer maxReleaseChecks,
        List<String> profiles,
        boolean sharedProfiles) {

    public static final List<String> DEFAULT_SERVICES = List.of("${namespace}", "${namespace}-*");
    public static final List<String> DEFAULT_TEAMS = List.of("${namespace}", "${namespace}-*");
    public static final List<String> DEFAULT_ENVS = List.of("*");
    /** Chat channels only: paging (PagerDuty, Opsgenie), e-mail and webhooks need a policy that names them. */
    public static final List<String> DEFAULT_NOTIFY = List.of("@slack-*", "@teams-*");
    /** The built-in profile; a cluster's own profiles are open to every namespace only when marked shared. */
    public static final List<String> DEFAULT_PROFILES = List.of("default");

    public static final String DEFAULT_SOURCE = "the default policy";

    /** Marks a pattern the operator adds to exclude what it matches; a policy cannot write it (no tag holds '!'). */
    static final String EXCLUDED = "!";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern VALUE_PATTERN = Pattern.compile("^[a-z0-9_./*-]{1,100}$");
    private static final Pattern HANDLE_PATTERN = Pattern.compile("^@[A-Za-z0-9_./@*-]{1,199}$");
    private static final Pattern PROFILE_PATTERN = Pattern.compile("^[a-z0-9*-]{1,63}$");

    /** The operator's defaults, where a deployment may widen them for a cluster with a single tenant. */
    public record Defaults(
            List<String> services, List<String> teams, List<String> envs, List<String> handles, List<String> profiles) {
        public static final Defaults SHIPPED =
                new Defaults(DEFAULT_SERVICES, DEFAULT_TEAMS, DEFAULT_ENVS, DEFAULT_NOTIFY, DEFAULT_PROFILES);
    }

    /**
     * The rules of the policy selecting {@code namespace} (the first by name when several do), else the defaults.
     * {@code namespaces} are the names of every namespace in the cluster: a claim built from {@code ${namespace}}
     * stops where a longer namespace's name begins (see {@link #claims}).
     */
    public static TenantRules forNamespace(
            String namespace,
            Map<String, String> labels,
            List<TenantPolicy> policies,
            Defaults defaults,
            Collection<String> namespaces) {
        Map<String, String> nsLabels = labels == null ? Map.of() : labels;
        Optional<TenantPolicy> chosen = policies.stream()
                .filter(p -> p.getSpec() != null)
                .filter(p -> selects(p.getSpec(), namespace, nsLabels))
                .min(Comparator.comparing(p -> p.getMetadata().getName()));
        if (chosen.isEmpty()) {
            return new TenantRules(
                    DEFAULT_SOURCE,
                    claims(defaults.services(), namespace, nsLabels, namespaces),
                    fill(defaults.envs(), namespace, nsLabels),
                    claims(defaults.teams(), namespace, nsLabels, namespaces),
                    fill(defaults.handles(), namespace, nsLabels),
                    true,
                    null,
                    null,
                    null,
                    fill(defaults.profiles(), namespace, nsLabels),
                    true);
        }
        TenantPolicy policy = chosen.get();
        TenantPolicySpec spec = policy.getSpec();
        String source = "TenantPolicy \"" + policy.getMetadata().getName() + "\"";
        if (!problems(spec).isEmpty()) {
            // A malformed policy must not fall back to something wider than its author meant: it allows nothing.
            return new TenantRules(
                    source + " (malformed, allows nothing)",
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    false,
                    0,
                    0,
                    0,
                    List.of(),
                    false);
        }
        return new TenantRules(
                source,
                claims(or(spec.services, defaults.services()), namespace, nsLabels, namespaces),
                fill(or(spec.envs, defaults.envs()), namespace, nsLabels),
                claims(or(spec.teams, defaults.teams()), namespace, nsLabels, namespaces),
                fill(or(spec.notify, defaults.handles()), namespace, nsLabels),
                spec.customQueries == null || spec.customQueries,
                spec.maxServiceMonitorings,
                spec.maxMonitors,
                spec.maxReleaseChecks,
                fill(or(spec.profiles, defaults.profiles()), namespace, nsLabels),
                spec.profiles == null);
    }

    /** Why the policy cannot be applied as written; empty when it can. */
    public static List<String> problems(TenantPolicySpec spec) {
        List<String> problems = new ArrayList<>();
        checkPatterns(problems, "services", spec.services, VALUE_PATTERN);
        checkPatterns(problems, "envs", spec.envs, VALUE_PATTERN);
        checkPatterns(problems, "teams", spec.teams, VALUE_PATTERN);
        checkPatterns(problems, "notify", spec.notify, HANDLE_PATTERN);
        checkPatterns(problems, "profiles", spec.profiles, PROFILE_PATTERN);
        if ((spec.namespaces == null || spec.namespaces.isEmpty()) && spec.namespaceSelector == null) {
            problems.add("selects no namespace: set spec.namespaces or spec.namespaceSelector");
        }
        return problems;
    }

    public boolean allowsService(String service) {
        return matchesAny(services, service);
    }

    public boolean allowsEnv(String env) {
        return matchesAny(envs, env);
    }

    public boolean allowsTeam(String team) {
        return matchesAny(teams, team);
    }

    /** {@code shared}: the profile exists and is marked {@code spec.shared}. */
    public boolean allowsProfile(String profile, boolean shared) {
        return (shared && sharedProfiles) || matchesAny(profiles, profile);
    }

    /**
     * In a handle pattern {@code *} stops at {@code @}: Datadog reads {@code @slack-x@example.com} as an e-mail
     * address, so {@code @slack-*} must not match it. A domain is allowed by naming it ({@code @*@example.com}); the
     * pattern {@code *} alone allows every handle.
     */
    public boolean allowsHandle(String handle) {
        return handle != null
                && handles.stream()
                        .anyMatch(p -> p.equals("*")
                                || glob(p, "[^@]*").matcher(handle).matches());
    }

    private static boolean selects(TenantPolicySpec spec, String namespace, Map<String, String> labels) {
        if (spec.namespaces != null && spec.namespaces.contains(namespace)) {
            return true;
        }
        return spec.namespaceSelector != null && matches(spec.namespaceSelector, labels);
    }

    /** Kubernetes label selector semantics: every matchLabels entry and every expression must hold. */
    static boolean matches(NamespaceSelector selector, Map<String, String> labels) {
        if (selector.matchLabels != null) {
            for (Map.Entry<String, String> e : selector.matchLabels.entrySet()) {
                if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
        }
        if (selector.matchExpressions != null) {
            for (NamespaceSelector.Requirement r : selector.matchExpressions) {
                String value = labels.get(r.key);
                List<String> values = r.values == null ? List.of() : r.values;
                boolean holds = switch (r.operator) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> false;
                };
                if (!holds) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void checkPatterns(List<String> problems, String field, List<String> patterns, Pattern valid) {
        if (patterns == null) {
            return;
        }
        for (String pattern : patterns) {
            Matcher m = PLACEHOLDER.matcher(pattern);
            while (m.find()) {
                String name = m.group(1);
                if (!name.equals("namespace") && !name.startsWith("label.")) {
                    problems.add("spec." + field + " pattern \"" + pattern + "\" uses ${" + name
                            + "}; known: ${namespace}, ${label.KEY}");
                }
            }
            if (!valid.matcher(PLACEHOLDER.matcher(pattern).replaceAll("x")).matches()) {
                problems.add("spec." + field + " pattern \"" + pattern + "\" is not a valid "
                        + (field.equals("notify")
                                ? "handle pattern (starts with @)"
                                : field.equals("profiles") ? "profile name pattern" : "tag value pattern"));
            }
        }
    }

    /**
     * Service or team patterns, filled. When they are built from {@code ${namespace}}, the names of longer namespaces
     * that extend this one ({@code shop-eu} for {@code shop}) are excluded as {@code !shop-eu} and
     * {@code !shop-eu-*}: otherwise {@code shop-*} would let namespace shop claim what shop-eu's own
     * {@code ${namespace}-*} names.
     */
    private static List<String> claims(
            List<String> patterns, String namespace, Map<String, String> labels, Collection<String> namespaces) {
        List<String> filled = new ArrayList<>(fill(patterns, namespace, labels));
        if (patterns.stream().anyMatch(p -> p.contains("${namespace}"))) {
            namespaces.stream()
                    .filter(other -> other.startsWith(namespace + "-"))
                    .sorted()
                    .forEach(other -> {
                        filled.add(EXCLUDED + other);
                        filled.add(EXCLUDED + other + "-*");
                    });
        }
        return List.copyOf(filled);
    }

    /** Placeholders filled; a pattern naming a label the namespace does not carry matches nothing and is dropped. */
    private static List<String> fill(List<String> patterns, String namespace, Map<String, String> labels) {
        List<String> filled = new ArrayList<>();
        for (String pattern : patterns) {
            Matcher m = PLACEHOLDER.matcher(pattern);
            StringBuilder out = new StringBuilder();
            boolean known = true;
            while (m.find()) {
                String name = m.group(1);
                String value = name.equals("namespace")
                        ? namespace
                        : name.startsWith("label.") ? labels.get(name.substring("label.".length())) : null;
                if (value == null) {
                    known = false;
                    break;
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            if (known) {
                m.appendTail(out);
                filled.add(out.toString());
            }
        }
        return List.copyOf(filled);
    }

    private static boolean matchesAny(List<String> patterns, String value) {
        return value != null
                && patterns.stream()
                        .filter(p -> !p.startsWith(EXCLUDED))
                        .anyMatch(p -> glob(p, ".*").matcher(value).matches())
                && patterns.stream()
                        .filter(p -> p.startsWith(EXCLUDED))
                        .noneMatch(p -> glob(p.substring(EXCLUDED.length()), ".*")
                                .matcher(value)
                                .matches());
    }

    private static Pattern glob(String pattern, String anyRun) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(anyRun);
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static List<String> or(List<String> value, List<String> fallback) {
        return value != null ? value : fallback;
    }
}
