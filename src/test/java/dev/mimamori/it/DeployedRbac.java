package dev.mimamori.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mimamori.it.ApiRequest.Permission;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the manifests in deploy/ let the operator do: the rules of every Role and ClusterRole bound to the service
 * account its Deployment runs as. A ClusterRole bound cluster-wide applies in every namespace; a Role (or a
 * ClusterRole bound by a RoleBinding) only in the binding's namespace.
 */
final class DeployedRbac {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String AGGREGATE_TO = "rbac.authorization.k8s.io/aggregate-to-";

    /** One rule, where it came from, and the namespace it is limited to (null: everywhere). */
    record Rule(
            String source,
            String namespace,
            List<String> apiGroups,
            List<String> resources,
            List<String> verbs,
            List<String> resourceNames,
            List<String> nonResourceURLs) {

        boolean allows(ApiRequest request) {
            if (!request.isResourceRequest()) {
                return nonResourceURLs.stream()
                                .anyMatch(url -> url.equals(request.path())
                                        || url.endsWith("*")
                                                && request.path().startsWith(url.substring(0, url.length() - 1)))
                        && (verbs.contains("*") || verbs.contains(request.verb()));
            }
            return (namespace == null || namespace.equals(request.namespace()))
                    && (apiGroups.contains("*") || apiGroups.contains(request.group()))
                    && (resources.contains("*") || resources.contains(request.resource()))
                    && (verbs.contains("*") || verbs.contains(request.verb()))
                    && (resourceNames.isEmpty() || resourceNames.contains(request.name()));
        }

        Stream<Grant> grants() {
            return apiGroups.stream()
                    .flatMap(group -> resources.stream()
                            .flatMap(resource -> verbs.stream()
                                    .map(verb -> new Grant(new Permission(group, resource, verb), namespace, source))));
        }
    }

    /** One granted (group, resource, verb), limited to {@code namespace} unless it is null. */
    record Grant(Permission permission, String namespace, String source) {
        boolean isWildcard() {
            return permission.group().equals("*")
                    || permission.resource().equals("*")
                    || permission.verb().equals("*");
        }
    }

    final String serviceAccount;
    final String serviceAccountNamespace;
    final List<Rule> rules;
    /** Rules of ClusterRoles aggregated into a built-in role, by that role ("edit", "view", ...). */
    final Map<String, List<Rule>> aggregated;

    private DeployedRbac(
            String serviceAccount,
            String serviceAccountNamespace,
            List<Rule> rules,
            Map<String, List<Rule>> aggregated) {
        this.serviceAccount = serviceAccount;
        this.serviceAccountNamespace = serviceAccountNamespace;
        this.rules = rules;
        this.aggregated = aggregated;
    }

    static DeployedRbac read(Path deployDirectory) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        String kustomizeNamespace = null;
        try (Stream<Path> files = Files.walk(deployDirectory, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : files.filter(
                            f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList()) {
                try (MappingIterator<JsonNode> docs =
                        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc == null || !doc.hasNonNull("kind")) {
                            continue;
                        }
                        if (doc.path("kind").asText().equals("Kustomization")) {
                            kustomizeNamespace = doc.path("namespace").asText(null);
                        }
                        documents.add(doc);
                    }
                }
            }
        }
        String account = null;
        String accountNamespace = null;
        Map<String, JsonNode> roles = new HashMap<>();
        for (JsonNode doc : documents) {
            String kind = doc.path("kind").asText();
            String namespace = doc.path("metadata").path("namespace").asText(kustomizeNamespace);
            switch (kind) {
                case "Deployment" -> {
                    account = doc.path("spec")
                            .path("template")
                            .path("spec")
                            .path("serviceAccountName")
                            .asText("default");
                    accountNamespace = namespace;
                }
                case "Role" ->
                    roles.put(
                            "Role/" + namespace + "/"
                                    + doc.path("metadata").path("name").asText(),
                            doc);
                case "ClusterRole" ->
                    roles.put("ClusterRole/" + doc.path("metadata").path("name").asText(), doc);
                default -> {}
            }
        }
        if (account == null) {
            throw new IllegalStateException("no Deployment in " + deployDirectory + ": whose permissions are these?");
        }
        List<Rule> rules = new ArrayList<>();
        for (JsonNode doc : documents) {
            String kind = doc.path("kind").asText();
            if (!kind.equals("RoleBinding") && !kind.equals("ClusterRoleBinding")) {
                continue;
            }
            String bindingNamespace = kind.equals("RoleBinding")
                    ? doc.path("metadata").path("namespace").asText(kustomizeNamespace)
                    : null;
            if (!bindsServiceAccount(doc, account, accountNamespace, kustomizeNamespace)) {
                continue;
            }
            JsonNode ref = doc.path("roleRef");
            String key = ref.path("kind").asText().equals("Role")
                    ? "Role/" + bindingNamespace + "/" + ref.path("name").asText()
                    : "ClusterRole/" + ref.path("name").asText();
            JsonNode role = roles.get(key);
            if (role == null) {
                throw new IllegalStateException(
                        kind + " " + doc.path("metadata").path("name").asText() + " refers to " + key
                                + ", which deploy/ does not define");
            }
            for (JsonNode rule : role.path("rules")) {
                rules.add(new Rule(
                        key,
                        bindingNamespace,
                        strings(rule.path("apiGroups")),
                        strings(rule.path("resources")),
                        strings(rule.path("verbs")),
                        strings(rule.path("resourceNames")),
                        strings(rule.path("nonResourceURLs"))));
            }
        }
        Map<String, List<Rule>> aggregated = new HashMap<>();
        for (Map.Entry<String, JsonNode> role : roles.entrySet()) {
            role.getValue().path("metadata").path("labels").fields().forEachRemaining(label -> {
                if (label.getKey().startsWith(AGGREGATE_TO)
                        && label.getValue().asText().equals("true")) {
                    for (JsonNode rule : role.getValue().path("rules")) {
                        aggregated
                                .computeIfAbsent(
                                        label.getKey().substring(AGGREGATE_TO.length()), x -> new ArrayList<>())
                                .add(new Rule(
                                        role.getKey(),
                                        null,
                                        strings(rule.path("apiGroups")),
                                        strings(rule.path("resources")),
                                        strings(rule.path("verbs")),
                                        strings(rule.path("resourceNames")),
                                        strings(rule.path("nonResourceURLs"))));
                    }
                }
            });
        }
        return new DeployedRbac(account, accountNamespace, rules, aggregated);
    }

    private static boolean bindsServiceAccount(
            JsonNode binding, String account, String accountNamespace, String kustomizeNamespace) {
        for (JsonNode subject : binding.path("subjects")) {
            if (subject.path("kind").asText().equals("ServiceAccount")
                    && subject.path("name").asText().equals(account)
                    && subject.path("namespace").asText(kustomizeNamespace).equals(accountNamespace)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    boolean allows(ApiRequest request) {
        return rules.stream().anyMatch(rule -> rule.allows(request));
    }

    /**
     * Whether deploy/ adds {@code request} to a built-in role, following Kubernetes' own aggregation: view's rules
     * reach edit and admin, edit's reach admin.
     */
    boolean builtInRoleAllows(String role, ApiRequest request) {
        List<String> sources = switch (role) {
            case "admin" -> List.of("admin", "edit", "view");
            case "edit" -> List.of("edit", "view");
            default -> List.of(role);
        };
        return sources.stream()
                .flatMap(r -> aggregated.getOrDefault(r, List.of()).stream())
                .anyMatch(rule -> rule.allows(request));
    }

    List<Grant> grants() {
        return rules.stream().flatMap(Rule::grants).distinct().toList();
    }
}
