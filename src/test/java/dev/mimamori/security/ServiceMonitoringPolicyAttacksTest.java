package dev.mimamori.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.GateMetric;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ReleaseCheckTemplate;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.SloTemplate;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.tenancy.PolicyCheck;
import dev.mimamori.tenancy.TenantRules;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tenant in namespace shop, allowed services shop-*, env prod, team shop and handles @slack-shop-*, tries each way
 * a ServiceMonitoring could reach another team; the policy check names the rule each time, and what the tenant may do
 * passes.
 */
class ServiceMonitoringPolicyAttacksTest {
    TenantRules rules = new TenantRules(
            "TenantPolicy \"shop\"",
            List.of("shop-*"),
            List.of("prod"),
            List.of("shop"),
            List.of("@slack-shop-*"),
            true,
            null,
            20,
            null,
            List.of("default"),
            true);
    ServiceMonitoringSpec spec = spec();

    static ServiceMonitoringSpec spec() {
        ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
        spec.service = "shop-cart";
        spec.env = "prod";
        spec.team = "shop";
        spec.notify = List.of("@slack-shop-alerts");
        return spec;
    }

    PolicyCheck.Violation check() {
        Rendering rendering = MonitorRenderer.render(BuiltInProfile.spec(), spec, "shop/cart", "c1");
        assertThat(rendering.ok()).as(String.valueOf(rendering.problem())).isTrue();
        return PolicyCheck.serviceMonitoring(rules, "shop", spec, rendering);
    }

    static MonitorTemplate monitor(String name, String query, String message) {
        MonitorTemplate m = new MonitorTemplate();
        m.name = name;
        m.type = "query alert";
        m.query = query;
        m.message = message;
        return m;
    }

    @Test
    void whatThePolicyAllowsPasses() {
        spec.monitors = List.of(monitor(
                "cart-errors",
                "avg(last_5m):avg:trace.http.request.errors{service:${service},env:${env}} > 5",
                "Cart errors @slack-shop-oncall"));
        assertThat(check()).isNull();
    }

    @Test
    void anotherTeamsServiceEnvOrTeamIsRefused() {
        spec.service = "payments";
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" services");
        spec.service = "shop-cart";
        spec.env = "staging";
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" envs");
        spec.env = "prod";
        spec.team = "payments";
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" teams");
    }

    @Test
    void tagsNamingAnotherServiceOrTeamAreRefused() {
        spec.tags = List.of("team:payments");
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" teams");
        spec.tags = List.of("owner:shop");
        MonitorTemplate tagged = monitor(
                "cart-errors", "avg(last_5m):avg:trace.http.request.errors{service:${service},env:${env}} > 5", "x");
        tagged.tags = List.of("service:payments");
        spec.monitors = List.of(tagged);
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" services");
    }

    @Test
    void aForeignPagerOrAnEmailInNotifyOrInAMessageIsRefused() {
        spec.notify = List.of("@pagerduty-payments");
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" notify");
        spec.notify = List.of("@attacker@example.com");
        assertThat(check().describe()).contains("@attacker@example.com");
        spec.notify = List.of("@slack-shop-alerts");
        spec.monitors = List.of(monitor(
                "cart-errors",
                "avg(last_5m):avg:trace.http.request.errors{service:${service},env:${env}} > 5",
                "{{value}} errors, see mail me@example.org or @webhook-collector"));
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" notify");
    }

    @Test
    void anEmailAddressDisguisedAsAnAllowedChatChannelIsRefusedInNotifyAndInAMessage() {
        spec.notify = List.of("@slack-shop-alerts@attacker.example");
        assertThat(check()).isNotNull();
        assertThat(check().describe()).contains("@slack-shop-alerts@attacker.example", "notify");
        spec.notify = List.of("@slack-shop-alerts");
        spec.monitors = List.of(monitor(
                "cart-errors",
                "avg(last_5m):avg:trace.http.request.errors{service:${service},env:${env}} > 5",
                "{{value}} errors @slack-shop-x@attacker.example"));
        assertThat(check()).isNotNull();
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" notify");
    }

    @Test
    void aMessageOverrideOfAProfileMonitorIsCheckedButTheProfilesOwnMessageIsNot() {
        MonitorTemplate override = new MonitorTemplate();
        override.name = BuiltInProfile.spec().monitors.get(0).name;
        override.message = "@pagerduty-payments wake up";
        spec.monitors = List.of(override);
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" notify");
    }

    @Test
    void aMonitorOrSloQueryReachingAnotherServiceIsRefused() {
        spec.monitors = List.of(
                monitor("spy", "avg(last_5m):avg:trace.http.request.errors{service:payments,env:prod} > 5", "x"));
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" scope");
        spec.monitors = List.of(monitor("spy", "avg(last_5m):avg:trace.http.request.errors{*} by {service} > 5", "x"));
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" scope");
        MonitorTemplate logs =
                monitor("spy", "logs(\"service:payments\").index(\"*\").rollup(\"count\").last(\"5m\") > 1", "x");
        logs.type = "log alert";
        spec.monitors = List.of(logs);
        assertThat(check().describe()).contains("must be a metric query");
        spec.monitors = null;
        SloTemplate slo = new SloTemplate();
        slo.name = "spy-slo";
        slo.target = "99";
        slo.good = "sum:trace.http.request.hits{service:${service},env:${env}}.as_count()";
        slo.total = "sum:trace.http.request.hits{env:prod}.as_count()";
        spec.slos = List.of(slo);
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" scope");
    }

    @Test
    void aGateMetricReachingAnotherServiceIsRefused() {
        GateMetric spy = new GateMetric();
        spy.name = "spy";
        spy.query =
                "avg:trace.http.request.duration{service:${service} OR service:payments,env:${env},version:${version}}";
        spec.releaseCheck = new ReleaseCheckTemplate();
        spec.releaseCheck.metrics = List.of(spy);
        Rendering rendering = MonitorRenderer.render(BuiltInProfile.spec(), spec, "shop/cart", "c1");
        // The renderer may already refuse it as untranslatable; either way it never reaches Datadog.
        PolicyCheck.Violation violation = rendering.ok()
                ? PolicyCheck.serviceMonitoring(rules, "shop", spec, rendering)
                : PolicyCheck.gateMetrics(rules, "shop", spec.releaseCheck.metrics, spec.service, spec.env);
        assertThat(violation.rule()).isEqualTo("TenantPolicy \"shop\" scope");
    }

    @Test
    void aGateMetricWhoseRequestCountsReachAnotherServiceIsRefused() {
        GateMetric spy = new GateMetric();
        spy.name = "error rate";
        spy.query = "sum:trace.http.request.errors{service:${service},env:${env},version:${version}}.as_count()";
        spy.requests = "sum:trace.http.request.hits{service:payments,env:${env},version:${version}}.as_count()";
        spec.releaseCheck = new ReleaseCheckTemplate();
        spec.releaseCheck.metrics = List.of(spy);

        PolicyCheck.Violation violation =
                PolicyCheck.gateMetrics(rules, "shop", spec.releaseCheck.metrics, spec.service, spec.env);

        assertThat(violation.rule()).isEqualTo("TenantPolicy \"shop\" scope");
        spy.requests = "sum:trace.http.request.hits{service:${service},env:${env},version:${version}}.as_count()";
        assertThat(PolicyCheck.gateMetrics(rules, "shop", spec.releaseCheck.metrics, spec.service, spec.env))
                .isNull();
    }

    @Test
    void customQueriesOffRefusesEvenAConfinedQuery() {
        rules = new TenantRules(
                "TenantPolicy \"shop\"",
                List.of("shop-*"),
                List.of("prod"),
                List.of("shop"),
                List.of("@slack-shop-*"),
                false,
                null,
                null,
                null,
                List.of("default"),
                true);
        spec.monitors = List.of(monitor(
                "cart-errors", "avg(last_5m):avg:trace.http.request.errors{service:${service},env:${env}} > 5", "x"));
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" customQueries");
    }

    @Test
    void moreMonitorsThanAllowedAreRefused() {
        rules = new TenantRules(
                "TenantPolicy \"shop\"",
                List.of("shop-*"),
                List.of("prod"),
                List.of("shop"),
                List.of("@slack-shop-*"),
                true,
                null,
                1,
                null,
                List.of("default"),
                true);
        assertThat(check().rule()).isEqualTo("TenantPolicy \"shop\" maxMonitors");
    }

    /** Without dashboard and gate, whose formula compiler already refuses such a term; monitors and SLOs have none. */
    @Test
    void aParameterValueSplicingAnUnscopedTermIntoTheProfilesQueriesIsRefused() {
        MonitoringProfileSpec profile = Serialization.clone(BuiltInProfile.spec());
        profile.dashboard = null;
        profile.gate = null;
        spec.parameters = Map.of("traceOperation", "x-avg:payments.revenue");
        Rendering rendering = MonitorRenderer.render(profile, spec, "shop/cart", "c1");
        assertThat(rendering.ok()).as(String.valueOf(rendering.problem())).isTrue();
        PolicyCheck.Violation violation = PolicyCheck.serviceMonitoring(rules, "shop", spec, rendering);
        assertThat(violation.rule()).isEqualTo("TenantPolicy \"shop\" scope");
        assertThat(violation.message()).contains("traceOperation").contains("has no scope");

        spec.parameters = Map.of("traceOperation", "servlet.request", "latencyP95Ms", "800");
        assertThat(check()).isNull();
    }
}
