package dev.mimamori.render;

import static dev.mimamori.render.MonitorRendererTest.render;
import static dev.mimamori.render.MonitorRendererTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.SloTemplate;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.SloDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SloRenderingTest {

    static DesiredSlo slo(Rendering r, String name) {
        return r.slos().stream()
                .filter(s -> s.templateName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static SloTemplate override(String name) {
        SloTemplate t = new SloTemplate();
        t.name = name;
        return t;
    }

    @Test
    void theBuiltInProfileGivesEveryServiceAnAvailabilityAndALatencySlo() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.team = "payments";
        Rendering r = render(spec);
        assertThat(r.ok()).isTrue();
        assertThat(r.slos()).extracting(DesiredSlo::templateName).containsExactly("availability", "latency");
        SloDefinition availability = slo(r, "availability").definition();
        assertThat(availability.target()).isEqualTo(99.9);
        assertThat(availability.timeframe()).isEqualTo("30d");
        assertThat(availability.numerator())
                .isEqualTo("sum:trace.http.request.hits{service:checkout,env:prod}"
                        + ".as_count() - sum:trace.http.request.errors{service:checkout,env:prod}.as_count()");
        assertThat(availability.denominator())
                .isEqualTo("sum:trace.http.request.hits{service:checkout,env:prod}" + ".as_count()");
        assertThat(availability.tags())
                .contains(
                        "managed-by:mimamori",
                        "mimamori-cluster:eu-1",
                        "mimamori-owner:shop/checkout",
                        "mimamori-slo:availability",
                        "service:checkout",
                        "env:prod",
                        "team:payments");
        assertThat(slo(r, "latency").definition().numerator())
                .isEqualTo("count(v: v<=0.5):trace.http.request{service:checkout,env:prod}");
    }

    @Test
    void aThirtyDaySloGetsTheFastAndSlowBurnRatePairs() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.notify = List.of("@pagerduty-checkout");
        List<DesiredMonitor> alerts = slo(render(spec), "availability").alertMonitors("abc123");
        assertThat(alerts)
                .extracting(DesiredMonitor::templateName)
                .containsExactly("slo-availability-fast-burn", "slo-availability-slow-burn");
        MonitorDefinition fast = alerts.get(0).definition();
        assertThat(fast.type()).isEqualTo("slo alert");
        assertThat(fast.query())
                .isEqualTo("burn_rate(\"abc123\").over(\"30d\").long_window(\"1h\").short_window(\"5m\") > 14.4");
        assertThat(fast.thresholds()).isEqualTo(Map.of("critical", 14.4));
        assertThat(fast.message()).contains("{{#is_alert}}", "@pagerduty-checkout");
        assertThat(fast.tags()).contains("mimamori-monitor:slo-availability-fast-burn", "mimamori-owner:shop/checkout");
        assertThat(alerts.get(1).definition().query())
                .isEqualTo("burn_rate(\"abc123\").over(\"30d\").long_window(\"6h\").short_window(\"30m\") > 6");
    }

    @Test
    void burnRateFactorsAreDatadogsRecommendedOnesForEachSloWindow() {
        for (String[] row : new String[][] {{"7d", "16.8", "5.6"}, {"30d", "14.4", "6"}, {"90d", "21.6", "10.8"}}) {
            ServiceMonitoringSpec spec = spec("checkout", "prod");
            SloTemplate window = override("availability");
            window.timeframe = row[0];
            spec.slos = List.of(window);
            List<DesiredMonitor> alerts = slo(render(spec), "availability").alertMonitors("x");
            assertThat(alerts.get(0).definition().query())
                    .as(row[0])
                    .isEqualTo("burn_rate(\"x\").over(\"" + row[0] + "\").long_window(\"1h\").short_window(\"5m\") > "
                            + row[1]);
            assertThat(alerts.get(1).definition().query())
                    .as(row[0])
                    .isEqualTo("burn_rate(\"x\").over(\"" + row[0] + "\").long_window(\"6h\").short_window(\"30m\") > "
                            + row[2]);
        }
    }

    @Test
    void aTargetWithMoreThanThreeDecimalsIsRefusedBeforeDatadogSeesIt() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.parameters = Map.of("availabilityTarget", "99.9995");
        Rendering r = render(spec);
        assertThat(r.problem().reason()).isEqualTo("InvalidTemplate");
        assertThat(r.problem().message()).contains("SLO \"availability\"", "target 99.9995", "more than 3 decimals");
        spec.parameters = Map.of("availabilityTarget", "99.995");
        assertThat(render(spec).ok()).isTrue();
    }

    @Test
    void aServiceOverridesTargetAndWindowDropsAnSloAndAddsItsOwn() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        SloTemplate stricter = override("availability");
        stricter.target = "99.95";
        stricter.timeframe = "7d";
        SloTemplate noLatency = override("latency");
        noLatency.enabled = false;
        SloTemplate checkout = override("checkout-success");
        checkout.target = "99";
        checkout.good = "sum:checkout.completed{service:${service}}.as_count()";
        checkout.total = "sum:checkout.started{service:${service}}.as_count()";
        checkout.burnRateAlerts = false;
        spec.slos = List.of(stricter, noLatency, checkout);

        Rendering r = render(spec);

        assertThat(r.ok()).isTrue();
        assertThat(r.slos()).extracting(DesiredSlo::templateName).containsExactly("availability", "checkout-success");
        SloDefinition availability = slo(r, "availability").definition();
        assertThat(availability.target()).isEqualTo(99.95);
        assertThat(availability.timeframe()).isEqualTo("7d");
        assertThat(availability.numerator()).contains("trace.http.request.hits{service:checkout,env:prod}");
        assertThat(slo(r, "availability").alertMonitors("x").get(0).definition().query())
                .endsWith("> 16.8");
        assertThat(slo(r, "checkout-success").definition().numerator())
                .isEqualTo("sum:checkout.completed{service:checkout}.as_count()");
        assertThat(slo(r, "checkout-success").alerts()).isEmpty();
    }

    @Test
    void theTargetFollowsTheServicesParameters() {
        ServiceMonitoringSpec spec = spec("checkout", "prod");
        spec.parameters = Map.of("availabilityTarget", "99.5");
        assertThat(slo(render(spec), "availability").definition().target()).isEqualTo(99.5);
    }

    @Test
    void badSloInputIsNamedInTheProblem() {
        ServiceMonitoringSpec outOfRange = spec("checkout", "prod");
        outOfRange.parameters = Map.of("availabilityTarget", "100");
        assertThat(render(outOfRange).problem().message())
                .contains("SLO \"availability\"", "target 100", "above 0 and below 100");

        ServiceMonitoringSpec unreachable = spec("checkout", "prod");
        unreachable.parameters = Map.of("availabilityTarget", "90");
        assertThat(render(unreachable).problem().message())
                .contains("at most 10.0x", "14.4x burn-rate alert could never fire");

        ServiceMonitoringSpec incomplete = spec("checkout", "prod");
        SloTemplate half = override("new-one");
        half.target = "99";
        incomplete.slos = List.of(half);
        Rendering r = render(incomplete);
        assertThat(r.problem().reason()).isEqualTo("InvalidTemplate");
        assertThat(r.problem().message()).contains("SLO \"new-one\"", "needs target, good and total");
    }
}
