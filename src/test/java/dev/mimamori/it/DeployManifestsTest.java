package dev.mimamori.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What deploy/ gives tenants and the operator, read from the manifests alone: the rights aggregated into the built-in
 * roles, the Lease pinned by name, and the pod's disruption budget, network policy and probes.
 */
class DeployManifestsTest {
    static final Path DEPLOY = Path.of("deploy");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static ApiRequest request(String method, String path) {
        return ApiRequest.of(method, path);
    }

    @Test
    void kustomizeAppliesEveryManifestInDeploy() throws IOException {
        JsonNode kustomization = documents(DEPLOY.resolve("kustomization.yaml")).get(0);
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(DEPLOY)) {
            assertThat(listed)
                    .containsExactlyInAnyOrderElementsOf(
                            files.map(p -> p.getFileName().toString())
                                    .filter(n -> n.endsWith(".yaml"))
                                    .filter(n -> !n.equals("kustomization.yaml"))
                                    .toList());
        }
    }

    @Test
    void editLetsATeamManageItsServiceMonitoringsAndReleaseChecksButNotProfilesOrStatus() throws IOException {
        DeployedRbac rbac = DeployedRbac.read(DEPLOY);
        for (String role : List.of("edit", "admin")) {
            assertThat(rbac.builtInRoleAllows(
                            role, request("POST", "/apis/mimamori.dev/v1alpha1/namespaces/shop/releasechecks")))
                    .isTrue();
            assertThat(rbac.builtInRoleAllows(
                            role, request("PUT", "/apis/mimamori.dev/v1alpha1/namespaces/shop/servicemonitorings/api")))
                    .isTrue();
            assertThat(rbac.builtInRoleAllows(
                            role, request("DELETE", "/apis/mimamori.dev/v1alpha1/namespaces/shop/releasechecks/c")))
                    .isTrue();
            assertThat(rbac.builtInRoleAllows(
                            role,
                            request("GET", "/apis/mimamori.dev/v1alpha1/namespaces/shop/releasechecks?watch=true")))
                    .isTrue();
            assertThat(rbac.builtInRoleAllows(role, request("POST", "/apis/mimamori.dev/v1alpha1/monitoringprofiles")))
                    .as(role)
                    .isFalse();
            assertThat(rbac.builtInRoleAllows(
                            role,
                            request("PATCH", "/apis/mimamori.dev/v1alpha1/namespaces/shop/releasechecks/c/status")))
                    .as("%s may not forge a verdict", role)
                    .isFalse();
        }
    }

    @Test
    void viewOnlyReads() throws IOException {
        DeployedRbac rbac = DeployedRbac.read(DEPLOY);
        assertThat(rbac.builtInRoleAllows(
                        "view", request("GET", "/apis/mimamori.dev/v1alpha1/namespaces/shop/servicemonitorings/api")))
                .isTrue();
        assertThat(rbac.builtInRoleAllows(
                        "view", request("GET", "/apis/mimamori.dev/v1alpha1/namespaces/shop/releasechecks/c/status")))
                .isTrue();
        assertThat(rbac.builtInRoleAllows(
                        "view", request("POST", "/apis/mimamori.dev/v1alpha1/namespaces/shop/releasechecks")))
                .isFalse();
        assertThat(rbac.builtInRoleAllows(
                        "view", request("PATCH", "/apis/mimamori.dev/v1alpha1/namespaces/shop/servicemonitorings/api")))
                .isFalse();
    }

    @Test
    void theOperatorMayChangeOnlyItsOwnLeaseAndOnlyInItsNamespace() throws IOException {
        DeployedRbac rbac = DeployedRbac.read(DEPLOY);
        String leases = "/apis/coordination.k8s.io/v1/namespaces/mimamori-system/leases";
        assertThat(rbac.allows(request("GET", leases + "/mimamori-leader"))).isTrue();
        assertThat(rbac.allows(request("PATCH", leases + "/mimamori-leader"))).isTrue();
        assertThat(rbac.allows(request("PUT", leases + "/mimamori-leader"))).isTrue();
        assertThat(rbac.allows(request("POST", leases)))
                .as("create cannot be pinned by name")
                .isTrue();
        assertThat(rbac.allows(request("PATCH", leases + "/other-operator"))).isFalse();
        assertThat(rbac.allows(request("GET", leases + "/other-operator"))).isFalse();
        assertThat(rbac.allows(request(
                        "PATCH", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager")))
                .isFalse();
    }

    @Test
    void thePodHasADisruptionBudgetANetworkPolicyAndAStartupProbe() throws IOException {
        JsonNode deployment = documents(DEPLOY.resolve("deployment.yaml")).get(0);
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        JsonNode pdb = documents(DEPLOY.resolve("poddisruptionbudget.yaml")).get(0);
        assertThat(pdb.path("kind").asText()).isEqualTo("PodDisruptionBudget");
        assertThat(pdb.at("/spec/maxUnavailable").asInt())
                .isLessThan(deployment.at("/spec/replicas").asInt());
        assertSelects(pdb.at("/spec/selector/matchLabels"), podLabels);

        JsonNode policy = documents(DEPLOY.resolve("networkpolicy.yaml")).get(0);
        assertSelects(policy.at("/spec/podSelector/matchLabels"), podLabels);
        assertThat(policy.at("/spec/policyTypes").toString()).contains("Ingress", "Egress");
        assertThat(policy.at("/spec/ingress")).hasSize(1);
        assertThat(policy.at("/spec/ingress/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name")
                        .asText())
                .isEqualTo("monitoring");
        List<Integer> egressPorts = new ArrayList<>();
        policy.at("/spec/egress")
                .forEach(e -> e.path("ports")
                        .forEach(p -> egressPorts.add(p.path("port").asInt())));
        assertThat(egressPorts).containsExactlyInAnyOrder(53, 53, 443, 6443);

        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/livenessProbe/initialDelaySeconds").isMissingNode())
                .isTrue();
    }

    static void assertSelects(JsonNode selector, JsonNode labels) {
        assertThat(selector.size()).isPositive();
        selector.fields()
                .forEachRemaining(e -> assertThat(labels.path(e.getKey()).asText())
                        .as("selector %s", e.getKey())
                        .isEqualTo(e.getValue().asText()));
    }

    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.hasNonNull("kind")) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }
}
