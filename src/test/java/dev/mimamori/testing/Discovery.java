package dev.mimamori.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy discovery documents kubectl reads (/api, /apis, /api/v1, /apis/GROUP/VERSION), for the built-in kinds
 * the operator, the demo and deploy/ use and for our CRDs, with their short names and categories, so that `kubectl
 * get mimamori` and `kubectl apply -k deploy/` work against the embedded API server. Also a skeleton of OpenAPI v3
 * (/openapi/v3): paths only, no schemas, enough for kubectl to see that the server validates fields itself, so that
 * it applies without downloading schemas it would validate against.
 */
final class Discovery {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private record Kind(
            String plural,
            String singular,
            String kind,
            boolean namespaced,
            List<String> shortNames,
            List<String> categories) {}

    private final Map<String, List<Kind>> byGroupVersion = new LinkedHashMap<>();

    Discovery() {
        byGroupVersion.put(
                "v1",
                List.of(
                        new Kind("namespaces", "namespace", "Namespace", false, List.of("ns"), List.of()),
                        new Kind("serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), List.of()),
                        new Kind("events", "event", "Event", true, List.of("ev"), List.of()),
                        new Kind("secrets", "secret", "Secret", true, List.of(), List.of()),
                        new Kind("configmaps", "configmap", "ConfigMap", true, List.of("cm"), List.of()),
                        new Kind("pods", "pod", "Pod", true, List.of("po"), List.of("all")),
                        new Kind("services", "service", "Service", true, List.of("svc"), List.of("all"))));
        byGroupVersion.put(
                "apps/v1",
                List.of(
                        new Kind("deployments", "deployment", "Deployment", true, List.of("deploy"), List.of("all")),
                        new Kind("replicasets", "replicaset", "ReplicaSet", true, List.of("rs"), List.of("all"))));
        byGroupVersion.put(
                "rbac.authorization.k8s.io/v1",
                List.of(
                        new Kind("roles", "role", "Role", true, List.of(), List.of()),
                        new Kind("rolebindings", "rolebinding", "RoleBinding", true, List.of(), List.of()),
                        new Kind("clusterroles", "clusterrole", "ClusterRole", false, List.of(), List.of()),
                        new Kind(
                                "clusterrolebindings",
                                "clusterrolebinding",
                                "ClusterRoleBinding",
                                false,
                                List.of(),
                                List.of())));
        byGroupVersion.put(
                "policy/v1",
                List.of(new Kind(
                        "poddisruptionbudgets",
                        "poddisruptionbudget",
                        "PodDisruptionBudget",
                        true,
                        List.of("pdb"),
                        List.of())));
        byGroupVersion.put(
                "networking.k8s.io/v1",
                List.of(new Kind(
                        "networkpolicies", "networkpolicy", "NetworkPolicy", true, List.of("netpol"), List.of())));
        byGroupVersion.put(
                "apiextensions.k8s.io/v1",
                List.of(new Kind(
                        "customresourcedefinitions",
                        "customresourcedefinition",
                        "CustomResourceDefinition",
                        false,
                        List.of("crd", "crds"),
                        List.of())));
    }

    void add(CustomResourceDefinition crd) {
        var names = crd.getSpec().getNames();
        String groupVersion = crd.getSpec().getGroup() + "/"
                + crd.getSpec().getVersions().get(0).getName();
        List<Kind> kinds = new java.util.ArrayList<>(byGroupVersion.getOrDefault(groupVersion, List.of()));
        kinds.add(new Kind(
                names.getPlural(),
                names.getSingular(),
                names.getKind(),
                "Namespaced".equals(crd.getSpec().getScope()),
                names.getShortNames(),
                names.getCategories()));
        byGroupVersion.put(groupVersion, kinds);
    }

    /** The document for a discovery path, or null when the path is not a discovery path. */
    String documentFor(String path) {
        if (path.equals(OPENAPI_V3) || path.startsWith(OPENAPI_V3 + "/")) {
            return openApiV3(path.substring(OPENAPI_V3.length()));
        }
        if (path.equals("/api")) {
            ObjectNode versions = JSON.createObjectNode().put("kind", "APIVersions");
            versions.putArray("versions").add("v1");
            return versions.toString();
        }
        if (path.equals("/apis")) {
            ObjectNode list =
                    JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
            ArrayNode groups = list.putArray("groups");
            byGroupVersion.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> {
                String[] parts = gv.split("/");
                ObjectNode group = groups.addObject().put("name", parts[0]);
                ObjectNode version =
                        JSON.createObjectNode().put("groupVersion", gv).put("version", parts[1]);
                group.putArray("versions").add(version);
                group.set("preferredVersion", version);
            });
            return list.toString();
        }
        String groupVersion = path.startsWith("/api/")
                ? path.substring("/api/".length())
                : path.startsWith("/apis/") ? path.substring("/apis/".length()) : null;
        List<Kind> kinds = groupVersion == null ? null : byGroupVersion.get(groupVersion);
        if (kinds == null) {
            return null;
        }
        ObjectNode list = JSON.createObjectNode()
                .put("kind", "APIResourceList")
                .put("apiVersion", "v1")
                .put("groupVersion", groupVersion);
        ArrayNode resources = list.putArray("resources");
        for (Kind k : kinds) {
            ObjectNode r = resources
                    .addObject()
                    .put("name", k.plural())
                    .put("singularName", k.singular())
                    .put("namespaced", k.namespaced())
                    .put("kind", k.kind());
            VERBS.forEach(r.putArray("verbs")::add);
            if (k.shortNames() != null && !k.shortNames().isEmpty()) {
                k.shortNames().forEach(r.putArray("shortNames")::add);
            }
            if (k.categories() != null && !k.categories().isEmpty()) {
                k.categories().forEach(r.putArray("categories")::add);
            }
            resources
                    .addObject()
                    .put("name", k.plural() + "/status")
                    .put("singularName", "")
                    .put("namespaced", k.namespaced())
                    .put("kind", k.kind())
                    .putArray("verbs")
                    .add("get")
                    .add("patch")
                    .add("update");
        }
        return list.toString();
    }

    private static final String OPENAPI_V3 = "/openapi/v3";

    /**
     * The root lists one document per group-version; each document has, per kind, the path of one object with its
     * PATCH operation, tagged with the kind and taking {@code fieldValidation}: what kubectl looks for before it
     * leaves validation to the server.
     */
    private String openApiV3(String rest) {
        if (rest.isEmpty()) {
            ObjectNode root = JSON.createObjectNode();
            ObjectNode paths = root.putObject("paths");
            byGroupVersion
                    .keySet()
                    .forEach(gv -> paths.putObject(apiPath(gv).substring(1))
                            .put("serverRelativeURL", OPENAPI_V3 + apiPath(gv)));
            return root.toString();
        }
        String groupVersion = rest.startsWith("/api/")
                ? rest.substring("/api/".length())
                : rest.startsWith("/apis/") ? rest.substring("/apis/".length()) : null;
        List<Kind> kinds = groupVersion == null ? null : byGroupVersion.get(groupVersion);
        if (kinds == null) {
            return null;
        }
        String group = groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
        String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
        ObjectNode doc = JSON.createObjectNode().put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "mock");
        ObjectNode paths = doc.putObject("paths");
        for (Kind k : kinds) {
            String path = apiPath(groupVersion) + (k.namespaced() ? "/namespaces/{namespace}/" : "/") + k.plural()
                    + "/{name}";
            ObjectNode patch = paths.putObject(path).putObject("patch").put("operationId", "patch" + k.kind());
            patch.putObject("x-kubernetes-group-version-kind")
                    .put("group", group)
                    .put("version", version)
                    .put("kind", k.kind());
            patch.putArray("parameters")
                    .addObject()
                    .put("name", "fieldValidation")
                    .put("in", "query")
                    .putObject("schema")
                    .put("type", "string");
        }
        return doc.toString();
    }

    private static String apiPath(String groupVersion) {
        return groupVersion.contains("/") ? "/apis/" + groupVersion : "/api/" + groupVersion;
    }
}
