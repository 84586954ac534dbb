package dev.mimamori.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the API server's authorizer sees in one HTTP request: the verb and, for a resource request, the API group,
 * resource (with its subresource), namespace and name; otherwise the non-resource path. The same reading of a URL as
 * Kubernetes' RequestInfoFactory, for the paths a client library sends.
 */
record ApiRequest(String verb, String group, String resource, String namespace, String name, String path) {

    /** The triple an RBAC rule grants: {@code resource} includes the subresource, e.g. "servicemonitorings/status". */
    record Permission(String group, String resource, String verb) {
        @Override
        public String toString() {
            return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
        }
    }

    static ApiRequest of(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        List<String> parts = new ArrayList<>(
                Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
        String nonResourceVerb = method.toLowerCase();
        String group;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            // /version, /api, /apis, /apis/GROUP/VERSION (discovery), /openapi/...
            return new ApiRequest(nonResourceVerb, null, null, null, null, path);
        }
        String namespace = null;
        if (parts.get(0).equals("namespaces") && parts.size() >= 2) {
            namespace = parts.get(1);
            // namespaces/NAME and its own subresources (status, finalize) are the Namespace itself
            if (parts.size() >= 3 && !List.of("status", "finalize").contains(parts.get(2))) {
                parts = parts.subList(2, parts.size());
            }
        }
        String resource = parts.get(0);
        String name = parts.size() >= 2 ? parts.get(1) : null;
        if (parts.size() >= 3) {
            resource = resource + "/" + parts.get(2);
        }
        boolean watch = Arrays.stream(query.split("&")).anyMatch(p -> p.equals("watch=true") || p.equals("watch=1"));
        String verb = switch (method) {
            case "GET", "HEAD" -> name != null ? "get" : watch ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name != null ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return new ApiRequest(verb, group, resource, namespace, name, path);
    }

    boolean isResourceRequest() {
        return resource != null;
    }

    Permission permission() {
        return new Permission(group, resource, verb);
    }
}
