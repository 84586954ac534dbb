package dev.mimamori.security;

import static dev.mimamori.testing.Resources.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.TenantPolicy;
import dev.mimamori.api.TenantPolicySpec;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.sim.CallLog;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.tenancy.TenantPolicies;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant A (namespace tenant-a, services tenant-a-*, handles @slack-tenant-a-*, two ServiceMonitorings at most) tries
 * to act on tenant B's service vaultledger through the operator. Each attempt ends Ready=False PolicyViolation, and
 * nothing about vaultledger reaches Datadog (no monitor, no query, no event) and tenant B's Deployment is unchanged.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class TenantIsolationOperatorTest {
    @Inject
    KubernetesClient client;

    @Inject
    TenantPolicies policies;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();

    @BeforeEach
    void policy() {
        Resources.namespace(client, "tenant-a");
        TenantPolicy policy = new TenantPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName("tenant-a").build());
        policy.setSpec(new TenantPolicySpec());
        policy.getSpec().namespaces = List.of("tenant-a");
        policy.getSpec().services = List.of("${namespace}-*");
        policy.getSpec().notify = List.of("@slack-${namespace}-*");
        policy.getSpec().maxServiceMonitorings = 2;
        client.resource(policy).createOr(existing -> existing.update());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> policies.rulesFor("tenant-a").source().contains("tenant-a"));
    }

    @Test
    void aServiceMonitoringClaimingAnotherTeamsServiceWritesNothingUntilFixed() {
        client.resource(Resources.serviceMonitoring("tenant-a", "spy", "vaultledger", "prod"))
                .create();

        ServiceMonitoring refused = awaitReason("spy", "PolicyViolation");

        assertThat(ready(refused).getMessage())
                .contains("service \"vaultledger\"", "TenantPolicy \"tenant-a\" services");
        assertThat(datadog.monitorsTagged("mimamori-owner:tenant-a/spy")).isEmpty();
        assertThat(requestsMentioning("vaultledger")).isEmpty();

        client.resources(ServiceMonitoring.class)
                .inNamespace("tenant-a")
                .withName("spy")
                .edit(sm -> {
                    sm.getSpec().service = "tenant-a-cart";
                    return sm;
                });
        awaitReason("spy", "MonitorsInSync");
        assertThat(datadog.monitorsTagged("mimamori-owner:tenant-a/spy")).isNotEmpty();
        client.resources(ServiceMonitoring.class)
                .inNamespace("tenant-a")
                .withName("spy")
                .delete();
    }

    @Test
    void aServiceMonitoringPagingAnotherTeamWritesNothing() {
        ServiceMonitoring sm = Resources.serviceMonitoring("tenant-a", "pager", "tenant-a-api", "prod");
        sm.getSpec().notify = List.of("@pagerduty-vaultledger");
        client.resource(sm).create();

        ServiceMonitoring refused = awaitReason("pager", "PolicyViolation");

        assertThat(ready(refused).getMessage()).contains("@pagerduty-vaultledger", "notify");
        assertThat(datadog.monitorsTagged("mimamori-owner:tenant-a/pager")).isEmpty();
        assertThat(requestsMentioning("@pagerduty-vaultledger")).isEmpty();
        client.resource(sm).delete();
    }

    @Test
    void aReleaseCheckJudgingAnotherTeamsServiceQueriesNothingAndLeavesTheDeploymentAlone() {
        Deployment own = Rollouts.deploy(client, "tenant-a", "cart", "tenant-a-cart", "prod", "1.0.0", "1.1.0");
        Deployment foreign = Rollouts.deploy(client, "tenant-a", "impostor", "vaultledger", "prod", "1.0.0", "1.1.0");
        String ownBefore = Serialization.asJson(own.getSpec());
        String foreignBefore = Serialization.asJson(foreign.getSpec());

        ReleaseCheck byLabels = check("impostor", null);
        ReleaseCheck bySpec = check("cart", "vaultledger");

        for (ReleaseCheck check : List.of(byLabels, bySpec)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                ReleaseCheck seen = client.resource(check).get();
                assertThat(seen.getStatus()).isNotNull();
                assertThat(seen.getStatus().phase).isEqualTo("Error");
                assertThat(ready(seen.getStatus().conditions).getReason()).isEqualTo("PolicyViolation");
                assertThat(seen.getStatus().metrics).isNullOrEmpty();
            });
        }
        assertThat(requestsMentioning("service:vaultledger"))
                .as("no query, no event for vaultledger")
                .isEmpty();
        assertThat(datadog.events()).noneMatch(e -> e.toString().contains("vaultledger"));
        assertThat(Serialization.asJson(deployment("cart").getSpec())).isEqualTo(ownBefore);
        assertThat(Serialization.asJson(deployment("impostor").getSpec())).isEqualTo(foreignBefore);
        assertThat(deployment("cart").getMetadata().getAnnotations())
                .doesNotContainKey("mimamori.dev/release-check-name");
    }

    @Test
    void aServiceMonitoringParameterCannotSpliceAnotherServiceIntoTheProfilesGateQueries() {
        Rollouts.deploy(client, "tenant-a", "ledger", "tenant-a-ledger", "prod", "1.0.0", "1.1.0");
        ServiceMonitoring sm = Resources.serviceMonitoring("tenant-a", "ledger", "tenant-a-ledger", "prod");
        // No pattern guards parameter values in the CRD: the profile's p95 query would read vaultledger's latency.
        sm.getSpec().parameters = java.util.Map.of(
                "traceOperation", "servlet.request{service:vaultledger,env:prod}+0*avg:trace.servlet.request");
        client.resource(sm).create();

        ReleaseCheck check = check("ledger", null);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReleaseCheck seen = client.resource(check).get();
            assertThat(seen.getStatus()).isNotNull();
            assertThat(seen.getStatus().phase).isEqualTo("Error");
            assertThat(ready(seen.getStatus().conditions).getReason()).isEqualTo("InvalidSpec");
            assertThat(ready(seen.getStatus().conditions).getMessage())
                    .contains("ServiceMonitoring \"ledger\" sets parameter \"traceOperation\"");
            assertThat(seen.getStatus().metrics).isNullOrEmpty();
        });
        assertThat(requestsMentioning("vaultledger")).isEmpty();
        client.resource(sm).delete();
    }

    @Test
    void aReleaseCheckCanOnlyNameADeploymentOfItsOwnNamespace() {
        Deployment victim = Rollouts.deploy(client, "tenant-b", "vaultledger", "vaultledger", "prod", "1.0.0", "1.1.0");
        String before = Serialization.asJson(victim);

        ReleaseCheck check = check("vaultledger", null);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReleaseCheck seen = client.resource(check).get();
            assertThat(seen.getStatus()).isNotNull();
            assertThat(ready(seen.getStatus().conditions).getReason()).isEqualTo("WorkloadNotFound");
        });
        assertThat(Serialization.asJson(client.apps()
                        .deployments()
                        .inNamespace("tenant-b")
                        .withName("vaultledger")
                        .get()))
                .isEqualTo(before);
        assertThat(requestsMentioning("service:vaultledger")).isEmpty();
    }

    @Test
    void aNamespaceHoldsNoMoreServiceMonitoringsThanItsPolicyAllows() {
        for (String name : List.of("quota-1", "quota-2")) {
            client.resource(Resources.serviceMonitoring("tenant-a", name, "tenant-a-" + name, "prod"))
                    .create();
            awaitReason(name, "MonitorsInSync");
        }
        client.resource(Resources.serviceMonitoring("tenant-a", "quota-3", "tenant-a-quota-3", "prod"))
                .create();

        ServiceMonitoring third = awaitReason("quota-3", "PolicyViolation");

        assertThat(ready(third).getMessage()).contains("maxServiceMonitorings", "the most allowed is 2");
        assertThat(datadog.monitorsTagged("mimamori-owner:tenant-a/quota-3")).isEmpty();
        for (String name : List.of("quota-1", "quota-2", "quota-3")) {
            client.resources(ServiceMonitoring.class)
                    .inNamespace("tenant-a")
                    .withName(name)
                    .delete();
        }
    }

    /** Team vaultledger's profile pages its on-call and is not marked shared; tenant-a's policy lists no profiles. */
    @Test
    void anotherTeamsProfileCanBeUsedNeitherByAServiceMonitoringNorByAReleaseCheck() {
        MonitoringProfile pager = Resources.profile(
                "vaultledger-oncall",
                Map.of("latencyMs", "500"),
                Resources.metricMonitor("latency", "trace.http.request.duration", "latencyMs"));
        pager.getSpec().shared = null;
        pager.getSpec().monitors.get(0).message = "Latency @pagerduty-vaultledger";
        client.resource(pager).createOr(existing -> existing.update());
        client.resource(Resources.serviceMonitoring("tenant-a", "borrower", "tenant-a-borrower", "prod"))
                .create();
        awaitReason("borrower", "MonitorsInSync");
        int before = datadog.monitorsTagged("mimamori-owner:tenant-a/borrower").size();

        client.resources(ServiceMonitoring.class)
                .inNamespace("tenant-a")
                .withName("borrower")
                .edit(sm -> {
                    sm.getSpec().profile = "vaultledger-oncall";
                    return sm;
                });
        ServiceMonitoring refused = awaitReason("borrower", "PolicyViolation");

        assertThat(ready(refused).getMessage())
                .contains("MonitoringProfile \"vaultledger-oncall\"", "TenantPolicy \"tenant-a\" profiles");
        assertThat(datadog.monitorsTagged("mimamori-owner:tenant-a/borrower"))
                .as("what was in sync before stays")
                .hasSize(before);
        assertThat(requestsMentioning("@pagerduty-vaultledger")).isEmpty();

        Rollouts.deploy(client, "tenant-a", "borrow", "tenant-a-borrow", "prod", "1.0.0", "1.1.0");
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("tenant-a")
                .withName("borrow-profile")
                .build());
        check.setSpec(new ReleaseCheckSpec());
        check.getSpec().workload = new WorkloadRef();
        check.getSpec().workload.name = "borrow";
        check.getSpec().profile = "vaultledger-oncall";
        ReleaseCheck created = client.resource(check).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ReleaseCheck seen = client.resource(created).get();
            assertThat(seen.getStatus()).isNotNull();
            assertThat(seen.getStatus().phase).isEqualTo("Error");
            assertThat(ready(seen.getStatus().conditions).getReason()).isEqualTo("PolicyViolation");
            assertThat(seen.getStatus().message).contains("MonitoringProfile \"vaultledger-oncall\"");
            assertThat(seen.getStatus().gateMetrics).isNullOrEmpty();
        });
        client.resources(ServiceMonitoring.class)
                .inNamespace("tenant-a")
                .withName("borrower")
                .delete();
    }

    private ReleaseCheck check(String workload, String service) {
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("tenant-a")
                .withName(workload + "-" + (service == null ? "labels" : "spec"))
                .build());
        check.setSpec(new ReleaseCheckSpec());
        check.getSpec().workload = new WorkloadRef();
        check.getSpec().workload.name = workload;
        check.getSpec().service = service;
        return client.resource(check).create();
    }

    private Deployment deployment(String name) {
        return client.apps()
                .deployments()
                .inNamespace("tenant-a")
                .withName(name)
                .get();
    }

    private ServiceMonitoring awaitReason(String name, String reason) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ServiceMonitoring sm = client.resources(ServiceMonitoring.class)
                    .inNamespace("tenant-a")
                    .withName(name)
                    .get();
            assertThat(ready(sm)).isNotNull();
            assertThat(ready(sm).getReason()).isEqualTo(reason);
        });
        return client.resources(ServiceMonitoring.class)
                .inNamespace("tenant-a")
                .withName(name)
                .get();
    }

    private List<CallLog.Call> requestsMentioning(String text) {
        return datadog.requests().stream()
                .filter(c -> String.valueOf(c.body()).contains(text)
                        || String.valueOf(c.query()).contains(text))
                .toList();
    }
}
