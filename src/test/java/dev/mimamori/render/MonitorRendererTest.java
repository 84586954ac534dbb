package dev.mimamori.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.GateMetric;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.MonitorThresholds;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ReleaseCheckTemplate;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.datadog.MetricFormula;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.status.Reasons;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitorRendererTest {

    static ServiceMonitoringSpec spec(String service, String env) {
        ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
        spec.service = service;
        spec.env = env;
        return spec;
    }

    static Rendering render(ServiceMonitoringSpec spec) {
        return MonitorRenderer.render(BuiltInProfile.spec(), spec, "shop/checkout", "eu-1");
    }

    static MonitorDefinition monitor(Rendering r, String name) {
        return r.monitors().stream()
                .filter(m -> m.templateName().equals(name))
                .findFirst()
                .orElseThrow()
                .definition();
    }

    @Test
    void theBuiltInProfileCoversGoldenSignalsAndKubernetesSignals() {
        Rendering r = render(spec("checkout", "prod"));
        assertThat(r.ok()).isTrue();
        assertThat(r.monitors())
                .extracting(DesiredMonitor::templateName)
                .containsExactly(
                        "latency-p95",
                        "error-rate",
                        "traffic-drop",
                        "pod-restarts",
                        "cpu-throttling",
                        "memory-near-limit",
                        "cpu-pressure",
                        "slow-at-cpu-limit",
                        "slow-on-busy-node",
                        "slow-not-cpu");
        assertThat(r.monitors())
                .filteredOn(m -> !m.definition().type().equals("composite"))
                .allSatisfy(m -> {
                    assertThat(m.definition().query())
                            .contains("service:checkout,env:prod")
                            .doesNotContain("${");
                    assertThat(m.definition().message()).doesNotContain("${");
                    assertThat(m.definition().thresholds()).containsKey("critical");
                });
    }

    @Test
    void theTrafficDropMonitorAlertsWhenAllTrafficStops() {
        // No requests means no points: only the no-data alert sees a total outage.
        MonitorDefinition d = monitor(render(spec("checkout", "prod")), "traffic-drop");
        assertThat(d.settings().notifyNoData()).isTrue();
        assertThat(d.settings().noDataTimeframe()).isEqualTo(60);
    }

    @Test
    void everyMonitorCarriesTheOwnershipAndServiceTags() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.team = "payments";
        spec.tags = List.of("tier:critical");
        MonitorDefinition d = monitor(render(spec), "error-rate");
        assertThat(d.tags())
                .containsExactlyInAnyOrder(
                        "managed-by:mimamori",
                        "mimamori-cluster:eu-1",
                        "mimamori-owner:shop/checkout",
                        "mimamori-monitor:error-rate",
                        "service:checkout",
                        "env:prod",
                        "team:payments",
                        "tier:critical");
    }

    @Test
    void noTeamTagWithoutATeam() {
        assertThat(monitor(render(spec("checkout", "prod")), "error-rate").tags())
                .noneMatch(t -> t.startsWith("team:"));
    }

    @Test
    void parameterOverridesReachQueryAndThreshold() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.parameters = Map.of("latencyP95Ms", "400");
        MonitorDefinition d = monitor(render(spec), "latency-p95");
        assertThat(d.query()).isEqualTo("avg(last_10m):p95:trace.http.request{service:checkout,env:prod} * 1000 > 400");
        assertThat(d.thresholds()).containsEntry("critical", 400.0);
        assertThat(d.name()).isEqualTo("[prod] checkout: p95 latency above 400 ms");
    }

    @Test
    void datadogTemplateVariablesPassThroughAndHandlesAreAppended() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.notify = List.of("@slack-payments", "@pagerduty-checkout");
        String message = monitor(render(spec), "latency-p95").message();
        assertThat(message)
                .contains("{{#is_alert}}", "{{value}}", "{{/is_alert}}", "{{#is_recovery}}")
                .endsWith("\n\n@slack-payments @pagerduty-checkout");
    }

    @Test
    void overridesChangeOnlyWhatTheySetDropAndAdd() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        MonitorTemplate warn = new MonitorTemplate();
        warn.name = "latency-p95";
        warn.thresholds = new MonitorThresholds();
        warn.thresholds.warning = "300";
        MonitorTemplate drop = new MonitorTemplate();
        drop.name = "cpu-throttling";
        drop.enabled = false;
        MonitorTemplate extra = new MonitorTemplate();
        extra.name = "payment-provider";
        extra.type = "query alert";
        extra.query = "avg(last_5m):avg:payments.provider.errors{service:${service}} > 3";
        extra.message = "provider failing";
        extra.thresholds = new MonitorThresholds();
        extra.thresholds.critical = "3";
        spec.monitors = List.of(warn, drop, extra);

        Rendering r = render(spec);

        assertThat(r.monitors())
                .extracting(DesiredMonitor::templateName)
                .contains("payment-provider")
                .doesNotContain("cpu-throttling")
                // Every built-in composite combines cpu-throttling, so they go with it.
                .doesNotContain("slow-at-cpu-limit", "slow-on-busy-node", "slow-not-cpu")
                .hasSize(7);
        MonitorDefinition latency = monitor(r, "latency-p95");
        assertThat(latency.thresholds()).containsEntry("warning", 300.0).containsEntry("critical", 500.0);
        assertThat(latency.query()).endsWith("> 500");
        assertThat(monitor(r, "payment-provider").query()).contains("service:checkout");
    }

    @Test
    void aProfileTemplateShippedOffIsOffUntilAServiceTurnsItOn() {
        MonitoringProfileSpec profile = io.fabric8.kubernetes.client.utils.Serialization.clone(BuiltInProfile.spec());
        profile.monitors.stream().filter(m -> m.name.equals("cpu-throttling")).forEach(m -> m.enabled = false);
        ServiceMonitoringSpec plain = spec("checkout", "prod");
        assertThat(MonitorRenderer.render(profile, plain, "shop/checkout", "eu-1")
                        .monitors())
                .extracting(DesiredMonitor::templateName)
                .doesNotContain("cpu-throttling");

        ServiceMonitoringSpec optIn = spec("checkout", "prod");
        MonitorTemplate on = new MonitorTemplate();
        on.name = "cpu-throttling";
        on.enabled = true;
        optIn.monitors = List.of(on);
        assertThat(MonitorRenderer.render(profile, optIn, "shop/checkout", "eu-1")
                        .monitors())
                .extracting(DesiredMonitor::templateName)
                .contains("cpu-throttling");
    }

    @Test
    void reservedTagKeysAreRefusedInTheSpecAndInTemplates() {
        ServiceMonitoringSpec forged = spec("checkout", "prod");
        forged.tags = List.of("mimamori-owner:other/name");
        Rendering r = render(forged);
        assertThat(r.ok()).isFalse();
        assertThat(r.problem().reason()).isEqualTo("ReservedTag");
        assertThat(r.problem().message()).contains("mimamori-owner:other/name", "reserved");

        ServiceMonitoringSpec inTemplate = spec("checkout", "prod");
        MonitorTemplate t = new MonitorTemplate();
        t.name = "latency-p95";
        t.tags = List.of("managed-by:someone");
        inTemplate.monitors = List.of(t);
        assertThat(render(inTemplate).problem().reason()).isEqualTo("ReservedTag");
    }

    @Test
    void unknownParameterNamesTheKnownOnes() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.parameters = Map.of("latencyP99", "1");
        Rendering r = render(spec);
        assertThat(r.problem().reason()).isEqualTo("UnknownParameter");
        assertThat(r.problem().message()).contains("latencyP99", "latencyP95Ms", "errorRatePercent");
    }

    @Test
    void valuesThatCouldBreakOutOfAQueryAreRefused() {
        assertThat(render(spec("checkout}", "prod")).problem().reason()).isEqualTo("InvalidTagValue");
        assertThat(render(spec("checkout", "prod,service:other")).problem().reason())
                .isEqualTo("InvalidTagValue");
        assertThat(render(spec("Checkout", "prod")).problem().reason()).isEqualTo("InvalidTagValue");
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.parameters = Map.of("latencyP95Ms", "400} OR avg:x{*");
        assertThat(render(spec).problem().reason()).isEqualTo("InvalidParameterValue");
    }

    @Test
    void aReleaseCheckDurationTooLongToRepresentAndAProfileNameOutsideDns1123AreRefused() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.releaseCheck = new ReleaseCheckTemplate();
        spec.releaseCheck.analysis = new AnalysisSpec();
        spec.releaseCheck.analysis.warmup = "9223372036854775807h";
        Rendering overflow = render(spec);
        assertThat(overflow.problem().reason()).isEqualTo("InvalidSpec");
        assertThat(overflow.problem().message())
                .startsWith("spec.releaseCheck.analysis.warmup: \"9223372036854775807h\" is longer than 168h");

        ServiceMonitoringSpec badProfile = spec("checkout", "prod");
        badProfile.profile = "Default/../x";
        assertThat(render(badProfile).problem().message()).contains("is not a MonitoringProfile name");
    }

    @Test
    void aTemplateUsingTeamWithoutATeamIsExplained() {
        MonitoringProfileSpec profile = new MonitoringProfileSpec();
        MonitorTemplate t = new MonitorTemplate();
        t.name = "owned";
        t.type = "query alert";
        t.query = "avg(last_5m):avg:x{team:${team}} > 1";
        t.message = "m";
        profile.monitors = List.of(t);
        Rendering r = MonitorRenderer.render(profile, spec("a", "b"), "ns/a", "c");
        assertThat(r.problem().reason()).isEqualTo("InvalidTemplate");
        assertThat(r.problem().message()).contains("${team}", "spec.team");
    }

    @Test
    void unbalancedQueriesAndNonNumericThresholdsAreCaughtLocally() {
        MonitoringProfileSpec profile = new MonitoringProfileSpec();
        profile.parameters = Map.of("limit", "ten");
        MonitorTemplate t = new MonitorTemplate();
        t.name = "broken";
        t.type = "query alert";
        t.query = "avg(last_5m):avg:x{service:${service} > 1";
        t.message = "m";
        profile.monitors = List.of(t);
        assertThat(MonitorRenderer.render(profile, spec("a", "b"), "ns/a", "c")
                        .problem()
                        .reason())
                .isEqualTo("InvalidQuery");
        t.query = "avg(last_5m):avg:x{service:${service}} > ${params.limit}";
        t.thresholds = new MonitorThresholds();
        t.thresholds.critical = "${params.limit}";
        assertThat(MonitorRenderer.render(profile, spec("a", "b"), "ns/a", "c")
                        .problem()
                        .message())
                .contains("not a number");
    }

    static MonitorTemplate disabled(String name) {
        MonitorTemplate t = new MonitorTemplate();
        t.name = name;
        t.enabled = false;
        return t;
    }

    static MonitorTemplate composite(String name, String expression) {
        MonitorTemplate t = new MonitorTemplate();
        t.name = name;
        t.type = "composite";
        t.query = expression;
        t.message = "look at the node first";
        return t;
    }

    @Test
    void aCompositeIsRenderedOverItsMembersNamesAndGoesWhenAServiceDropsAMember() {
        MonitoringProfileSpec profile = io.fabric8.kubernetes.client.utils.Serialization.clone(BuiltInProfile.spec());
        profile.monitors.add(composite("slow-and-throttled", "latency-p95 && cpu-throttling"));
        Rendering r = MonitorRenderer.render(profile, spec("checkout", "prod"), "shop/checkout", "eu-1");
        assertThat(r.ok()).isTrue();
        MonitorDefinition c = monitor(r, "slow-and-throttled");
        assertThat(c.type()).isEqualTo("composite");
        assertThat(c.query()).isEqualTo("latency-p95 && cpu-throttling");
        assertThat(c.tags()).contains("mimamori-monitor:slow-and-throttled", "service:checkout");

        ServiceMonitoringSpec dropping = spec("checkout", "prod");
        dropping.monitors = List.of(disabled("cpu-throttling"));
        assertThat(MonitorRenderer.render(profile, dropping, "shop/checkout", "eu-1")
                        .monitors())
                .extracting(DesiredMonitor::templateName)
                .doesNotContain("slow-and-throttled", "cpu-throttling");
    }

    @Test
    void aCompositeOverAnUnknownMonitorOrAnotherCompositeIsATemplateError() {
        MonitoringProfileSpec unknown = io.fabric8.kubernetes.client.utils.Serialization.clone(BuiltInProfile.spec());
        unknown.monitors.add(composite("odd", "latency-p95 && no-such-monitor"));
        Rendering r = MonitorRenderer.render(unknown, spec("checkout", "prod"), "shop/checkout", "eu-1");
        assertThat(r.problem().reason()).isEqualTo("InvalidTemplate");
        assertThat(r.problem().message()).contains("no-such-monitor");

        MonitoringProfileSpec nested = io.fabric8.kubernetes.client.utils.Serialization.clone(BuiltInProfile.spec());
        nested.monitors.add(composite("a", "latency-p95 && error-rate"));
        nested.monitors.add(composite("b", "a && cpu-throttling"));
        assertThat(MonitorRenderer.render(nested, spec("checkout", "prod"), "shop/checkout", "eu-1")
                        .problem()
                        .message())
                .contains("another composite");
    }

    @Test
    void aNewMonitorWithoutQueryIsRefused() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        MonitorTemplate extra = new MonitorTemplate();
        extra.name = "half";
        extra.type = "query alert";
        spec.monitors = List.of(extra);
        assertThat(render(spec).problem().message()).contains("half", "type, query and message");
    }

    @Test
    void renderingIsDeterministic() {
        assertThat(render(spec("checkout", "prod"))).isEqualTo(render(spec("checkout", "prod")));
    }

    static GateMetric gateMetric(String name, String query) {
        GateMetric metric = new GateMetric();
        metric.name = name;
        metric.query = query;
        return metric;
    }

    @Test
    void theGateMetricsOfTheServiceAreCompiledForTheV2QueryApi() {
        Rendering r = render(spec("checkout", "prod"));

        MetricFormula errorRate = r.gate().get("error rate");
        assertThat(errorRate.queries())
                .extracting(MetricFormula.NamedQuery::query)
                .containsExactly(
                        "sum:trace.http.request.errors{service:checkout,env:prod,version:${version}}.as_count()",
                        "sum:trace.http.request.hits{service:checkout,env:prod,version:${version}}.as_count()");
        assertThat(errorRate.formula()).isEqualTo("q0 / q1");
        assertThat(r.gate().get("p95 latency (ms)").formula()).isEqualTo("q0 * 1000");
    }

    @Test
    void aServicesOwnGateMetricsReplaceTheProfilesAndAreCheckedToo() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.releaseCheck = new ReleaseCheckTemplate();
        spec.releaseCheck.metrics = List.of(gateMetric("saturation", "avg:system.cpu.user{service:${service}}"));
        assertThat(render(spec).gate()).containsOnlyKeys("saturation");

        spec.releaseCheck.metrics = List.of(gateMetric("cpu", "avg(last_5m):avg:system.cpu.user{*} > 80"));
        Rendering refused = render(spec);

        assertThat(refused.ok()).isFalse();
        assertThat(refused.problem().reason()).isEqualTo(Reasons.INVALID_QUERY);
        assertThat(refused.problem().message())
                .startsWith("gate metric \"cpu\" cannot be sent to Datadog")
                .contains("monitor's time aggregation");
    }

    @Test
    void aProfileWhoseGateQueryCannotBeSplitDoesNotRender() {
        MonitoringProfileSpec profile = BuiltInProfile.spec();
        profile.gate.metrics = List.of(gateMetric("latency", "p95:trace.http.request{service:${service}}.anomalies()"));

        Rendering r = MonitorRenderer.render(profile, spec("checkout", "prod"), "shop/checkout", "eu-1");

        assertThat(r.problem().reason()).isEqualTo(Reasons.INVALID_QUERY);
        assertThat(r.problem().message()).contains("gate metric \"latency\"", ".anomalies() cannot stay on a metric");
    }
}
